import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditOutcome, recordAudit } from './audit.service.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { Patient, PatientStatus } from '../patients/patient.entity.js';
import { formatNhsNumber } from '../patients/nhs-number.js';
import { auditRows } from '../test-support/audit-rows.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, uniqueNhsNumber } from '../test-support/world.js';

const VIEW = `query($f: AuditFilterInput, $first: Int, $after: String) {
  auditEntries(filter: $f, first: $first, after: $after) {
    nodes { id at actorId actorName actorRole action outcome patientId patientNhsNumber patientName detail }
    pageInfo { endCursor hasNextPage }
  }
}`;
const CSV = 'query($f: AuditFilterInput) { auditEntriesCsv(filter: $f) }';
const READ = 'query($id: ID!) { patient(id: $id) { id } }';
const PATIENT_TRAIL = 'query($p: ID!) { auditTrail(patientId: $p) { id } }';

type Entry = { id: string; actorId: string | null; action: string; outcome: string; patientId: string | null; patientNhsNumber: string | null; patientName: string | null; detail: Record<string, unknown> | null };
type View = { auditEntries: { nodes: Entry[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };

/** The export cap is small here so that refusing a larger export is tested too. */
const EXPORT_MAX = 5;

describe('the audit view and its CSV export', () => {
  const server = useTestServer({ auditExportMaxRows: EXPORT_MAX });
  const url = () => server().url;

  /** A PCN whose clinicians have read records in and out of the lead's remit, and been refused once. */
  async function scene() {
    const em = server().orm.em.fork();
    const world = await makeWorld(em);
    const { gp, coach, specialist, outsider } = world.users;
    const home = await world.patient([world.users.gp, world.users.coach], { givenName: 'Home' });
    await world.linkSpecialist(home);
    // A patient the lead's GP also cares for, registered in another PCN: outside the lead's remit.
    const farPractice = new Organisation(`Far practice ${world.tag}`, OrganisationKind.GP_PRACTICE, world.users.outsider.organisation);
    const far = new Patient({ nhsNumber: uniqueNhsNumber(), givenName: 'Far', familyName: world.tag, dateOfBirth: '1960-01-01', practice: farPractice, conditions: [], status: PatientStatus.ACTIVE });
    em.persist([farPractice, far, new CareTeamMember(far, gp, 'GP', true), new CareTeamMember(far, outsider, 'Coach', false)]);
    await em.flush();
    // A name a spreadsheet would run as a formula.
    const formula = await world.patient([gp], { givenName: '=HYPERLINK("https://example.invalid","open")', familyName: '@SUM(1)' });
    const tokens = { gp: await signInAs(url(), gp), coach: await signInAs(url(), coach), specialist: await signInAs(url(), specialist), outsider: await signInAs(url(), outsider) };
    for (const id of [home.id, far.id, formula.id]) expect((await gql(url(), READ, { id }, tokens.gp)).errors).toBeUndefined();
    expect((await gql(url(), READ, { id: home.id }, tokens.coach)).errors).toBeUndefined();
    expect((await gql(url(), READ, { id: home.id }, tokens.specialist)).errors).toBeUndefined();
    expect((await gql(url(), READ, { id: far.id }, tokens.outsider)).errors).toBeUndefined();
    // Refused: only service leads read a patient's audit trail.
    expect(errorCode(await gql(url(), PATIENT_TRAIL, { p: home.id }, tokens.coach))).toBe('FORBIDDEN');
    const lead = await signInAs(url(), world.users.lead);
    const admin = await signInAs(url(), world.users.admin);
    const view = async (token: string, f: Record<string, unknown>, first = 200, after: string | null = null) => {
      const res = await gql<View>(url(), VIEW, { f, first, after }, token);
      expect(res.errors).toBeUndefined();
      return res.data!.auditEntries;
    };
    /** What the view shows, as [who, action, patient] triples, newest first. */
    const seen = async (token: string, f: Record<string, unknown>) =>
      (await view(token, f)).nodes.map((e) => [nameOf(world, e.actorId), e.action, e.patientId === home.id ? 'home' : e.patientId === far.id ? 'far' : e.patientId === formula.id ? 'formula' : e.patientId]);
    return { world, home, far, formula, lead, admin, view, seen };
  }

  it("shows a service lead exactly their remit: their patients' entries by anyone, and their own staff's entries about no patient", async () => {
    const { world, lead, admin, seen, home, far } = await scene();
    const reads = { action: 'patient.read', person: world.tag };
    expect(await seen(lead, reads)).toEqual([
      ['Specialist', 'patient.read', 'home'],
      ['Coach', 'patient.read', 'home'],
      ['GP', 'patient.read', 'formula'],
      ['GP', 'patient.read', 'home'],
    ]);
    // The admin sees every entry, the other PCN's patient included.
    expect(await seen(admin, reads)).toEqual([
      ['Outsider', 'patient.read', 'far'],
      ['Specialist', 'patient.read', 'home'],
      ['Coach', 'patient.read', 'home'],
      ['GP', 'patient.read', 'formula'],
      ['GP', 'patient.read', 'far'],
      ['GP', 'patient.read', 'home'],
    ]);
    // Sign-ins (about no patient): the PCN's own staff for the lead; the specialist service and the other PCN are not theirs.
    const signIns = { action: 'auth.signIn', person: world.tag };
    expect((await seen(lead, signIns)).map(([who]) => who).sort()).toEqual(['Admin', 'Coach', 'GP', 'Lead']);
    expect((await seen(admin, signIns)).map(([who]) => who).sort()).toEqual(['Admin', 'Coach', 'GP', 'Lead', 'Outsider', 'Specialist']);
    // Filtering by the far patient shows the lead nothing, and says nothing about them.
    const farNhs = far.nhsNumber;
    expect(await seen(lead, { nhsNumber: farNhs })).toEqual([]);
    // A search of the view is on the trail of the patient it names (the lead's, just now), for the admin and that PCN's lead to see.
    expect(await seen(admin, { nhsNumber: farNhs })).toEqual([['Lead', 'audit.read', 'far'], ['Outsider', 'patient.read', 'far'], ['GP', 'patient.read', 'far']]);
    expect(await seen(lead, { patientId: far.id })).toEqual([]);
    // Not even once the lead sits on that patient's care team (and may open the record): its trail is for its own PCN's lead.
    await ownerQuery('insert into care_team_member (id, patient_id, user_id, team_role, is_lead) values (gen_random_uuid(), $1, $2, $3, false)', [far.id, world.users.lead.id, 'Service lead']);
    expect(await seen(lead, { patientId: far.id })).toEqual([]);

    // Names only to those who may open the record; NHS numbers to both.
    // Another PCN's lead sees nothing of this patient.
    const other = await scene();
    expect((await other.view(other.lead, { patientId: home.id })).nodes).toEqual([]);
    const mine = (await seen(lead, { patientId: home.id, userId: world.users.coach.id }));
    expect(mine).toEqual([['Coach', 'audit.read', 'home'], ['Coach', 'patient.read', 'home']]);
    const coachRead = { patientId: home.id, userId: world.users.coach.id, action: 'patient.read' };
    const asLead = (await gql<View>(url(), VIEW, { f: coachRead }, lead)).data!.auditEntries.nodes[0];
    const asAdmin = (await gql<View>(url(), VIEW, { f: coachRead }, admin)).data!.auditEntries.nodes[0];
    expect([asLead.patientName, asLead.patientNhsNumber]).toEqual([`Home Test ${world.tag}`, formatNhsNumber(home.nhsNumber)]);
    expect([asAdmin.patientName, asAdmin.patientNhsNumber]).toEqual([null, formatNhsNumber(home.nhsNumber)]);
  });

  it("shows what a correction said of the patient only to those who may open the record: the admin sees that it was made, not the names", async () => {
    const { world, lead, admin, view, home } = await scene();
    const EDIT = 'mutation($input: UpdatePatientDemographicsInput!) { updatePatientDemographics(input: $input) { id } }';
    const seen = { nhsNumber: home.nhsNumber, givenName: home.givenName, familyName: home.familyName, dateOfBirth: home.dateOfBirth, practiceId: world.practice.id };
    const corrected = await gql(url(), EDIT, { input: { patientId: home.id, givenName: 'Homer', seen } }, await signInAs(url(), world.users.gp));
    expect(corrected.errors).toBeUndefined();
    const entry = async (token: string) => (await view(token, { patientId: home.id, action: 'patient.editDetails' })).nodes[0]!;
    expect((await entry(lead)).detail).toMatchObject({ fields: ['givenName'], changes: { givenName: { from: 'Home', to: 'Homer' } } });
    const asAdmin = await entry(admin);
    expect(asAdmin.detail).toEqual({ fields: ['givenName'] });
    expect(JSON.stringify(asAdmin)).not.toContain('Homer');
    // A status change's reason is the clinician's words about the patient: the same.
    const STATUS = 'mutation($p: ID!, $s: PatientStatus!, $r: String!) { setPatientStatus(patientId: $p, status: $s, reason: $r) { status } }';
    expect((await gql(url(), STATUS, { p: home.id, s: 'DISCHARGED', r: 'Moved to her daughter in Leeds' }, await signInAs(url(), world.users.gp))).errors).toBeUndefined();
    const statusEntry = async (token: string) => (await view(token, { patientId: home.id, action: 'patient.changeStatus' })).nodes[0]!.detail;
    expect(await statusEntry(lead)).toMatchObject({ reason: 'Moved to her daughter in Leeds' });
    expect(JSON.stringify(await statusEntry(admin))).not.toContain('Leeds');
  });

  it('names the staff an entry\'s detail gives by id, and only from what the reader is shown of the detail', async () => {
    const { world, lead, admin, home } = await scene();
    const { coach, gp } = world.users;
    await recordAudit(server().orm.em.fork(), { actorId: world.users.lead.id, action: 'careTeam.setLead', patientId: home.id, requestId: randomUUID(), outcome: AuditOutcome.ALLOWED, detail: { userId: coach.id, from: gp.id } });
    const PEOPLE = 'query($f: AuditFilterInput) { auditEntries(filter: $f) { nodes { detail detailPeople { id name } } } }';
    const people = async (token: string) => {
      const res = await gql<{ auditEntries: { nodes: Array<{ detailPeople: Array<{ id: string; name: string }> }> } }>(url(), PEOPLE, { f: { patientId: home.id, action: 'careTeam.setLead' } }, token);
      expect(res.errors).toBeUndefined();
      return res.data!.auditEntries.nodes[0]!.detailPeople.map((p) => p.name).sort();
    };
    expect(await people(lead)).toEqual([coach.name, gp.name].sort());
    // The admin may not open the record, so is not shown `from`, nor told whose id it held.
    expect(await people(admin)).toEqual([coach.name]);

    // The export names them the same way, in its Detail column; the ids stay in "Detail as recorded".
    const exported = async (token: string) => {
      const res = await gql<{ auditEntriesCsv: string }>(url(), CSV, { f: { patientId: home.id, action: 'careTeam.setLead' } }, token);
      expect(res.errors).toBeUndefined();
      return res.data!.auditEntriesCsv.split('\r\n')[1]!;
    };
    const forLead = await exported(lead);
    expect(forLead).toContain(`,Changed a care team's lead,Allowed,`);
    // Stored as jsonb, whose keys come back shortest first.
    expect(forLead).toContain(`,From: ${gp.name} · User: ${coach.name},`);
    expect(forLead).toContain(`""userId"":""${coach.id}""`);
    const forAdmin = await exported(admin);
    expect(forAdmin).toContain(`,User: ${coach.name},`);
    expect(forAdmin).not.toContain(gp.id);
    expect(forAdmin).not.toContain(gp.name);
  });

  it('filters by user, action, outcome and date range exactly (days in UK time), and pages newest first without gaps', async () => {
    const { world, lead, seen, view, home } = await scene();
    const { gp, coach } = world.users;
    expect(await seen(lead, { userId: gp.id })).toEqual([
      ['GP', 'patient.read', 'formula'],
      ['GP', 'patient.read', 'home'],
      ['GP', 'auth.signIn', null],
    ]);
    expect(await seen(lead, { userId: coach.id, outcome: 'DENIED' })).toEqual([['Coach', 'audit.read', 'home']]);
    expect(await seen(lead, { person: world.tag, outcome: 'DENIED' })).toEqual([['Coach', 'audit.read', 'home']]);

    // Two entries either side of midnight in the UK: 23:30 UTC is that day in winter, the next in summer.
    await ownerQuery(
      `insert into audit_entry (at, actor_id, action, patient_id, request_id, outcome) values
         ('2024-03-10T23:30:00Z', $1, 'patient.read', $2, 'winter', 'ALLOWED'), ('2024-06-30T23:30:00Z', $1, 'patient.read', $2, 'summer', 'ALLOWED')`,
      [gp.id, home.id],
    );
    const requestIds = async (f: Record<string, unknown>) => (await gql<{ auditEntries: { nodes: Array<{ id: string }> } }>(url(), 'query($f: AuditFilterInput) { auditEntries(filter: $f) { nodes { id } } }', { f: { userId: gp.id, ...f } }, lead)).data!.auditEntries.nodes.length;
    expect(await requestIds({ from: '2024-03-10', to: '2024-03-10' })).toBe(1);
    expect(await requestIds({ from: '2024-03-11', to: '2024-06-30' })).toBe(0);
    expect(await requestIds({ from: '2024-07-01', to: '2024-07-01' })).toBe(1);
    expect(await requestIds({ to: '2024-12-31' })).toBe(2);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
    expect(await requestIds({ from: today })).toBe(3);

    const all = (await view(lead, { person: world.tag, to: today })).nodes.map((e) => e.id);
    expect(all.length).toBeGreaterThan(8);
    expect([...all].sort((a, b) => Number(b) - Number(a))).toEqual(all);
    const paged: string[] = [];
    // Anchored just above the list read: the reads of these pages are audited too, newer than all of it.
    let after: string | null = String(Number(all[0]) + 1);
    for (let i = 0; i < 20; i++) {
      const page = await view(lead, { person: world.tag, to: today }, 3, after);
      paged.push(...page.nodes.map((e) => e.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it('is itself audited, with the filter; exports the same entries as CSV with formula-safe cells; refuses an export over the cap', async () => {
    const { world, lead, admin, view, formula } = await scene();
    const filter = { nhsNumber: formatNhsNumber(formula.nhsNumber) };
    const shown = (await view(lead, filter)).nodes;
    expect(shown.map((e) => e.action)).toEqual(['patient.read']);
    const csv = await gql<{ auditEntriesCsv: string }>(url(), CSV, { f: filter }, lead);
    expect(csv.errors).toBeUndefined();
    const lines = csv.data!.auditEntriesCsv.split('\r\n');
    expect(lines[0]).toBe('When (UK time),Person,Email,Role,Action,Outcome,Patient NHS number,Patient,Detail,When (UTC),Action code,Detail as recorded,Request id,Entry');
    // The lead's own search of the view is on the patient's trail now, newest first, then the GP's read.
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    // In words as the view shows them, then as recorded: the action's code and the detail whole.
    expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},/);
    expect(lines[1]).toContain(`,Lead,${world.users.lead.email},Service lead,Read the audit trail,Allowed,${formatNhsNumber(formula.nhsNumber)},`);
    expect(lines[1]).toContain(`,Filter: NHS number given · Shown: 1,`);
    expect(lines[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,audit\.read,"\{""filter"":\{""nhsNumber"":""given""\},""returned"":1\}",/);
    expect(lines[2]).toContain(`,GP,${world.users.gp.email},GP,Opened a patient's record,Allowed,${formatNhsNumber(formula.nhsNumber)},"'=HYPERLINK(""https://example.invalid"",""open"") @SUM(1)",`);
    expect(lines[2]).toContain(',patient.read,');
    expect(lines[2].endsWith(`,${shown[0].id}`)).toBe(true);

    // Each search is on the trail of the patient it names; the NHS number it was made with is not kept in the detail.
    const reads = await auditRows(server().orm, "actor_id = ? and action in ('audit.read', 'audit.export')", [world.users.lead.id]);
    expect(reads.map((r) => [r.action, r.outcome, r.patient_id, r.detail?.filter, r.detail?.returned ?? r.detail?.rows])).toEqual([
      ['audit.read', 'ALLOWED', formula.id, { nhsNumber: 'given' }, 1],
      ['audit.export', 'ALLOWED', formula.id, { nhsNumber: 'given' }, 2],
    ]);

    const big = await gql(url(), CSV, { f: { person: world.tag } }, admin);
    expect([errorCode(big), big.errors?.[0].extensions?.field, big.errors?.[0].message]).toEqual([
      'BAD_USER_INPUT',
      'filter',
      `That is more than ${EXPORT_MAX} entries, the most one export holds. Narrow the dates or add a filter, and export in parts.`,
    ]);
  });

  it('refuses everyone but service leads and administrators (FORBIDDEN, audited), and bad filters naming the field', async () => {
    const { world, lead } = await scene();
    for (const who of [world.users.coach, world.users.gp, world.users.specialist]) {
      const token = await signInAs(url(), who);
      for (const q of [VIEW, CSV]) {
        const res = await gql(url(), q, {}, token);
        expect([errorCode(res), res.errors?.[0].message]).toEqual(['FORBIDDEN', 'Only service leads and administrators can read the audit trail.']);
      }
    }
    expect(errorCode(await gql(url(), VIEW, {}))).toBe('UNAUTHENTICATED');
    const denials = await auditRows(server().orm, "actor_id = ? and outcome = 'DENIED' and action in ('audit.read', 'audit.export')", [world.users.gp.id]);
    expect(denials.map((d) => [d.action, d.detail?.reason]).sort()).toEqual([['audit.export', 'not permitted'], ['audit.read', 'not permitted']]);

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ f: { nhsNumber: '999 123 456' } }, 'nhsNumber'],
      [{ f: { from: '2024-02-30' } }, 'from'],
      [{ f: { from: '2024-05-02', to: '2024-05-01' } }, 'to'],
      [{ f: { action: 'x'.repeat(101) } }, 'action'],
      [{ first: 0 }, 'first'],
      [{ after: 'abc' }, 'after'],
    ];
    for (const [vars, field] of cases) {
      const res = await gql(url(), VIEW, vars, lead);
      expect([errorCode(res), res.errors?.[0].extensions?.field], JSON.stringify(vars)).toEqual(['BAD_USER_INPUT', field]);
    }
  });
});

function nameOf(world: Awaited<ReturnType<typeof makeWorld>>, id: string | null): string | null {
  return Object.values(world.users).find((u) => u.id === id)?.name ?? id;
}
