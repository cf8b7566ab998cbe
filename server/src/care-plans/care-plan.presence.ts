import type { CarePlanSection } from '@cairn/schema/care-plan';
import { CairnError, ErrorCode } from '../platform/errors.js';

export const PresenceActivity = { VIEWING: 'VIEWING', EDITING: 'EDITING' } as const;
export type PresenceActivity = (typeof PresenceActivity)[keyof typeof PresenceActivity];

/** One person (one browser tab) looking at a plan. */
export interface PresenceEntry {
  key: string;
  userId: string;
  name: string;
  role: string;
  section: CarePlanSection | null;
  activity: PresenceActivity;
  expiresAt: Date;
}

type Watcher = (entries: PresenceEntry[]) => void;

/**
 * Who is viewing or editing which section of which plan, in this instance's memory only: ephemeral by
 * design, never stored. An entry without a heartbeat for the TTL is swept and watchers are told.
 */
export class PresenceRegistry {
  private readonly plans = new Map<string, Map<string, PresenceEntry>>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ttlMs: () => number) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.plans.clear();
  }

  /**
   * Records (or refreshes) a heartbeat and tells watchers when something visible changed. A user may hold
   * at most `maxPerUser` entries on a plan (one per tab): each distinct client id is a new entry, and
   * without a cap one person could fill the list everyone watching the plan is sent.
   */
  beat(patientId: string, entry: Omit<PresenceEntry, 'expiresAt'>, maxPerUser = Infinity): PresenceEntry[] {
    let plan = this.plans.get(patientId);
    if (!plan) this.plans.set(patientId, (plan = new Map()));
    const before = plan.get(entry.key);
    const now = Date.now();
    if (!before || before.expiresAt.getTime() <= now) {
      let held = 0;
      for (const e of plan.values()) if (e.userId === entry.userId && e.expiresAt.getTime() > now) held++;
      if (held >= maxPerUser) {
        throw new CairnError(ErrorCode.LIMIT_EXCEEDED, `You already have this care plan open in ${maxPerUser} places; close one of them first.`, 'clientId');
      }
    }
    plan.set(entry.key, { ...entry, expiresAt: new Date(now + this.ttlMs()) });
    if (!before || before.section !== entry.section || before.activity !== entry.activity) this.notify(patientId);
    return this.list(patientId);
  }

  leave(patientId: string, key: string): PresenceEntry[] {
    if (this.plans.get(patientId)?.delete(key)) this.notify(patientId);
    return this.list(patientId);
  }

  list(patientId: string): PresenceEntry[] {
    const now = Date.now();
    return [...(this.plans.get(patientId)?.values() ?? [])].filter((e) => e.expiresAt.getTime() > now).sort((a, b) => a.name.localeCompare(b.name));
  }

  watch(patientId: string, watcher: Watcher): () => void {
    let set = this.watchers.get(patientId);
    if (!set) this.watchers.set(patientId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(patientId) === set) this.watchers.delete(patientId);
    };
  }

  /** Removes expired entries now; runs on a timer a few times per TTL. */
  sweep(now = Date.now()): void {
    for (const [patientId, plan] of this.plans) {
      let changed = false;
      for (const [key, e] of plan) {
        if (e.expiresAt.getTime() <= now) {
          plan.delete(key);
          changed = true;
        }
      }
      if (plan.size === 0) this.plans.delete(patientId);
      if (changed) this.notify(patientId);
    }
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => {
        this.sweep();
        this.schedule();
      },
      Math.max(50, Math.min(1000, Math.floor(this.ttlMs() / 4))),
    );
    this.timer.unref();
  }

  private notify(patientId: string): void {
    const entries = this.list(patientId);
    for (const w of [...(this.watchers.get(patientId) ?? [])]) w(entries);
  }
}
