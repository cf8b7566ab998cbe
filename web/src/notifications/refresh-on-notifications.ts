import type { NotificationKind } from '@cairn/schema/operations';
import { onCleanup } from 'solid-js';
import { useNotifications, type NotificationItem } from './notification-center.js';

/**
 * Keeps a screen live over the notifications stream the bell already follows (no socket of its own):
 * calls `refresh` when a notification of one of `kinds` arrives (and `about` accepts it, when given), and
 * after a resync, when some may have been missed. Stops with the component.
 */
export function refreshOnNotifications(kinds: readonly NotificationKind[], refresh: () => void, about?: (n: NotificationItem) => boolean): void {
  const center = useNotifications();
  const stop = center.onArrival((n) => {
    if (n === null || (kinds.includes(n.kind) && (!about || about(n)))) refresh();
  });
  onCleanup(stop);
}
