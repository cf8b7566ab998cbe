import type { AuditAction } from '../audit/audit-actions.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditOutcome, recordAudit, type AuditRecord } from '../audit/audit.service.js';
import { Role, type User } from '../auth/user.entity.js';
import type { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Patient } from '../patients/patient.entity.js';
import { inTransaction, type Context } from '../auth/request-context.js';
import { entityColumns, entityFromRow } from '../platform/entity-rows.js';
import { joinSql, prepared, runSql, sql, sqlText, type Sql, type SqlTarget } from '../platform/sql.js';
import { forbidden, notFound, unauthenticated, type CairnError } from '../platform/errors.js';

/**
 * The one place that decides who may do what to a patient. Resolvers, subscriptions and the WebSocket
 * all come here; nothing else checks roles.
 */
export const PatientAction = {
  READ: 'patient.read',
  /** Clinical details of the patient record itself, such as the activation level. */
  UPDATE_PATIENT: 'patient.update',
  MANAGE_CARE_TEAM: 'careTeam.manage',
  EDIT_CARE_PLAN: 'carePlan.edit',
  POST_HANDOVER: 'handover.post',
  ACKNOWLEDGE_HANDOVER: 'handover.acknowledge',
  /** Marking done a recommended action assigned to you. */
  COMPLETE_OWN_HANDOVER_ACTION: 'handoverAction.completeOwn',
  /** Marking done a recommended action assigned to someone else, or to nobody. */
  COMPLETE_HANDOVER_ACTION: 'handoverAction.complete',
  DISCUSS: 'thread.post',
  READ_AUDIT: 'audit.read',
  /** Record an outcome measure (or correct one), or send the patient a questionnaire link. */
  RECORD_OUTCOME: 'outcome.record',
  /** Record and stop medicines, record medication reviews, the patient's agreement and a paused taper. */
  MANAGE_MEDICATIONS: 'medication.manage',
  /** Propose a change to a medicine (reduce, stop, switch, start) with its taper. */
  PROPOSE_MEDICATION_CHANGE: 'medication.propose',
  /** Approve, amend or decline a proposed change: a prescriber's decision. */
  DECIDE_MEDICATION_CHANGE: 'medication.decide',
  /** See the patient's referrals into the coaching programme and their triage (the referrer sees their own through `may.viewReferral`). */
  VIEW_REFERRALS: 'referral.view',
  /** Refer the patient into the coaching programme. */
  REFER: 'referral.create',
  /** Accept, decline or redirect a referral: the coaches and service leads of the patient's PCN. */
  TRIAGE_REFERRAL: 'referral.triage',
  /** Invite the patient to the programme from a case-finding search, and record their answer. */
  INVITE: 'invitation.manage',
  /** Book, rebook or cancel a coaching session. */
  BOOK_SESSION: 'session.book',
  /** Record what happened at a session (attended or DNA, the notes, goal check-ins) and add addenda. */
  RECORD_SESSION: 'session.record',
  /** Discharge the patient from the coaching programme, signing the summary sent to their GP. */
  DISCHARGE_PATIENT: 'patient.discharge',
  /** Invite the patient to a Pain Café, register them (or put them on its waiting list), cancel their place, record attendance. */
  MANAGE_CAFE_PLACES: 'painCafe.managePlace',
  /** Act on an escalated handover: acknowledge it on the care-team lead's behalf, or reassign the patient's lead. */
  HANDLE_ESCALATION: 'handover.handleEscalation',
  /** Correct who the patient is: name, date of birth, NHS number, practice. */
  EDIT_PATIENT_DETAILS: 'patient.editDetails',
  /** Change the patient's status (REFERRED, ACTIVE, DISCHARGED) by hand, with a reason. */
  CHANGE_PATIENT_STATUS: 'patient.changeStatus',
} as const satisfies Record<string, AuditAction>;
export type PatientAction = (typeof PatientAction)[keyof typeof PatientAction];

/** How a user is connected to a patient. Everything the rules below need, computed once per request. */
export interface Relationship {
  member: Pick<CareTeamMember, 'isLead'> | null;
  isPcnLead: boolean;
  isLinkedSpecialist: boolean;
  /** A coach of the patient's PCN (whether or not on the care team): triages its referrals. */
  isPcnCoach: boolean;
  /** A GP of the patient's own practice: sees the referrals from it. */
  isPracticeGp: boolean;
}

/**
 * Actions on the coaching programme's referrals and invitations, which people beyond those who may open
 * the record take part in (a PCN's coaches triage patients not yet on their caseload; a practice's GPs see
 * its referrals). For these, whether the patient exists for the actor is judged by VIEW_REFERRALS, not READ.
 */
const referralActions: ReadonlySet<PatientAction> = new Set([PatientAction.VIEW_REFERRALS, PatientAction.REFER, PatientAction.TRIAGE_REFERRAL, PatientAction.INVITE]);

/** Whether the patient exists at all for the actor, as far as `action` is concerned (otherwise NOT_FOUND). */
function visibleFor(actor: Pick<User, 'role'>, rel: Relationship, action: PatientAction): boolean {
  return allows(actor, rel, PatientAction.READ) || (referralActions.has(action) && allows(actor, rel, PatientAction.VIEW_REFERRALS));
}

