import {
  LiveNotificationsDocument,
  MarkAllNotificationsReadDocument,
  MarkNotificationReadDocument,
  NotificationsPanelDocument,
  type NotificationItemFragment,
} from '@cairn/schema/operations';
import { createContext, createSignal, onCleanup, useContext, type Accessor, type JSX } from 'solid-js';
import type { Connection } from '../platform/client.js';
import { describeError, type Problem } from '../platform/errors.js';
import { resumableSubscription } from './resumable-subscription.js';

export type NotificationItem = NotificationItemFragment;

/** A notification shown briefly in the corner as it arrives. */
export interface Toast {
  key: number;
  notification: NotificationItem;
}

/** The signed-in person's notifications: the unread count and latest few, kept live, and the toasts. */
export interface NotificationCenter {
  unread: Accessor<number>;
  items: Accessor<NotificationItem[]>;
  /** False until the first load has answered. */
  loaded: Accessor<boolean>;
  problem: Accessor<Problem | null>;
  toasts: Accessor<Toast[]>;
  dismissToast(key: number): void;
  markRead(id: string): Promise<Problem | null>;
  markAllRead(): Promise<Problem | null>;
  reload(): Promise<void>;
  /**
   * Calls `listener` with each notification as it arrives live, and with null after a resync (some may have
   * been missed), so a screen can refresh on what concerns it over the bell's own stream. Answers a stop.
   */
  onArrival(listener: (n: NotificationItem | null) => void): () => void;
}

const listSize = 20;
const NotificationContext = createContext<NotificationCenter>();

export function useNotifications(): NotificationCenter {
  const center = useContext(NotificationContext);
  if (!center) throw new Error('useNotifications needs a NotificationsProvider');
  return center;
}

/**
 * Loads the count and the latest notifications, then follows the live stream from the newest one shown,
 * so whatever arrives between the load and the subscription is replayed rather than lost. A resync
 * signal (this tab fell too far behind) reloads both and carries on from the reloaded newest.
 */
export function NotificationsProvider(props: { connection: Connection; children: JSX.Element }): JSX.Element {
  const [unread, setUnread] = createSignal(0);
  const [items, setItems] = createSignal<NotificationItem[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [toasts, setToasts] = createSignal<Toast[]>([]);
  let toastKey = 0;
  const listeners = new Set<(n: NotificationItem | null) => void>();
  const tell = (n: NotificationItem | null) => listeners.forEach((listener) => listener(n));
  const urql = props.connection.urql;

  /** Answers the cursor to follow from: the newest notification, or "0" when there are none at all. */
  async function load(): Promise<string> {
    const result = await urql.query(NotificationsPanelDocument, { first: listSize }, { requestPolicy: 'network-only' }).toPromise();
    if (!result.data) {
      if (result.error) setProblem(describeError(result.error));
      throw new Error('notifications did not load');
    }
    setProblem(null);
    setUnread(result.data.unreadNotificationCount);
    setItems(result.data.myNotifications);
    setLoaded(true);
    return result.data.myNotifications[0]?.seq ?? '0';
  }

  function arrived(n: NotificationItem): void {
    if (items().some((i) => i.id === n.id)) return;
    setItems([n, ...items()].slice(0, listSize));
    if (!n.readAt) setUnread(unread() + 1);
    // No toast for the screen already open: it refreshes itself (refreshOnNotifications), and toasts would cover it.
    if (n.link !== window.location.pathname) setToasts([...toasts(), { key: ++toastKey, notification: n }].slice(-3));
    tell(n);
  }

  let stop: (() => void) | undefined;
  let disposed = false;
  onCleanup(() => {
    disposed = true;
    stop?.();
  });
  const follow = (cursor: string) => {
    if (disposed) return;
    stop = resumableSubscription({
      ws: props.connection.ws,
      document: LiveNotificationsDocument,
      variables: (after) => ({ after }),
      cursorOf: (r) => r.notifications.seq,
      cursor,
      onItem: (r) => arrived(r.notifications),
      onResync: async () => {
        const cursor = await load();
        tell(null);
        return cursor;
      },
    });
  };
  const firstLoad = (attempt: number): void => {
    load().then(follow, () => {
      if (!disposed) setTimeout(() => firstLoad(attempt + 1), Math.min(30_000, 2_000 * 2 ** attempt));
    });
  };
  firstLoad(0);

  const center: NotificationCenter = {
    unread,
    items,
    loaded,
    problem,
    toasts,
    dismissToast: (key) => setToasts(toasts().filter((t) => t.key !== key)),
    async markRead(id) {
      const wasUnread = items().some((i) => i.id === id && !i.readAt);
      const result = await urql.mutation(MarkNotificationReadDocument, { id }).toPromise();
      if (!result.data) return result.error ? describeError(result.error) : null;
      const updated = result.data.markNotificationRead;
      setItems(items().map((i) => (i.id === id ? updated : i)));
      if (wasUnread) setUnread(Math.max(0, unread() - 1));
      return null;
    },
    async markAllRead() {
      const result = await urql.mutation(MarkAllNotificationsReadDocument, {}).toPromise();
      if (result.data === undefined || result.error) return result.error ? describeError(result.error) : null;
      const now = new Date().toISOString();
      setItems(items().map((i) => (i.readAt ? i : { ...i, readAt: now })));
      setUnread(0);
      return null;
    },
    async reload() {
      await load().catch(() => undefined);
    },
    onArrival(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return <NotificationContext.Provider value={center}>{props.children}</NotificationContext.Provider>;
}
