import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { PatientAction } from '../access/policy.js';
import { AuditOutcome, recordAudit } from '../audit/audit.service.js';
import { notifyCarePlanSignedOff } from '../notifications/care-plan-digest.js';
import { badInput, conflict } from '../platform/errors.js';
import { allSections, emptyPlanReason, isPlanEmpty, type CarePlanSection, type CarePlanView } from '@cairn/schema/care-plan';
import { changedSections, createCarePlanDoc, initialCarePlanUpdate, materialise, writeView } from './care-plan.doc.js';
import { type CarePlanStore, type UpdateAck } from './care-plan.store.js';
import { appendPendingCarePlanRevision } from './care-plan.timeline.js';
import { runSql, sql } from '../platform/sql.js';

/** Edits closer together than this, by anyone, form one revision: a co-editing session is one entry. */
export const REVISION_PAUSE_MS = 5 * 60_000;

/** Someone who edited within a revision, and how many of its updates were theirs. */
export interface RevisionAuthor {
  id: string;
  name: string;
  updateCount: number;
}

export interface Revision {
  seq: number;
  fromSeq: number;
  /**
   * The plan's last update before the revision (0: none). Seqs are shared by every plan, so `fromSeq - 1` is
   * usually another plan's: what the revision changed is from here to `seq`.
   */
  beforeSeq: number;
  /** Every author, in the order they first edited in the revision. */
  authors: RevisionAuthor[];
  /** The first author (kept for older clients; read `authors`). */
  authorId: string;
  authorName: string;
  startedAt: Date;
  endedAt: Date;
  updateCount: number;
  sections: CarePlanSection[];
  signedOff: boolean;
}

interface UpdateRow {
  seq: number;
  actorId: string;
  actorName: string;
  sections: string[];
  at: Date;
}

/**
 * The plan's history as revisions, newest first: consecutive updates, by any authors, with no pause longer
 * than REVISION_PAUSE_MS, closed at every signed-off seq (so a sign-off always names a whole revision).
 * Reads only the small columns; which sections an update changed was recorded when it was stored.
 */
export async function listRevisions(em: EntityManager, patientId: string, limit: number): Promise<Revision[]> {
  const rows = await runSql<{ seq: string; actor_id: string; actor_name: string; sections: string[]; created_at: Date }>(
    em,
    sql`select u.seq, u.actor_id, a.name as actor_name, u.sections, u.created_at
          from care_plan_update u join app_user a on a.id = u.actor_id where u.patient_id = ${patientId} order by u.seq`,
  );
  const signed = new Set((await runSql<{ seq: string }>(em, sql`select seq from care_plan_sign_off where patient_id = ${patientId}`)).map((r) => Number(r.seq)));
  const updates = rows.map((r) => ({ seq: Number(r.seq), actorId: r.actor_id, actorName: r.actor_name, sections: r.sections, at: new Date(r.created_at) }));
  return groupRevisions(updates, signed).reverse().slice(0, limit);
}

/** Groups updates (in seq order) into revisions, oldest first. */
export function groupRevisions(updates: UpdateRow[], signedSeqs: ReadonlySet<number>): Revision[] {
  const revisions: Revision[] = [];
  let current: Revision | undefined;
  for (const u of updates) {
    if (!current || current.signedOff || u.at.getTime() - current.endedAt.getTime() > REVISION_PAUSE_MS) {
      current = { seq: u.seq, fromSeq: u.seq, beforeSeq: current?.seq ?? 0, authors: [], authorId: u.actorId, authorName: u.actorName, startedAt: u.at, endedAt: u.at, updateCount: 0, sections: [], signedOff: false };
      revisions.push(current);
    }
    addUpdate(current, u, signedSeqs.has(u.seq));
  }
  return revisions;
}

function addUpdate(revision: Revision, u: UpdateRow, signedOff: boolean): void {
  const author = revision.authors.find((a) => a.id === u.actorId);
  if (author) author.updateCount += 1;
  else revision.authors.push({ id: u.actorId, name: u.actorName, updateCount: 1 });
  revision.seq = u.seq;
  revision.endedAt = u.at;
  revision.updateCount += 1;
  revision.sections = allSections.filter((s) => revision.sections.includes(s) || u.sections.includes(s));
  revision.signedOff = signedOff;
}

/** The plan exactly as it was after update `seq` (0: the empty plan), rebuilt from the log. */
export async function viewAt(em: EntityManager, patientId: string, seq: number): Promise<CarePlanView> {
  return materialise(await docAt(em, patientId, seq));
}

async function docAt(em: EntityManager, patientId: string, seq: number): Promise<Y.Doc> {
  if (!Number.isSafeInteger(seq) || seq < 0) throw badInput('seq', 'Please choose a revision from the history.');
  if (seq > 0) {
    const [exists] = await runSql(em, sql`select 1 from care_plan_update where patient_id = ${patientId} and seq = ${seq}`);
    if (!exists) throw badInput('seq', 'This plan has no such revision.');
  }
  const rows = await runSql<{ update: Buffer }>(em, sql`select update from care_plan_update where patient_id = ${patientId} and seq <= ${seq} order by seq`);
  const updates = [initialCarePlanUpdate, ...rows.map((r) => new Uint8Array(r.update))];
  return createCarePlanDoc(Y.mergeUpdates(updates));
}