export interface PatientAccess {
  actor: User;
  /** The patient's id as stored (lower case), whatever case the client sent. */
  patientId: string;
  /** The patient with its practice, in the request's EntityManager: made when first read (a live stream never does). */
  readonly patient: Patient;
  relationship: Relationship;
}

export function allows(actor: Pick<User, 'role'>, rel: Relationship, action: PatientAction): boolean {
  const onTeam = rel.member !== null;
  switch (action) {
    case PatientAction.READ:
    case PatientAction.COMPLETE_OWN_HANDOVER_ACTION:
      return onTeam || rel.isPcnLead || rel.isLinkedSpecialist;
    case PatientAction.COMPLETE_HANDOVER_ACTION:
      return rel.member?.isLead ?? false;
    case PatientAction.EDIT_CARE_PLAN:
    case PatientAction.UPDATE_PATIENT:
    case PatientAction.DISCUSS:
    case PatientAction.RECORD_OUTCOME:
      return onTeam;
    case PatientAction.POST_HANDOVER:
      return onTeam || rel.isLinkedSpecialist;
    case PatientAction.ACKNOWLEDGE_HANDOVER:
      return (rel.member?.isLead ?? false) || (onTeam && actor.role === Role.GP);
    case PatientAction.MANAGE_CARE_TEAM:
      return (rel.member?.isLead ?? false) || (onTeam && actor.role === Role.GP) || rel.isPcnLead;
    case PatientAction.READ_AUDIT:
      return rel.isPcnLead;
    case PatientAction.MANAGE_MEDICATIONS:
    case PatientAction.PROPOSE_MEDICATION_CHANGE:
      return onTeam && (actor.role === Role.GP || actor.role === Role.PAIN_PRACTITIONER);
    case PatientAction.DECIDE_MEDICATION_CHANGE:
      // Only a prescriber decides; of Cairn's roles that is the GP (hazard MED-H3).
      return onTeam && actor.role === Role.GP;
    case PatientAction.VIEW_REFERRALS:
      return onTeam || rel.isPcnLead || rel.isPcnCoach || rel.isPracticeGp;
    case PatientAction.REFER:
      return onTeam || rel.isPcnLead || rel.isPcnCoach || rel.isPracticeGp || rel.isLinkedSpecialist;
    case PatientAction.TRIAGE_REFERRAL:
    case PatientAction.INVITE:
      return rel.isPcnLead || rel.isPcnCoach;
    case PatientAction.BOOK_SESSION:
      return onTeam || rel.isPcnLead;
    case PatientAction.RECORD_SESSION:
    case PatientAction.DISCHARGE_PATIENT:
      // The coaches who see the patient and whoever leads their care.
      return (onTeam && actor.role === Role.COACH) || (rel.member?.isLead ?? false);
    case PatientAction.MANAGE_CAFE_PLACES:
      // Coaches run the cafés for their own caseload; a PCN's service lead for any of its patients.
      return (onTeam && actor.role === Role.COACH) || rel.isPcnLead;
    case PatientAction.HANDLE_ESCALATION:
      // Escalations go to the PCN's service leads (handover-escalation.ts); only they act on them.
      return rel.isPcnLead;
    case PatientAction.EDIT_PATIENT_DETAILS:
      // Whoever cares for the patient, and the PCN's service lead, who registers patients too.
      return onTeam || rel.isPcnLead;
    case PatientAction.CHANGE_PATIENT_STATUS:
      // Those who answer for the patient's care as a whole (the same people as MANAGE_CARE_TEAM).
      return (rel.member?.isLead ?? false) || (onTeam && actor.role === Role.GP) || rel.isPcnLead;
  }
}

/** The signed-in user, or UNAUTHENTICATED. */
export function requireActor(ctx: Context): User {
  if (!ctx.actor) throw unauthenticated();
  return ctx.actor;
}

/**
 * What a patient-scoped operation reached the patient through (a discussion, a post, a handover note), so
 * that "you cannot see that patient" and "there is no such item" give the same answer, naming the item.
 */
export interface ReachedThrough {
  /** The item as people call it: "No such discussion, or you do not have access to it." */
  noun: string;
  /** What the audit trail records of it, e.g. `{ threadId }`. */
  detail: Record<string, unknown>;
}

/**
 * Loads the patient if `ctx.actor` may do `action` to them. Someone with no relationship at all gets the
 * same NOT_FOUND as for an id that does not exist (naming `through`'s item when the patient was reached
 * through one); someone who may read but not do this gets FORBIDDEN. Both outcomes are audited; a
 * permitted read is audited here, a permitted write by the service with its transaction.
 */
export async function requirePatientAccess(ctx: Context, patientId: string, action: PatientAction, through?: ReachedThrough): Promise<PatientAccess> {
  const { access, recordAllowed } = await decidePatientAccess(ctx, patientId, action, through);
  if (action === PatientAction.READ) await recordAllowed();
  return access;
}

/**
 * A READ decided as `requirePatientAccess` decides it (a refusal audited and thrown before this returns),
 * with the permitted read's audit entry still being committed: `recorded` resolves once it is, and rejects
 * if it cannot be. Nothing of the patient may leave the server before `recorded` resolves. For a stream
 * whose first results take as long to make as the entry takes to commit (a replay): it makes them meanwhile.
 */
