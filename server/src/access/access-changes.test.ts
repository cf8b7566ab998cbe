import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runSql, sql, type Sql } from '../platform/sql.js';
import { useTestServer } from '../test-support/harness.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { makeWorld, type World } from '../test-support/world.js';
import { KEPT_RELATIONSHIP_TRUSTED_MS, keptRelationships, pairDecisionsQuery, relationshipsChanged, snapshotNow, stillTrusted, type KeptRelationship } from './policy.js';

/**
 * Relationship rows kept across statements (the care-plan group commit keeps its editors' and watchers')
 * are read again only when a change that may alter one was noted since they were confirmed. These tests
 * hold every table and column the relationship query reads to leaving that note. They count the notes, so
 * they have a database of their own: another file's writes to those tables would leave notes of their own.
 */
describe('kept relationships', () => {
  const databaseUrl = useOwnDatabase('access_changes');
  const server = useTestServer({ databaseUrl });
  const db = () => server().orm.em.fork();
  const run = (statement: Sql) => runSql<Record<string, unknown>>(db(), statement);

  /** A care team (the coach leads, with the physio), a specialist link, and every user's relationship to the patient, kept. */
  async function keptFor(): Promise<{ world: World; patientId: string; kept: KeptRelationship[] }> {
    const world = await makeWorld(db());
    const { coach, fcp } = world.users;
    const patient = await world.patient([coach, fcp]);
    await world.linkSpecialist(patient);
    const pairs = Object.values(world.users).map((u) => ({ patientId: patient.id, userId: u.id }));
    const rows = await run(sql`select r.*, ${snapshotNow} as taken from (${pairDecisionsQuery(pairs).digested}) r`);
    return { world, patientId: patient.id, kept: keptRelationships(rows, String(rows[0]!.taken), Date.now()) };
  }

  /** The users whose kept relationship no longer reads the same. */
  async function changedUsers(kept: KeptRelationship[]): Promise<string[]> {
    return (await run(relationshipsChanged(kept))).map((r) => String(r.user_id)).sort();
  }

  /** The users whose relationship reads otherwise now, by reading them afresh (no note consulted). */
  async function differingNow(patientId: string, kept: KeptRelationship[]): Promise<string[]> {
    const fresh = await run(pairDecisionsQuery(kept.map((k) => ({ patientId, userId: k.userId }))).digested);
    const digests = new Map(fresh.map((r) => [String(r.user_id), String(r.digest)]));
    return kept.filter((k) => digests.get(k.userId) !== k.digest).map((k) => k.userId).sort();
  }

  type Change = (w: World, patientId: string) => Sql;
  const changes: Array<[string, Change]> = [
    ['the lead stepping down', (w, p) => sql`update care_team_member set is_lead = false where patient_id = ${p} and user_id = ${w.users.coach.id}`],
    ['a member removed', (w, p) => sql`delete from care_team_member where patient_id = ${p} and user_id = ${w.users.fcp.id}`],
    ['a member added', (w, p) => sql`insert into care_team_member (id, patient_id, user_id, team_role, is_lead) values (gen_random_uuid(), ${p}, ${w.users.gp.id}, 'GP', false)`],
    ['the specialist link ended', (_w, p) => sql`delete from specialist_link where patient_id = ${p}`],
    ['the patient moved to another practice', (w, p) => sql`update patient set practice_id = ${w.specialistService.id} where id = ${p}`],
    ["a user's role", (w) => sql`update app_user set role = 'GP' where id = ${w.users.fcp.id}`],
    ['a user made inactive', (w) => sql`update app_user set active = false where id = ${w.users.coach.id}`],
    ['a user moved to another PCN', (w) => sql`update app_user set organisation_id = ${w.users.outsider.organisation.id} where id = ${w.users.lead.id}`],
    ["the practice's PCN", (w) => sql`update organisation set pcn_id = null where id = ${w.practice.id}`],
    ["the specialist service's kind", (w) => sql`update organisation set kind = 'PHYSIO_PROVIDER' where id = ${w.specialistService.id}`],
  ];

  it.each(changes)('%s is noted, and the kept rows it alters are found changed', async (_name, change) => {
    const { world, patientId, kept } = await keptFor();
    expect(await changedUsers(kept)).toEqual([]);
    await run(change(world, patientId));
    const differing = await differingNow(patientId, kept);
    expect(differing.length).toBeGreaterThan(0);
    expect(await changedUsers(kept)).toEqual(differing);
  });

  it('reads no relationship again when nothing was noted since the rows were confirmed; a change elsewhere in those tables leaves no note', async () => {
    const { world, patientId, kept } = await keptFor();
    const notes = async () => Number((await run(sql`select count(*) as n from access_change`))[0]!.n);
    const before = await notes();
    await run(sql`update patient set given_name = 'Patricia', activation_level = activation_level where id = ${patientId}`);
    await run(sql`update app_user set name = 'Coach Two' where id = ${world.users.coach.id}`);
    await run(sql`update organisation set name = ${`Practice ${world.tag} (Surgery)`} where id = ${world.practice.id}`);
    expect(await notes()).toBe(before);

    // The plan PostgreSQL ran: with no note, none of the tables the relationships come from is read.
    const plan = async () => (await run(sql`explain (analyze, costs off, timing off, summary off) ${relationshipsChanged(kept)}`)).map((r) => String(r['QUERY PLAN']));
    const reads = (lines: string[]) => lines.filter((l) => /Scan .* on (patient|app_user|organisation|care_team_member|specialist_link)\b/.test(l));
    const quiet = reads(await plan());
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.every((l) => l.includes('never executed'))).toBe(true);

    // Once a change is noted, they are read, and the rows found as they were (this change alters none of them).
    await run(sql`update app_user set role = role where id = ${world.users.outsider.id}`);
    expect(await notes()).toBe(before + 1);
    expect(reads(await plan()).some((l) => !l.includes('never executed'))).toBe(true);
    expect(await changedUsers(kept)).toEqual([]);
  });

  it('trusts a kept row for ten minutes from the statement that read or confirmed it, then has it read again', async () => {
    const { kept } = await keptFor();
    const at = kept[0]!.confirmedAt;
    expect(stillTrusted(kept[0]!, at + KEPT_RELATIONSHIP_TRUSTED_MS - 1)).toBe(true);
    expect(stillTrusted(kept[0]!, at + KEPT_RELATIONSHIP_TRUSTED_MS)).toBe(false);
  });

  it('finds a change that was under way when the rows were read and committed after, though a later one committed first', async () => {
    const world = await makeWorld(db());
    const { coach, fcp, gp } = world.users;
    const patient = await world.patient([coach, fcp, gp]);
    const pairs = [coach, fcp, gp].map((u) => ({ patientId: patient.id, userId: u.id }));
    const [first, second] = [new pg.Client({ connectionString: databaseUrl }), new pg.Client({ connectionString: databaseUrl })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      // The first change takes its transaction id, then the second (a later id) commits before the read.
      await first.query('begin');
      await first.query('delete from care_team_member where patient_id = $1 and user_id = $2', [patient.id, fcp.id]);
      await second.query('begin');
      await second.query('update care_team_member set is_lead = false where patient_id = $1 and user_id = $2', [patient.id, coach.id]);
      await second.query('commit');
      const rows = await run(sql`select r.*, ${snapshotNow} as taken from (${pairDecisionsQuery(pairs).digested}) r`);
      const kept = keptRelationships(rows, String(rows[0]!.taken), Date.now());
      expect(await changedUsers(kept)).toEqual([]);
      await first.query('commit');
      // A note newer than any the read saw would miss it; the note of a transaction the snapshot did not see is found.
      expect(await changedUsers(kept)).toEqual([fcp.id]);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });
});
