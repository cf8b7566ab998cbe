import { LatestChangeDocument, type NotificationKind } from '@cairn/schema/operations';
import type { Client } from '@urql/core';
import { useClient } from '@urql/solid';
import { onCleanup } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';

/** How often a shown home asks whether anything about its user's patients has changed. */
const checkEveryMs = 60_000;

/**
 * Keeps a home's lists up to date. A notification of `kinds` refreshes them at once, but most changes to
 * what a home shows tell its user nothing (a handover posted to a care team the service lead is not on, a
 * specialist's note escalated to the service lead). So, while the tab is shown (every minute, and as soon as
 * it is shown again), the page asks for the newest change among the patients its user may open, and reads
 * the lists again only when that has moved: reading a list records every patient it shows in their audit
 * trail, and a home left open all day would otherwise put its user on each of them every minute.
 * Stops with the component.
 */
export function keepFresh(refresh: () => void, kinds: readonly NotificationKind[] = []): void {
  refreshOnNotifications(kinds, refresh);
  onCleanup(changesOf(useClient()).watch(refresh));
}

/** One watch per client, however many lists a page keeps fresh: one question a minute, not one per list. */
const watches = new WeakMap<Client, ChangeWatch>();

function changesOf(client: Client): ChangeWatch {
  let watch = watches.get(client);
  if (!watch) watches.set(client, (watch = new ChangeWatch(client)));
  return watch;
}

class ChangeWatch {
  private readonly refreshes = new Set<() => void>();
  /** The newest change seen; null until first asked. */
  private seen: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly whenShown = () => void (document.visibilityState === 'visible' && this.check());

  constructor(private readonly client: Client) {}

  /** Calls `refresh` whenever a change is seen; returns what stops it. */
  watch(refresh: () => void): () => void {
    this.refreshes.add(refresh);
    if (this.refreshes.size === 1) this.start();
    return () => {
      this.refreshes.delete(refresh);
      if (this.refreshes.size === 0) this.stop();
    };
  }

  private start(): void {
    this.timer = setInterval(this.whenShown, checkEveryMs);
    document.addEventListener('visibilitychange', this.whenShown);
    void this.check(); // where the lists just read stand
  }

  private stop(): void {
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.whenShown);
    this.seen = null;
  }

  private async check(): Promise<void> {
    const result = await this.client.query(LatestChangeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    const latest = result.data?.latestChangeSeq;
    // Unanswered (offline, say): asked again at the next minute or showing.
    if (latest === undefined) return;
    const changed = this.seen !== null && latest !== this.seen;
    this.seen = latest;
    if (changed) for (const refresh of [...this.refreshes]) refresh();
  }
}