export async function admitPatientRead(ctx: Context, patientId: string): Promise<{ access: PatientAccess; recorded: Promise<void> }> {
  const { access, recordAllowed } = await decidePatientAccess(ctx, patientId, PatientAction.READ);
  return { access, recorded: recordAllowed() };
}

/** The decision on `action`, a refusal audited and thrown; and how to record it as permitted (a read's entry). */
async function decidePatientAccess(
  ctx: Context,
  patientId: string,
  action: PatientAction,
  through?: ReachedThrough,
): Promise<{ access: PatientAccess; recordAllowed: () => Promise<void> }> {
  const actor = requireActor(ctx);
  // In PostgreSQL's spelling: a row is found whatever the case, but the reads are keyed by the lower-case id.
  const found = isUuid(patientId) ? await readPatientAndRelationship(ctx, patientId.toLowerCase(), actor.id) : null;
  const audit = (outcome: AuditOutcome, reason?: string) =>
    recordAuditOf(ctx, {
      actorId: actor.id,
      action,
      patientId: found?.patientId ?? null,
      requestId: ctx.requestId,
      outcome,
      detail: { ...through?.detail, ...(reason ? { reason } : {}), transport: ctx.transport },
    });

  const related = found?.related;
  if (!found || !related || !visibleFor(related, related.relationship, action)) {
    await audit(AuditOutcome.DENIED, found ? 'no relationship' : 'no such patient');
    throw notFound(through?.noun);
  }
  if (!allows(related, related.relationship, action)) {
    await audit(AuditOutcome.DENIED, 'not permitted');
    throw forbidden(deniedMessage(action));
  }
  let patient: Patient | undefined;
  const access: PatientAccess = {
    actor,
    patientId: found.patientId,
    get patient() {
      return (patient ??= found.patient());
    },
    relationship: related.relationship,
  };
  return { access, recordAllowed: () => audit(AuditOutcome.ALLOWED) };
}

/**
 * The answer for an item that does not exist, reached `through` (an id the client sent): the same NOT_FOUND
 * as for an item on a patient the actor cannot see, audited as a denial like it.
 */
export async function itemNotFound(ctx: Context, action: AuditAction, through: ReachedThrough): Promise<CairnError> {
  return deny(ctx, action, { ...through.detail, reason: `no such ${through.noun}` }, notFound(through.noun));
}

/**
 * Throws `error` unless `allowed` (an organisation-wide permission from `may`), auditing the refusal of
 * `action`. Every refusal is in the audit trail, whichever check made it.
 */
export async function requireAllowed(ctx: Context, allowed: boolean, action: AuditAction, message: string, detail: Record<string, unknown> = {}): Promise<void> {
  if (!allowed) throw await deny(ctx, action, { ...detail, reason: 'not permitted' }, forbidden(message));
}

/** Records a refusal of `action` by the signed-in user (on its own, never in a transaction that rolls back) and returns `error` to throw. */
export async function deny(ctx: Context, action: AuditAction, detail: Record<string, unknown>, error: CairnError, patientId: string | null = null): Promise<CairnError> {
  await recordAuditOf(ctx, {
    actorId: ctx.actor?.id ?? null,
    action,
    patientId,
    requestId: ctx.requestId,
    outcome: AuditOutcome.DENIED,
    detail: { ...detail, transport: ctx.transport },
  });
  return error;
}

/** Whether `actor` may still see `patientId`; for live streams that re-check access per event. */
export async function canRead(em: EntityManager, actor: User, patientId: string): Promise<boolean> {
  return (await decidePairs(em, [{ patientId, userId: actor.id }])).allows({ patientId, userId: actor.id }, PatientAction.READ);
}

/** How `actor` is connected to `patient` (nothing at all when either is unknown). */
export async function relationshipOf(em: EntityManager, actor: User, patient: Patient): Promise<Relationship> {
  const pair = { patientId: patient.id, userId: actor.id };
  return (await relationshipsOf(em, [pair])).get(pairKey(pair))?.relationship ?? { member: null, isPcnLead: false, isLinkedSpecialist: false, isPcnCoach: false, isPracticeGp: false };
}

/** One user and one patient, for decisions taken many at a time. */
export interface AccessPair {
  patientId: string;
  userId: string;
}

export const pairKey = (p: AccessPair): string => `${p.patientId}:${p.userId}`;

/** The pair a `pairKey` names (two UUIDs, which contain no colon). */
export function pairOf(key: string): AccessPair {
  const [patientId, userId] = key.split(':');
  return { patientId, userId };
}

/** What the policy allows for a set of (patient, user) pairs, decided from one read of their relationships. */
export interface PairDecisions {
  allows(pair: AccessPair, action: PatientAction): boolean;
}

/**
 * What the policy allows for a set of (patient, user) pairs, decided from one read of their relationships
 * (`relationshipsOf`): the rule of which relationship permits which action stays in `allows`. For writes
 * stored in groups and for live delivery, where a query per pair would cost more than the work. A pair
 * not found (no such patient or user) is allowed nothing.
 */
export async function decidePairs(db: SqlTarget, pairs: AccessPair[]): Promise<PairDecisions> {
  const query = pairDecisionsQuery(pairs);
  return query.decide(query.needed ? await runSql<RelationshipRow>(db, query.statement) : []);
}

