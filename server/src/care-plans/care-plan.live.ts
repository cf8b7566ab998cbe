import { canRead, PatientAction, requirePatientAccess } from '../access/policy.js';
import type { Context } from '../auth/request-context.js';
import { badInput } from '../platform/errors.js';
import type { CommittedUpdate, PlanWake } from './care-plan.notifier.js';
import type { PresenceEntry } from './care-plan.presence.js';
import { CarePlanEventKind } from './care-plan.types.js';
import { parseStateVector } from './care-plan.update-guard.js';
import { LiveQueue } from './live-queue.js';

/** A state vector holds a few bytes per editor tab that ever wrote to the plan: thousands of tabs fit. */
const maxStateVectorBytes = 64 * 1024;

/** What the update stream yields; REVOKED makes the field resolver answer NOT_FOUND, then the stream ends. */
export type UpdateStreamItem =
  | { kind: typeof CarePlanEventKind.SYNC; update: string; seq: number }
  | { kind: typeof CarePlanEventKind.UPDATE; update: string; seq: number; authorId: string; authorName: string; clientUpdateId: string; at: Date }
  | { kind: 'REVOKED' };

/**
 * The live stream of one plan for one subscriber: first the diff against the client's state vector, then
 * every stored update after it, in seq order without gaps. This instance's own commits arrive from memory
 * (with the plan's previous seq, and the audience's access checked once for all its streams); another
 * instance's commits, a reconnect or a gap make the stream read the rows after its last seq instead, and
 * check access itself. Access is thus re-checked for every delivery, at one query per commit per instance.
 */
export async function carePlanUpdateStream(ctx: Context, patientId: string, stateVector: string | null): Promise<AsyncIterable<UpdateStreamItem>> {
  const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
  const vector = stateVector ? parseStateVector(decodeBase64('stateVector', stateVector, maxStateVectorBytes)) : null;
  const store = ctx.services.carePlans;
  const queue = new LiveQueue<UpdateStreamItem>();
  let lastSeq = 0;
  const revoke = () => {
    queue.push({ kind: 'REVOKED' });
    queue.end();
  };
  const push = (r: CommittedUpdate) => {
    queue.push(streamItemOf(r));
    lastSeq = r.seq;
  };
  // Deliveries run one after another; the first waits for the initial diff, so nothing is missed or reordered.
  let chain: Promise<void> = Promise.resolve();
  const deliver = (wake: PlanWake) => {
    chain = chain.then(async () => {
      if (queue.closed) return;
      const committed = wake.committed;
      const newest = committed?.updates[committed.updates.length - 1];
      if (newest && newest.seq <= lastSeq) return; // already read from the database
      if (wake.readable === false) return revoke();
      if (committed && committed.prevSeq <= lastSeq && wake.readable === true) {
        for (const u of committed.updates) if (u.seq > lastSeq) push(u);
        return;
      }
      const em = ctx.services.orm.em.fork();
      const rows = await store.updatesAfter(em, patientId, lastSeq);
      if (rows.length === 0) return;
      if (wake.readable !== true && !(await canRead(em, actor, patientId))) return revoke();
      rows.forEach(push);
      if (rows.length === 500) deliver({ seq: Number.NaN, readable: wake.readable }); // a long backlog: keep reading
    }).catch((e: unknown) => ctx.services.logger.warn('care-plan stream delivery failed', { error: String(e) }));
  };
  queue.onClose(store.notifier.listen(patientId, actor.id, deliver));
  chain = (async () => {
    try {
      const { seq, update } = await store.diffSince(patientId, vector);
      lastSeq = seq;
      queue.push({ kind: CarePlanEventKind.SYNC, update: toBase64(update), seq });
    } catch (e) {
      queue.end();
      throw e;
    }
  })();
  await chain; // a bad state vector fails the subscription here, before anything streams
  deliver({ seq: Number.NaN }); // anything committed while the diff was computed
  return queue;
}

/**
 * One committed update as every stream of its plan yields it: the same object for all of them, so that
 * the subscription's result can be computed once for all its watchers (see platform/shared-subscribe.ts).
 */
const streamItems = new WeakMap<CommittedUpdate, UpdateStreamItem>();
function streamItemOf(r: CommittedUpdate): UpdateStreamItem {
  let item = streamItems.get(r);
  if (!item) {
    item = { kind: CarePlanEventKind.UPDATE, update: r.base64 ?? toBase64(r.update), seq: r.seq, authorId: r.actorId, authorName: r.actorName, clientUpdateId: r.clientUpdateId, at: r.createdAt };
    streamItems.set(r, item);
  }
  return item;
}

/** Presence of one plan: the current list at once, then the list whenever it changes, while access lasts. */
export async function presenceStream(ctx: Context, patientId: string): Promise<AsyncIterable<PresenceEntry[] | 'REVOKED'>> {
  const { actor } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
  const presence = ctx.services.carePlans.presence;
  const queue = new LiveQueue<PresenceEntry[] | 'REVOKED'>();
  let chain = Promise.resolve();
  queue.onClose(
    presence.watch(patientId, (entries) => {
      chain = chain.then(async () => {
        if (queue.closed) return;
        if (await canRead(ctx.services.orm.em.fork(), actor, patientId)) queue.push(entries);
        else {
          queue.push('REVOKED');
          queue.end();
        }
      });
    }),
  );
  queue.push(presence.list(patientId));
  return queue;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict base64 (Node's decoder silently skips junk, so check the alphabet first). */
export function decodeBase64(field: string, value: string, maxBytes = Number.POSITIVE_INFINITY): Uint8Array {
  if (value.length > Math.ceil(maxBytes / 3) * 4 + 4) throw badInput(field, `This edit is too large (at most ${Math.floor(maxBytes / 1024)} KiB at a time).`);
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw badInput(field, `The ${field} is not valid base64.`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}