/**
 * Brings the plan's content back to revision `seq` with a NEW update computed here and stored like any
 * other (validated, durable, attributed to the restorer, streamed to editors). History is never rewritten.
 * A restore that changes nothing stores nothing and answers with the current seq as a duplicate.
 */
export async function restoreRevision(
  store: CarePlanStore,
  em: EntityManager,
  r: { patientId: string; seq: number; actorId: string; clientUpdateId: string; requestId: string },
): Promise<UpdateAck> {
  const target = await viewAt(em, r.patientId, r.seq);
  const current = await store.read(r.patientId);
  const doc = createCarePlanDoc(current.state); // a scratch copy with its own client id; the hot doc is untouched
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = update ? Y.mergeUpdates([update, u]) : u));
  writeView(doc, target);
  doc.destroy();
  if (!update) return { seq: current.seq, clientUpdateId: r.clientUpdateId, duplicate: true };
  return store.apply(r.patientId, r.actorId, update, r.clientUpdateId, r.requestId);
}

export const PLAN_CHANGED_WHILE_AGREEING = 'The plan changed while the agreement was being recorded: read the changes, then record the agreement again.';

export interface SignOff {
  id: string;
  seq: number;
  signedById: string;
  signedByName: string;
  signedAt: Date;
  agreedOn: string;
  note: string;
  view: CarePlanView;
}

/**
 * Marks the plan "agreed with the patient" at revision `s.seq`, the one shown to whoever records it, which must
 * be the plan as it is now: an edit a colleague made while the agreement was being recorded was never agreed.
 * Signed revisions are immutable (a trigger refuses changes).
 */
export async function signOff(
  store: CarePlanStore,
  em: EntityManager,
  s: { patientId: string; seq: number; actorId: string; agreedOn: string; note: string; requestId: string },
): Promise<SignOff> {
  return store.serial(s.patientId, () =>
    em.fork().transactional(async (tem) => {
      const [plan] = await runSql<{ last_seq: string; view: CarePlanView }>(tem, sql`select last_seq, view from care_plan where patient_id = ${s.patientId} for update`);
      if (!plan || Number(plan.last_seq) === 0 || isPlanEmpty(plan.view)) throw conflict(emptyPlanReason);
      const seq = Number(plan.last_seq);
      if (seq !== s.seq) throw conflict(PLAN_CHANGED_WHILE_AGREEING);
      const [already] = await runSql<{ id: string }>(tem, sql`select id from care_plan_sign_off where patient_id = ${s.patientId} and seq = ${seq}`);
      if (already) throw conflict('This version of the plan has already been signed off.');
      const id = randomUUID();
      await runSql(
        tem,
        sql`insert into care_plan_sign_off (id, patient_id, seq, view, signed_by, agreed_on, note)
            values (${id}, ${s.patientId}, ${seq}, ${JSON.stringify(plan.view)}, ${s.actorId}, ${s.agreedOn}, ${s.note})`,
      );
      await recordAudit(tem, { actorId: s.actorId, action: `${PatientAction.EDIT_CARE_PLAN}.signOff` as const, patientId: s.patientId, requestId: s.requestId, outcome: AuditOutcome.ALLOWED, detail: { seq } });
      const [signed] = await listSignOffs(tem, s.patientId, id);
      await appendPendingCarePlanRevision(tem, s.patientId);
      await notifyCarePlanSignedOff(tem, { patientId: s.patientId, carePlanId: s.patientId, signedOffBy: { id: s.actorId, name: signed.signedByName } });
      return signed;
    }),
  );
}

/** Sign-offs of a plan, newest first (or just `id`). */
export async function listSignOffs(em: EntityManager, patientId: string, id?: string): Promise<SignOff[]> {
  const rows = await runSql<{ id: string; seq: string; signed_by: string; name: string; signed_at: Date; agreed_on: string | Date; note: string; view: CarePlanView }>(
    em,
    sql`select s.id, s.seq, s.signed_by, u.name, s.signed_at, to_char(s.agreed_on, 'YYYY-MM-DD') as agreed_on, s.note, s.view
          from care_plan_sign_off s join app_user u on u.id = s.signed_by
         where s.patient_id = ${patientId} ${id ? sql`and s.id = ${id}` : sql``} order by s.signed_at desc, s.seq desc`,
  );
  return rows.map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    signedById: r.signed_by,
    signedByName: r.name,
    signedAt: new Date(r.signed_at),
    agreedOn: String(r.agreed_on),
    note: r.note,
    view: r.view,
  }));
}

/** Whether the content differs from what was last agreed (true when never signed off). */
export function changedSince(view: CarePlanView, last: SignOff | null): boolean {
  return !last || changedSections(last.view, view).length > 0;
}