/**
 * `decidePairs` in two halves, for a caller that reads access inside a statement of its own (the care-plan
 * group commit): the statement (its text the same for any pairs), whether any pair needs it, and the
 * decisions from its rows.
 */
export function pairDecisionsQuery(pairs: AccessPair[]): {
  statement: Sql;
  /** The same rows, each with its digest (`digest`), for a caller that keeps them (see `relationshipsChanged`). */
  digested: Sql;
  needed: boolean;
  decide(rows: readonly unknown[]): PairDecisions;
} {
  // Made when asked for: a caller deciding on rows it kept (a care-plan group read from memory) needs
  // neither statement, nor the pairs checked for them.
  let valid: AccessPair[] | undefined;
  const wanted = () => (valid ??= pairs.filter((p) => isUuid(p.patientId) && isUuid(p.userId)));
  return {
    get statement() {
      return relationshipQuery(wanted());
    },
    get digested() {
      return sql`select r.*, ${relationshipDigest} as digest from (${relationshipQuery(wanted())}) r`;
    },
    get needed() {
      return wanted().length > 0;
    },
    decide(rows) {
      const found = relatedByPair(rows as RelationshipRow[]);
      return {
        allows: (pair, action) => {
          const d = found.get(pairKey(pair));
          return !!d && allows(d, d.relationship, action);
        },
      };
    },
  };
}

/** A relationship row as a caller read and kept it (`pairDecisionsQuery(…).digested`), to decide on again later. */
export interface KeptRelationship extends AccessPair {
  row: unknown;
  digest: string;
  /**
   * The PostgreSQL snapshot (`snapshotNow`, as text) in which the row last read as it is: the one it was read
   * in, or a later one in which a statement confirmed it. Moved on in place when a later statement confirms it.
   */
  confirmedIn: string;
  /** When that statement was sent (ms since the epoch): the snapshot is no older. See `stillTrusted`. */
  confirmedAt: number;
}

/**
 * How long a kept row may be decided on before it is read again. Notes of access changes are removed once a
 * snapshot taken `ACCESS_CHANGE_NOTES_KEPT_MS` ago saw them (`AccessChangePruning`): a row confirmed longer
 * ago than that could miss one, so rows are trusted for far less.
 */
export const KEPT_RELATIONSHIP_TRUSTED_MS = 10 * 60_000;
export const ACCESS_CHANGE_NOTES_KEPT_MS = 60 * 60_000;

/** Whether `kept` may still be decided on at `now` (ms since the epoch) and confirmed by `relationshipsChanged`. */
export function stillTrusted(kept: KeptRelationship, now: number): boolean {
  return now - kept.confirmedAt < KEPT_RELATIONSHIP_TRUSTED_MS;
}

/** The snapshot the statement reads in, as text: read beside relationship rows, it is the one they read in. */
export const snapshotNow = sqlText('pg_current_snapshot()::text');

/**
 * The rows of `digested`, read in `snapshot` (`snapshotNow` in the same statement) by a statement sent at
 * `askedAt`, as kept relationships.
 */
export function keptRelationships(rows: readonly unknown[], snapshot: string, askedAt: number): KeptRelationship[] {
  return (rows as Array<RelationshipRow & { digest: string }>).map((row) => ({
    patientId: row.patient_id,
    userId: row.user_id,
    row,
    digest: row.digest,
    confirmedIn: snapshot,
    confirmedAt: askedAt,
  }));
}

/**
 * Decisions taken on relationship rows read earlier are still the policy's for as long as the rows read the
 * same. For a caller that keeps rows and has a later statement of its own confirm them (the care-plan group
 * commit): the part of that statement that finds the pairs of `kept` whose row now differs or is gone,
 * compared whole, by digest. Its text is the same for any rows.
 *
 * The rows are read again only if a change that may alter a relationship was committed since a snapshot a
 * kept row was confirmed in: every such change leaves a note (`access_change`, migration 0025), and a note
 * the snapshot did not see is found by one index probe. With no note, no row can read otherwise, and the
 * rows are not read (at 1,000 editors, reading 750 of them was 16–20 ms of a 50 ms store; auto_explain).
 */
export function relationshipsChanged(kept: readonly KeptRelationship[]): Sql {
  const pairs = kept.map(({ patientId, userId }) => ({ patientId, userId }));
  const snapshots = [...new Set(kept.map((k) => k.confirmedIn))];
  // A set difference, hashed: joined instead, the statement's generic plan (which expects ten rows of any
  // list) compared every kept row with every row read, 58 ms of a 107 ms group store at 1,000 editors
  // (700 relationships; auto_explain).
  return sql`select patient_id, user_id from (
               select k.patient_id, k.user_id, k.digest
                 from unnest(${pairs.map((p) => p.patientId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[], ${kept.map((k) => k.digest)}::text[]) k(patient_id, user_id, digest)
               except
               select r.patient_id, r.user_id, ${relationshipDigest} from (${relationshipQuery(pairs)}) r) changed
             where ${accessChangedSince(snapshots)}`;
}

/**
 * Whether a change that may alter a relationship was committed that one of `snapshots` did not see: a note
 * by a transaction not visible in it. A transaction visible in no snapshot is at or above the oldest's xmin,
 * which the index finds.
 */
