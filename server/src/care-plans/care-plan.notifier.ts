import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../platform/logger.js';

/** The PostgreSQL channel care-plan writes notify on; the payload is only `<instanceId>:<patientId>:<seq>`. */
export const CARE_PLAN_CHANNEL = 'cairn_care_plan';

/** One committed update as a live stream delivers it. */
export interface CommittedUpdate {
  seq: number;
  update: Uint8Array;
  /** The same update in base64, when the client's own text is at hand (saves encoding it per stream). */
  base64?: string;
  actorId: string;
  actorName: string;
  clientUpdateId: string;
  createdAt: Date;
}

/**
 * "Plan P may have new updates." From this instance's own commit it carries the updates themselves, the
 * plan's seq just before them (`prevSeq`: seqs are global, so a stream knows it missed nothing only when
 * its last seq is `prevSeq`) and whether the listener's user may still read the plan (checked once for the
 * whole audience). Without `committed` (another instance's NOTIFY, a reconnect) the listener reads rows.
 */
export interface PlanWake {
  seq: number;
  committed?: { prevSeq: number; updates: CommittedUpdate[] };
  /** Whether this listener's user may read the plan; undefined: not checked, the listener checks. */
  readable?: boolean;
}

type Listener = (wake: PlanWake) => void;

/** The users listening to a plan, each once, and the same as (plan, user) pairs for access decisions. */
export interface Audience {
  readonly users: readonly string[];
  readonly pairs: ReadonlyArray<{ readonly patientId: string; readonly userId: string }>;
}

const nobody: Audience = { users: [], pairs: [] };

interface Registration {
  userId: string;
  listener: Listener;
}

/**
 * Cross-instance delivery of "plan P has a new update". One LISTEN connection per instance; listeners read
 * the rows themselves (by seq), so a missed or merged notification never loses an update, and after a
 * reconnect every listener is poked to catch up.
 */
export class CarePlanNotifier {
  /** Tags this instance's NOTIFYs so it can ignore their echo (its own subscribers were served from memory). */
  readonly instanceId = randomUUID();
  private client: pg.Client | undefined;
  private readonly listeners = new Map<string, Set<Registration>>();
  /** Each watched plan's audience, made when first asked for after its listeners last changed. */
  private readonly audiences = new Map<string, Audience>();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Calls `listener` (on behalf of `userId`) whenever plan `patientId` may have new updates; returns the unsubscribe. */
  listen(patientId: string, userId: string, listener: Listener): () => void {
    let set = this.listeners.get(patientId);
    if (!set) this.listeners.set(patientId, (set = new Set()));
    const registration = { userId, listener };
    set.add(registration);
    this.audiences.delete(patientId);
    return () => {
      set.delete(registration);
      this.audiences.delete(patientId);
      if (set.size === 0 && this.listeners.get(patientId) === set) this.listeners.delete(patientId);
    };
  }

  /**
   * The users listening to plan `patientId` on this instance now. Kept until its listeners change: every
   * group commit asks for each of its plans, and a plan's audience changes far less often.
   */
  audience(patientId: string): Audience {
    const kept = this.audiences.get(patientId);
    if (kept) return kept;
    const set = this.listeners.get(patientId);
    if (!set) return nobody;
    const users = [...new Set([...set].map((r) => r.userId))];
    const audience: Audience = { users, pairs: users.map((userId) => ({ patientId, userId })) };
    this.audiences.set(patientId, audience);
    return audience;
  }

  /** Wakes this instance's listeners; `readers` (when given) are the users checked able to read the plan. */
  poke(patientId: string, wake: PlanWake, readers?: { checked: Set<string>; allowed: Set<string> }): void {
    for (const r of [...(this.listeners.get(patientId) ?? [])]) {
      const readable = readers?.checked.has(r.userId) ? readers.allowed.has(r.userId) : undefined;
      r.listener({ ...wake, readable });
    }
  }

  /** The NOTIFY payload for a commit by this instance. */
  payload(patientId: string, seq: number): string {
    return `${this.instanceId}:${patientId}:${seq}`;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== CARE_PLAN_CHANNEL || !msg.payload) return;
      const [instanceId, patientId, seq] = msg.payload.split(':');
      // Our own commits were handed to our subscribers from memory already.
      if (instanceId === this.instanceId || !patientId) return;
      this.poke(patientId, { seq: Number(seq) });
    });
    client.on('error', (e) => this.logger.warn('care-plan listener lost its connection', { error: String(e) }));
    client.on('end', () => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      this.retry = setTimeout(() => void this.reconnect(), 1000);
      this.retry.unref();
    });
    await client.connect();
    await client.query(`listen ${CARE_PLAN_CHANNEL}`);
    this.client = client;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.connect();
      // Updates may have committed while we were deaf: let everyone re-read from their last seq.
      for (const [patientId] of this.listeners) this.poke(patientId, { seq: Number.NaN });
    } catch (e) {
      this.logger.warn('care-plan listener could not reconnect', { error: String(e) });
      this.retry = setTimeout(() => void this.reconnect(), 1000);
      this.retry.unref();
    }
  }
}
