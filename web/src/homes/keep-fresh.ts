import { LatestChangeDocument, type EventKind, type NotificationKind } from '@cairn/schema/operations';
import type { Client } from '@urql/core';
import { useClient } from '@urql/solid';
import { onCleanup } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';
import { ukToday } from '../platform/dates.js';

/** How often a shown home asks whether anything its lists show has changed. */
const checkEveryMs = 60_000;

/** What changes a list of handovers (the escalated ones name the care team's lead). */
export const handoverChanges: readonly EventKind[] = [
  'HANDOVER_POSTED',
  'HANDOVER_ACKNOWLEDGED',
  'HANDOVER_ESCALATED',
  'HANDOVER_ESCALATION_REROUTED',
  'HANDOVER_ACTION_DONE',
  'HANDOVER_ADDENDUM_ADDED',
  'CARE_TEAM_LEAD_CHANGED',
];

/** What changes the medication worklists. */
export const medicationChanges: readonly EventKind[] = [
  'MEDICATION_ADDED',
  'MEDICATION_CHANGED',
  'MEDICATION_STOPPED',
  'MEDICATION_REVIEWED',
  'MEDICATION_CHANGE_PROPOSED',
  'MEDICATION_CHANGE_AGREED',
  'MEDICATION_CHANGE_DECIDED',
  'MEDICATION_CHANGE_WITHDRAWN',
  'TAPER_STEP_DUE',
  'TAPER_PAUSED',
  'TAPER_RESUMED',
  'TAPER_REPLACED',
];

/** What changes a list of patients as the caseload shows them (team, lead, status, next review). */
export const patientListChanges: readonly EventKind[] = [
  'CARE_TEAM_MEMBER_ADDED',
  'CARE_TEAM_MEMBER_REMOVED',
  'CARE_TEAM_LEAD_CHANGED',
  'PATIENT_STATUS_CHANGED',
  'PATIENT_DISCHARGED',
  'PATIENT_DETAILS_CHANGED',
  'REFERRAL_TRIAGED',
  'CARE_PLAN_REVISED',
];

/** What changes the sessions a coach has this week. */
export const sessionChanges: readonly EventKind[] = ['SESSION_BOOKED', 'SESSION_REBOOKED', 'SESSION_CANCELLED', 'SESSION_RECORDED'];

/**
 * Keeps a home's list up to date. A notification of `notified` refreshes it at once, but most changes to what a
 * home shows tell its user nothing (a handover posted to a care team the service lead is not on, a specialist's
 * note escalated to the service lead). So, while the tab is shown (every minute, and as soon as it is shown
 * again), the page asks for the newest event of `changes` among the patients its user may open, and reads the
 * list again only when that has moved, or when the UK's day has changed (what is due turns on it): reading a
 * list records every patient it shows in their audit trail, and a home left open all day would otherwise put
 * its user on each of them every minute. Stops with the component.
 */
export function keepFresh(refresh: () => void, changes: readonly EventKind[], notified: readonly NotificationKind[] = []): void {
  refreshOnNotifications(notified, refresh);
  onCleanup(changesOf(useClient(), changes).watch(refresh));
}

/** One watch per client and kinds of change, however many lists share them: one question a minute each. */
const watches = new WeakMap<Client, Map<string, ChangeWatch>>();

function changesOf(client: Client, kinds: readonly EventKind[]): ChangeWatch {
  let byKinds = watches.get(client);
  if (!byKinds) watches.set(client, (byKinds = new Map()));
  const key = [...kinds].sort().join(' ');
  let watch = byKinds.get(key);
  if (!watch) byKinds.set(key, (watch = new ChangeWatch(client, [...kinds])));
  return watch;
}

class ChangeWatch {
  private readonly refreshes = new Set<() => void>();
  /** The newest change and the UK day seen; null until first asked. */
  private seen: { seq: string; day: string } | null = null;
  /** Counts starts and stops, so that an answer asked for before the last stop is not taken as seen. */
  private generation = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly whenShown = () => void (document.visibilityState === 'visible' && this.check());

  constructor(
    private readonly client: Client,
    private readonly kinds: EventKind[],
  ) {}

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
    this.generation++;
    this.timer = setInterval(this.whenShown, checkEveryMs);
    document.addEventListener('visibilitychange', this.whenShown);
    void this.check(); // where the lists just read stand
  }

  private stop(): void {
    this.generation++;
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.whenShown);
    this.seen = null;
  }

  private async check(): Promise<void> {
    const asked = this.generation;
    const result = await this.client.query(LatestChangeDocument, { kinds: this.kinds }, { requestPolicy: 'network-only' }).toPromise();
    const seq = result.data?.latestChangeSeq;
    // Unanswered (offline, say): asked again at the next minute or showing. Answered after a stop: not ours.
    if (seq === undefined || asked !== this.generation) return;
    const now = { seq, day: ukToday() };
    const changed = this.seen !== null && (now.seq !== this.seen.seq || now.day !== this.seen.day);
    this.seen = now;
    if (changed) for (const refresh of [...this.refreshes]) refresh();
  }
}