function accessChangedSince(snapshots: readonly string[]): Sql {
  return sql`exists (select 1 from unnest(${snapshots}::text[]) s(taken) cross join lateral (
                 select 1 from access_change a
                  where a.xid >= pg_snapshot_xmin(s.taken::pg_snapshot) and not pg_visible_in_snapshot(a.xid, s.taken::pg_snapshot)
                  limit 1) unseen)`;
}

/** The digest of a relationship row `r`: the row whole, as JSON (its keys in a fixed order), hashed. */
const relationshipDigest = sqlText('md5(to_jsonb(r)::text)');

type Related = { role: Role; relationship: Relationship };
/** One row of the relationships read (`relationshipQuery`). */
type RelationshipRow = {
  patient_id: string;
  user_id: string;
  role: Role;
  active: boolean;
  member_is_lead: boolean | null;
  is_pcn_lead: boolean;
  is_linked_specialist: boolean;
  is_pcn_coach: boolean;
  is_practice_gp: boolean;
};

/**
 * The one reading of relationships, for one pair or many in one query, keyed by `pairKey`: the user's
 * role as it is now and how they are connected to the patient. Inactive users and admins are connected to
 * no one. Pairs naming no patient or user are left out.
 */
export async function relationshipsOf(em: EntityManager, pairs: AccessPair[]): Promise<Map<string, Related>> {
  const wanted = pairs.filter((p) => isUuid(p.patientId) && isUuid(p.userId));
  return relatedByPair(wanted.length === 0 ? [] : await runSql<RelationshipRow>(em, relationshipQuery(wanted)));
}

function relatedByPair(rows: readonly RelationshipRow[]): Map<string, Related> {
  return new Map(rows.map((r) => [pairKey({ patientId: r.patient_id, userId: r.user_id }), relatedFrom(r)]));
}

/**
 * An audit entry of the request's own (a read or a refusal): in the request's transaction if it has one,
 * otherwise through the instance's batched writer, which resolves once the entry is committed.
 */
function recordAuditOf(ctx: Context, record: AuditRecord): Promise<void> {
  return inTransaction(ctx) ? recordAudit(ctx.em, record) : ctx.services.auditWriter.record(record);
}

/**
 * The user's relationship to the patient, and the patient (with its practice) as entities of `ctx.em` when
 * asked for; null if no such patient or user. Read with the reads of other requests asking at the same
 * time (`PatientAccessReads`), unless the request is inside a transaction, whose own connection must see
 * its own writes.
 */
async function readPatientAndRelationship(ctx: Context, patientId: string, userId: string): Promise<{ patientId: string; patient: () => Patient; related: Related } | null> {
  const row = inTransaction(ctx)
    ? (await patientRelationshipRows(ctx.em, [{ patientId, userId }])).get(pairKey({ patientId, userId }))
    : await ctx.services.patientAccessReads.row(patientId, userId);
  if (!row) return null;
  const patient = () => {
    entityFromRow(ctx.em, Organisation, row, 'po');
    return entityFromRow(ctx.em, Patient, row, 'p');
  };
  return { patientId: row.patient_id, patient, related: relatedFrom(row) };
}

/** A row of `patientRelationshipRows`: how a user is related to a patient, with the patient's and its practice's columns. */
export type PatientRelationshipRow = RelationshipRow & Record<string, unknown>;

/**
 * For each (patient, user) pair, by `pairKey`: the patient (with its practice) and how the user is related
 * to them, in one query, through `via` (`em`'s connection unless given another).
 */
export async function patientRelationshipRows(em: EntityManager, pairs: AccessPair[], via: SqlTarget = em): Promise<Map<string, PatientRelationshipRow>> {
  const rows = await runSql<PatientRelationshipRow>(
    via,
    relationshipQuery(pairs, sql`, ${entityColumns(em, Patient, 'p')}, ${entityColumns(em, Organisation, 'po')}`, 'patient-relationships'),
  );
  return new Map(rows.map((r) => [pairKey({ patientId: r.patient_id, userId: r.user_id }), r]));
}

/**
 * How each pair is related, as SQL: the rule's facts, judged by `allows`. `more` adds columns (of p, po, u,
 * uo), under a statement name of its own. Prepared: planning these joins cost PostgreSQL 0.5–0.9 ms a call
 * against 0.1 ms to run them (pg_stat_statements with track_planning, a reconnect storm of 5,000 subscribers:
 * 3,200 calls, 2.6 s of planning).
 *
 * Every table and column read here must leave a note in `access_change` when written (the triggers of
 * migration 0025), or kept rows would not be read again after it changed (`relationshipsChanged`);
 * `access-changes.test.ts` holds each one to it.
 */
