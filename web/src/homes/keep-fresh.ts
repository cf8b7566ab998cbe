import type { NotificationKind } from '@cairn/schema/operations';
import { onCleanup } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';

/** How often a home reads its lists again while its tab is shown. */
const refreshEveryMs = 60_000;

/**
 * Keeps a home's lists up to date. A notification of `kinds` refreshes them at once, but most changes to
 * what a home shows tell its user nothing (a handover posted to a care team the service lead is not on, a
 * specialist's note escalated to the service lead), so the lists are also read again every minute while the
 * tab is shown, and as soon as it is shown again. Stops with the component.
 */
export function keepFresh(refresh: () => void, kinds: readonly NotificationKind[] = []): void {
  refreshOnNotifications(kinds, refresh);
  const whenShown = () => {
    if (document.visibilityState === 'visible') refresh();
  };
  const timer = setInterval(whenShown, refreshEveryMs);
  document.addEventListener('visibilitychange', whenShown);
  onCleanup(() => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', whenShown);
  });
}
