import { createSignal, createUniqueId, For, onCleanup, Show, type JSX } from 'solid-js';
import { navigate } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Spinner } from '../ui/spinner.js';
import { useNotifications, type NotificationItem } from './notification-center.js';
import { timeAgo } from './when.js';
import './notifications.css';

/**
 * The bell in the top bar: the unread count, live, and a panel of the latest notifications. The panel
 * is a disclosure (not a modal): Escape or a click elsewhere closes it and focus goes back to the bell.
 */
export function NotificationBell(): JSX.Element {
  const center = useNotifications();
  const [open, setOpen] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const panelId = createUniqueId();
  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };
  const onDocumentClick = (event: MouseEvent) => {
    if (open() && root && !root.contains(event.target as Node)) close(false);
  };
  document.addEventListener('click', onDocumentClick);
  onCleanup(() => document.removeEventListener('click', onDocumentClick));

  const label = () => {
    // Until the count has loaded, say nothing about it rather than "none unread".
    if (!center.loaded()) return 'Notifications';
    const n = center.unread();
    return n === 0 ? 'Notifications, none unread' : `Notifications, ${n} unread`;
  };

  const openItem = async (n: NotificationItem) => {
    close(false);
    navigate(n.link);
    if (!n.readAt) await markRead(n, false);
  };

  /** Marks one read, saying why if it could not be; `refocus`: the button pressed went with its row. */
  const markRead = async (n: NotificationItem, refocus: boolean) => {
    const failed = await center.markRead(n.id);
    setProblem(failed ? failed.message : null);
    // A row marked read is drawn afresh, without its button: focus would fall to the page, out of the panel
    // (and Escape would no longer close it). The notification's own link takes it instead.
    if (refocus && !root?.contains(document.activeElement)) root?.querySelector<HTMLElement>(`[data-notification="${CSS.escape(n.id)}"] .bell__link`)?.focus();
  };

  const markAll = async () => {
    setBusy(true);
    const failed = await center.markAllRead();
    setBusy(false);
    setProblem(failed ? failed.message : null);
  };

  return (
    <div
      class="bell"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open()) {
          e.stopPropagation();
          close(true);
        }
      }}
    >
      <button
        ref={button}
        type="button"
        class="bell__button"
        aria-expanded={open()}
        aria-controls={panelId}
        aria-label={label()}
        onClick={() => {
          setOpen(!open());
          if (open()) void center.reload();
        }}
      >
        <BellIcon />
        <Show when={center.unread() > 0}>
          <span class="bell__count" aria-hidden="true">
            {center.unread() > 99 ? '99+' : center.unread()}
          </span>
        </Show>
      </button>
      <div id={panelId} class="bell__panel" hidden={!open()} role="region" aria-label="Notifications">
        <div class="bell__panel-head">
          <h2 class="bell__title">Notifications</h2>
          <button type="button" class="button button--quiet bell__mark-all" onClick={() => void markAll()} disabled={busy() || center.unread() === 0}>
            Mark all read
          </button>
        </div>
        <Show when={problem() ?? center.problem()?.message}>{(message) => <Alert tone="error">{message()}</Alert>}</Show>
        <Show when={center.loaded()} fallback={<Spinner label="Loading notifications…" />}>
          <Show when={center.items().length > 0} fallback={<p class="muted bell__empty">Nothing yet. You will be told here when someone mentions you, hands over a patient of yours or replies in a discussion you follow.</p>}>
            <ul class="bell__list">
              <For each={center.items()}>
                {(n) => (
                  <li class={`bell__item ${n.readAt ? '' : 'bell__item--unread'}`} data-notification={n.id}>
                    <a
                      href={n.link}
                      class="bell__link"
                      onClick={(e) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                        e.preventDefault();
                        void openItem(n);
                      }}
                    >
                      <span class="bell__item-title">
                        <Show when={!n.readAt}>
                          <span class="visually-hidden">Unread: </span>
                        </Show>
                        {n.title}
                      </span>
                      <Show when={n.body}>
                        <span class="bell__item-body">{n.body}</span>
                      </Show>
                      <span class="bell__item-when">{timeAgo(n.createdAt)}</span>
                    </a>
                    <Show when={!n.readAt}>
                      <button type="button" class="button button--quiet bell__read" onClick={() => void markRead(n, true)}>
                        Mark read<span class="visually-hidden">: {n.title}</span>
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </div>
    </div>
  );
}

function BellIcon(): JSX.Element {
  return (
    <svg class="bell__icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
      />
    </svg>
  );
}