function relationshipQuery(pairs: AccessPair[], more: Sql = sqlText(''), name = 'relationships'): Sql {
  return prepared(name, sql`select q.patient_id, q.user_id, u.role, u.active, m.is_lead as member_is_lead,
                    (u.role = 'SERVICE_LEAD' and coalesce(uo.pcn_id, uo.id) = coalesce(po.pcn_id, po.id)) as is_pcn_lead,
                    (u.role = 'SPECIALIST' and uo.kind = 'SPECIALIST_PAIN_SERVICE'
                      and exists (select 1 from specialist_link s where s.patient_id = p.id and s.service_id = uo.id)) as is_linked_specialist,
                    (u.role = 'COACH' and coalesce(uo.pcn_id, uo.id) = coalesce(po.pcn_id, po.id)) as is_pcn_coach,
                    (u.role = 'GP' and uo.id = po.id) as is_practice_gp
                    ${more}
               from (select distinct * from unnest(${pairs.map((p) => p.patientId)}::uuid[], ${pairs.map((p) => p.userId)}::uuid[])) q(patient_id, user_id)
               join patient p on p.id = q.patient_id
               join organisation po on po.id = p.practice_id
               join app_user u on u.id = q.user_id
               join organisation uo on uo.id = u.organisation_id
               left join care_team_member m on m.patient_id = p.id and m.user_id = u.id`);
}

function relatedFrom(r: RelationshipRow): Related {
  const related = r.active && r.role !== Role.ADMIN;
  return {
    role: r.role,
    relationship: {
      member: related && r.member_is_lead !== null ? { isLead: r.member_is_lead } : null,
      isPcnLead: related && r.is_pcn_lead,
      isLinkedSpecialist: related && r.is_linked_specialist,
      isPcnCoach: related && r.is_pcn_coach,
      isPracticeGp: related && r.is_practice_gp,
    },
  };
}

/**
 * Which of `userIds` may READ `patientId`: canRead for many users in one query, so a live event is checked
 * for its whole audience at once. The same rule as `allows(READ)`: on the care team, a lead of the
 * patient's PCN, or a specialist of a linked service; inactive users and admins never.
 */
export async function readersAmong(em: EntityManager, patientId: string, userIds: string[]): Promise<Set<string>> {
  const access = await decidePairs(em, userIds.map((userId) => ({ patientId, userId })));
  return new Set(userIds.filter((userId) => access.allows({ patientId, userId }, PatientAction.READ)));
}

/**
 * Who may triage `patientId`'s referrals (TRIAGE_REFERRAL: the active coaches and service leads of the
 * patient's PCN), to tell them when one arrives. The SQL only gathers candidates; `allows` decides.
 */
export async function triagersOf(em: EntityManager, patientId: string): Promise<string[]> {
  const candidates = await runSql<{ id: string }>(
    em,
    sql`select u.id from app_user u join organisation uo on uo.id = u.organisation_id
         where u.active and u.role in ('COACH', 'SERVICE_LEAD')
           and coalesce(uo.pcn_id, uo.id) = (select coalesce(po.pcn_id, po.id) from patient p join organisation po on po.id = p.practice_id where p.id = ${patientId}::uuid)`,
  );
  const pairs = candidates.map((c) => ({ patientId, userId: c.id }));
  const access = await decidePairs(em, pairs);
  return pairs.filter((pair) => access.allows(pair, PatientAction.TRIAGE_REFERRAL)).map((pair) => pair.userId);
}

/**
 * Who is told when an escalation of `patientId`'s handover is dealt with: the active service leads of the
 * patient's PCN (HANDLE_ESCALATION). The SQL only gathers candidates; `allows` decides.
 */
export async function escalationHandlersOf(em: EntityManager, patientId: string): Promise<string[]> {
  const candidates = await runSql<{ id: string }>(
    em,
    sql`select u.id from app_user u join organisation uo on uo.id = u.organisation_id
         where u.active and u.role = 'SERVICE_LEAD'
           and coalesce(uo.pcn_id, uo.id) = (select coalesce(po.pcn_id, po.id) from patient p join organisation po on po.id = p.practice_id where p.id = ${patientId}::uuid)`,
  );
  const pairs = candidates.map((c) => ({ patientId, userId: c.id }));
  const access = await decidePairs(em, pairs);
  return pairs.filter((pair) => access.allows(pair, PatientAction.HANDLE_ESCALATION)).map((pair) => pair.userId);
}

/**
 * The patients of the PCN `actor` is a service lead of, as SQL over `patient p` (the HANDLE_ESCALATION and
 * READ_AUDIT rules): for the service lead's escalations, unacknowledged handovers and audit view (never a
 * patient of another PCN).
 */
export function leadsPcnPatientsSql(actor: User): Sql {
  if (!may.overseeHandovers(actor)) return sql`false`;
  return sql`p.practice_id in (select o.id from organisation o where coalesce(o.pcn_id, o.id) = ${actor.organisation.pcnId})`;
}

/**
 * The same rule as READ, as SQL over `patient p`, for lists: a list never shows a patient the actor could
 * not open.
 */
export function readablePatientsSql(actor: User): Sql {
  if (!actor.active || actor.role === Role.ADMIN) return sql`false`;
  // One IN over the ids each way of reaching a patient gives, not an OR of them: PostgreSQL reads an OR of
  // subqueries by scanning every patient in the country against each (a service lead's caseload sorted by
  // review date 37 ms on 300 PCNs against 13 ms on one, `npm run bench -- scale`), and the ids by their
  // indexes. (EXISTS under OR is worse still: row by row, seconds over 90,000 patients.)
  const ways = [sql`select m.patient_id from care_team_member m where m.user_id = ${actor.id}`];
  if (actor.role === Role.SERVICE_LEAD) {
    // The PCN's organisations by the index on coalesce(pcn_id, id) (migration 0028), whose statistics tell
    // PostgreSQL they are a few: guessing, it read a lead's patients by scanning the country's.
    ways.push(sql`select lp.id from patient lp where lp.practice_id in (select o.id from organisation o where coalesce(o.pcn_id, o.id) = ${actor.organisation.pcnId})`);
  }
  if (actor.role === Role.SPECIALIST) {
    ways.push(sql`select s.patient_id from specialist_link s where s.service_id = ${actor.organisation.id}`);
  }
  return sql`p.id in (${joinSql(ways, ' union all ')})`;
}

/**
 * Which audit entries `actor` may see in the audit view, as SQL over `audit_entry a` (hazard AUD-H1):
 * - an administrator: every entry, since they answer information-governance requests for the whole
 *   service. They still open no record: the view names patients to them by NHS number only.
 * - a service lead: entries about a patient of their PCN (READ_AUDIT's rule, not READ's: a care team they
 *   sit on in another PCN is that PCN's lead's to oversee), whoever made them; and entries about no patient
 *   made by a user of their PCN. Never an entry about a patient outside their PCN (even by their own staff),
 *   nor one about no patient by someone outside their PCN or by no one (a sign-in with an unknown email).
 * - anyone else: nothing.
 */
export function auditViewScopeSql(actor: User): Sql {
  if (!actor.active) return sql`false`;
  if (actor.role === Role.ADMIN) return sql`true`;
  if (actor.role !== Role.SERVICE_LEAD) return sql`false`;
  return sql`(a.patient_id in (select p.id from patient p where ${leadsPcnPatientsSql(actor)})
              or (a.patient_id is null and a.actor_id in (select su.id from app_user su join organisation so on so.id = su.organisation_id
                                                           where coalesce(so.pcn_id, so.id) = ${actor.organisation.pcnId})))`;
}

/**
 * The ACKNOWLEDGE_HANDOVER rule as SQL: ids of patients whose handovers `actor` may acknowledge (the
 * care-team lead, or a GP on the team). For the "awaiting my acknowledgement" list.
 */
export function acknowledgeablePatientsSql(actor: User): Sql {
  if (!actor.active || actor.role === Role.ADMIN) return sql`select null::uuid where false`;
  return sql`select m.patient_id from care_team_member m where m.user_id = ${actor.id} and (m.is_lead or ${actor.role === Role.GP}::boolean)`;
}

/**
 * The DECIDE_MEDICATION_CHANGE rule as SQL: ids of patients on whose medication changes `actor` may decide
 * (a GP on the care team). For the "awaiting GP approval" list.
 */
export function medicationDecidablePatientsSql(actor: User): Sql {
  if (!may.decideMedicationChanges(actor)) return sql`select null::uuid where false`;
  return sql`select m.patient_id from care_team_member m where m.user_id = ${actor.id}`;
}

/** Which action marking a recommended action done is: the assignee's own, or anyone else's (the lead's to do). */
export function completeHandoverActionAs(actor: Pick<User, 'id'>, assigneeId: string | null): PatientAction {
  return assigneeId === actor.id ? PatientAction.COMPLETE_OWN_HANDOVER_ACTION : PatientAction.COMPLETE_HANDOVER_ACTION;
}

/** Organisation-wide permissions that are not about one patient. */
export const may = {
  createPatient: (actor: User) => ([Role.COACH, Role.FCP, Role.GP, Role.PAIN_PRACTITIONER, Role.SERVICE_LEAD] as Role[]).includes(actor.role),
  readUserAudit: (actor: User) => actor.role === Role.SERVICE_LEAD,
  /** Work with patients through their care teams (the handover inbox, referrals): every clinical role; administrators have no patients. */
  workWithPatients: (actor: User) => actor.active && actor.role !== Role.ADMIN,
  /** The medication worklists and prescribing indicators: prescribers, pain management practitioners and service leads. */
  reviewMedication: (actor: User) => actor.active && ([Role.GP, Role.PAIN_PRACTITIONER, Role.SERVICE_LEAD] as Role[]).includes(actor.role),
  /** Deciding proposed medication changes (DECIDE_MEDICATION_CHANGE, on their care teams' patients): GPs, so only they have changes awaiting their approval. */
  decideMedicationChanges: (actor: User) => actor.active && actor.role === Role.GP,
  /** The outcomes dashboard, over the patients the actor may open (readablePatientsSql): a lead's PCN, a coach's caseload. */
  readServiceDashboard: (actor: User) => actor.active && (actor.role === Role.SERVICE_LEAD || actor.role === Role.COACH),
  manageUsers: (actor: User) => actor.role === Role.ADMIN,
  /**
   * Resetting a password with a one-time link: an administrator, for anyone but themselves (their own goes
   * through a second administrator, so no one can take over an account and vouch for it alone).
   */
  resetPassword: (actor: User, target: Pick<User, 'id'>) => actor.active && actor.role === Role.ADMIN && actor.id !== target.id,
  /** The audit view and its CSV export: service leads and administrators, over `auditViewScopeSql`. */
  readAuditView: (actor: User) => actor.active && (actor.role === Role.SERVICE_LEAD || actor.role === Role.ADMIN),
  /** A practice's prescribing indicators: its GPs and pain management practitioners, and its PCN's service leads. */
  viewPracticeIndicators: (actor: User, practice: Organisation) =>
    actor.active &&
    (((actor.role === Role.GP || actor.role === Role.PAIN_PRACTITIONER) && actor.organisation.id === practice.id) ||
      (actor.role === Role.SERVICE_LEAD && actor.organisation.pcnId === practice.pcnId)),
  /** A whole PCN's prescribing indicators: its service leads. */
  viewPcnIndicators: (actor: User, pcnId: string) => actor.active && actor.role === Role.SERVICE_LEAD && actor.organisation.pcnId === pcnId,
  /** The coaching programme's triage screen and case finding: the coaches and service leads of a PCN, over its patients. */
  triageReferrals: (actor: User) => actor.active && (actor.role === Role.COACH || actor.role === Role.SERVICE_LEAD),
  /** Case finding (saved searches over the PCN's patients, invitations): the coaches and service leads of a PCN. */
  findCases: (actor: User) => actor.active && (actor.role === Role.COACH || actor.role === Role.SERVICE_LEAD),
  /** One referral: whoever may VIEW_REFERRALS on its patient (decided by `allows`), and always the person who made it. */
  viewOwnReferral: (actor: User, referrerId: string) => actor.active && actor.id === referrerId,
  /** A coach's diary and capacity: the coach themselves, and the service leads of their PCN. */
  viewCoachDiary: (actor: User, coach: User) =>
    actor.active && coach.role === Role.COACH && (actor.id === coach.id || (actor.role === Role.SERVICE_LEAD && actor.organisation.pcnId === coach.organisation.pcnId)),
  /** A coach sets their own capacity; a service lead may set it for a coach of their PCN. */
  setCoachCapacity: (actor: User, coach: User) =>
    actor.active && coach.role === Role.COACH && (actor.id === coach.id || (actor.role === Role.SERVICE_LEAD && actor.organisation.pcnId === coach.organisation.pcnId)),
  /** The capacity of every coach of the PCN on one screen: its service leads. */
  viewPcnCapacity: (actor: User) => actor.active && actor.role === Role.SERVICE_LEAD,
  /** A discussion post is its author's to edit (DISCUSS on the patient is checked as well). */
  editThreadPost: (actor: User, authorId: string) => actor.id === authorId,
  /** A PCN's Pain Cafés (title, time, fill; never who is on them): its staff. */
  viewPainCafes: (actor: User, pcnId: string) => actor.active && actor.role !== Role.ADMIN && actor.organisation.pcnId === pcnId,
  /** Create, change and cancel a PCN's Pain Cafés: its coaches and service leads. */
  /** The PCN's escalated and unacknowledged handovers (the service lead's home): its service leads. */
  overseeHandovers: (actor: User) => actor.active && actor.role === Role.SERVICE_LEAD,
  managePainCafes: (actor: User, pcnId: string) => actor.active && (actor.role === Role.COACH || actor.role === Role.SERVICE_LEAD) && actor.organisation.pcnId === pcnId,
};

function deniedMessage(action: PatientAction): string {
  switch (action) {
    case PatientAction.MANAGE_CARE_TEAM:
      return "Only the care team's lead, a GP on the team or a PCN service lead can change the care team.";
    case PatientAction.ACKNOWLEDGE_HANDOVER:
      return "Only the care team's lead or a GP on the team can acknowledge handover notes.";
    case PatientAction.READ_AUDIT:
      return 'Only service leads can read the audit trail.';
    case PatientAction.MANAGE_MEDICATIONS:
    case PatientAction.PROPOSE_MEDICATION_CHANGE:
      return 'Only a GP or a pain management practitioner on the care team can change the medication record.';
    case PatientAction.DECIDE_MEDICATION_CHANGE:
      return 'Only a GP on the care team can approve, amend or decline a medication change.';
    case PatientAction.MANAGE_CAFE_PLACES:
      return "Only a coach on the care team or the PCN's service lead can manage this patient's Pain Café places.";
    case PatientAction.COMPLETE_HANDOVER_ACTION:
      return "Only the person this action is assigned to or the care team's lead can mark it done.";
    case PatientAction.TRIAGE_REFERRAL:
      return "Only the coaches and service leads of the patient's Primary Care Network can triage referrals.";
    case PatientAction.INVITE:
      return "Only the coaches and service leads of the patient's Primary Care Network can invite patients to the programme.";
    case PatientAction.REFER:
      return "Only clinicians involved in the patient's care, the practice's GPs and the PCN's coaches can refer this patient.";
    case PatientAction.BOOK_SESSION:
      return "Only the patient's care team or a PCN service lead can book their sessions.";
    case PatientAction.RECORD_SESSION:
      return "Only a coach on the care team or the care team's lead can record a session.";
    case PatientAction.DISCHARGE_PATIENT:
      return "Only a coach on the care team or the care team's lead can discharge a patient.";
    case PatientAction.HANDLE_ESCALATION:
      return "Only a service lead of the patient's Primary Care Network can act on an escalated handover.";
    case PatientAction.EDIT_PATIENT_DETAILS:
      return "Only the patient's care team or a PCN service lead can correct the patient's details.";
    case PatientAction.CHANGE_PATIENT_STATUS:
      return "Only the care team's lead, a GP on the team or a PCN service lead can change the patient's status.";
    default:
      return 'Your role on this care team does not allow that.';
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(id: string): boolean {
  return uuidPattern.test(id);
}
