import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { CairnError } from '../platform/errors.js';
import { APPLY, b64, PlanEditor, shownSeq, UPDATES } from '../test-support/care-plan-editor.js';
import { errorCode, gql, startTestServer, useTestServer, wsConnect, wsRequest, type TestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { goalMap } from './care-plan.doc.js';
import { type UpdateAck } from './care-plan.store.js';
import { runSql, sql } from '../platform/sql.js';

const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq state view { whatMatters medication goals { id checkIns { note } } } } }`;
interface PlanResult {
  carePlan: { seq: number; state: string; view: { whatMatters: string; medication: string; goals: Array<{ id: string; checkIns: Array<{ note: string }> }> } };
}
type AckResult = { applyCarePlanUpdate: UpdateAck };

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Unsigned LEB128, as Yjs writes its numbers. */
function varUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** A hand-made Yjs v1 update: GC (info 0) or Skip (info 10) structs of one client from `clock`, no deletions. */
function structUpdate(client: number, clock: number, structs: Array<{ kind: 'GC' | 'SKIP'; length: number }>): Uint8Array {
  const out: number[] = [];
  varUint(out, 1);
  varUint(out, structs.length);
  varUint(out, client);
  varUint(out, clock);
  for (const s of structs) {
    out.push(s.kind === 'GC' ? 0 : 10);
    varUint(out, s.length);
  }
  varUint(out, 0);
  return new Uint8Array(out);
}

describe('care-plan updates that claim what is not theirs, or say nothing', () => {
  const server = useTestServer();
  const editors: PlanEditor[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(editors.splice(0).map((e) => e.disconnect()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  async function setUp() {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp, world.users.pharm]);
    const tokens = {
      coach: await signInAs(server().url, world.users.coach),
      fcp: await signInAs(server().url, world.users.fcp),
      pharm: await signInAs(server().url, world.users.pharm),
    };
    return { world, patient, tokens };
  }

  async function editor(token: string, patientId: string, wsUrl = server().wsUrl): Promise<PlanEditor> {
    const e = new PlanEditor(wsUrl, token, patientId);
    editors.push(e);
    await e.connect();
    return e;
  }

  async function plan(patientId: string, token: string, url = server().url) {
    const res = await gql<PlanResult>(url, PLAN, { p: patientId }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.carePlan;
  }

  /** An update made on a copy of the stored plan, optionally writing as Yjs client `clientId`. */
  async function editOnCopy(patientId: string, token: string, edit: (doc: Y.Doc) => void, clientId?: number): Promise<Uint8Array> {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from((await plan(patientId, token)).state, 'base64'));
    // Set after the state is applied: Yjs gives a document a new client id when a remote update uses its own.
    if (clientId !== undefined) doc.clientID = clientId;
    const sv = Y.encodeStateVector(doc);
    edit(doc);
    return Y.encodeStateAsUpdate(doc, sv);
  }

  it("refuses a GC or Skip struct, and a colleague's Yjs client id: the colleague's later edits are all kept", async () => {
    const { patient, tokens } = await setUp();
    const victim = await editor(tokens.coach, patient.id);
    victim.text().insert(0, 'Walk');
    await victim.settled();
    // The colleague goes offline and keeps typing; the claims arrive meanwhile.
    await victim.disconnect();
    victim.text().insert(4, ' daily');
    victim.text('medication').insert(0, 'Paracetamol');
    const attacker = wsConnect(server().wsUrl, tokens.fcp);
    await attacker.connected;
    try {
      const victimId = victim.doc.clientID;
      const next = Y.getState(victim.doc.store, victimId) - ' daily'.length - 'Paracetamol'.length;
      const claims: Record<string, Uint8Array> = {
        gcOverColleague: structUpdate(victimId, next, [{ kind: 'GC', length: 1000 }]),
        skipOverColleague: structUpdate(victimId, next, [{ kind: 'SKIP', length: 1000 }]),
        gcOfOwnNewClient: structUpdate(0x7fff_0001, 0, [{ kind: 'GC', length: 5 }]),
        textAsColleague: await editOnCopy(patient.id, tokens.fcp, (d) => d.getText('medication').insert(0, 'Not me'), victimId),
        textAsTheInitialState: await editOnCopy(patient.id, tokens.fcp, (d) => d.getText('medication').insert(0, 'Not me'), 0x0ca1),
      };
      const answers: Record<string, string | undefined> = {};
      for (const [name, update] of Object.entries(claims)) {
        answers[name] = errorCode(await wsRequest<AckResult>(attacker.client, APPLY, { p: patient.id, u: b64(update), c: `claim-${name}` }));
      }
      // Back online, its edits are acknowledged as stored: each of them must be in the stored plan.
      await victim.connect();
      await victim.settled();
      expect(victim.acks.map((a) => a.duplicate)).toEqual([false, false]);
      expect((await plan(patient.id, tokens.pharm)).view).toMatchObject({ whatMatters: 'Walk daily', medication: 'Paracetamol' });
      server().running.services.carePlans.evict(patient.id);
      expect((await plan(patient.id, tokens.pharm)).view).toMatchObject({ whatMatters: 'Walk daily', medication: 'Paracetamol' });
      expect(answers).toEqual(Object.fromEntries(Object.keys(claims).map((name) => [name, 'BAD_USER_INPUT'])));
    } finally {
      await attacker.client.dispose();
    }
  });

  it('binds a Yjs client id to its first author durably: another instance, which never held the plan, refuses it too', async () => {
    const { world, patient, tokens } = await setUp();
    const victim = await editor(tokens.coach, patient.id);
    victim.text().insert(0, 'Swim');
    await victim.settled();
    const other = await startTestServer();
    servers.push(other);
    const fcp = await signInAs(other.url, world.users.fcp);
    const claim = await editOnCopy(patient.id, tokens.fcp, (d) => d.getText('whatMatters').insert(0, 'Mine: '), victim.doc.clientID);
    const res = await gql(other.url, APPLY, { p: patient.id, u: b64(claim), c: `claim-${randomUUID()}` }, fcp);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('update');
    victim.text().insert(4, ' twice a week');
    await victim.settled();
    // Its author may go on with the same client id through either instance (the same tab, reconnected there).
    const coachOnOther = await signInAs(other.url, world.users.coach);
    const own = await editOnCopy(patient.id, coachOnOther, (d) => d.getText('whatMatters').insert(0, 'Daily: '), victim.doc.clientID);
    const ok = await gql<AckResult>(other.url, APPLY, { p: patient.id, u: b64(own), c: `own-${randomUUID()}` }, coachOnOther);
    expect(ok.data?.applyCarePlanUpdate.duplicate).toBe(false);
    expect((await plan(patient.id, fcp, other.url)).view.whatMatters).toBe('Daily: Swim twice a week');
    // Sending the whole state (everyone's structs, already stored) with an edit of one's own claims nothing.
    const whole = new Y.Doc();
    Y.applyUpdate(whole, Buffer.from((await plan(patient.id, fcp, other.url)).state, 'base64'));
    whole.getText('medication').insert(0, 'Gabapentin');
    const sent = await gql<AckResult>(other.url, APPLY, { p: patient.id, u: b64(Y.encodeStateAsUpdate(whole)), c: `whole-${randomUUID()}` }, fcp);
    expect(sent.data?.applyCarePlanUpdate.duplicate).toBe(false);
    expect((await plan(patient.id, fcp, other.url)).view.medication).toBe('Gabapentin');
  });

  it('refuses a client id bound by another instance while the group waited for the plan\'s lock, and stores nothing of it', async () => {
    const { world, patient, tokens } = await setUp();
    const coach = await editor(tokens.coach, patient.id);
    coach.text().insert(0, 'Garden');
    await coach.settled();
    const clientId = 0x5eed_0001;
    const claim = await editOnCopy(patient.id, tokens.fcp, (d) => d.getText('medication').insert(0, 'Not mine'), clientId);
    // Another instance's group holds the plan's row, and binds the client id to the coach as it commits.
    const other = new pg.Client({ connectionString: inject('databaseUrl') });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from care_plan where patient_id = $1 for update', [patient.id]);
      const sent = gql(server().url, APPLY, { p: patient.id, u: b64(claim), c: `race-${randomUUID()}` }, tokens.fcp);
      // The group has read the plan (no binding yet), and its store waits for the row.
      await until(async () => (await other.query("select count(*)::int as n from pg_locks where not granted and locktype in ('tuple', 'transactionid')")).rows[0].n > 0);
      await other.query('insert into care_plan_client (patient_id, client_id, user_id) values ($1, $2, $3)', [patient.id, clientId, world.users.coach.id]);
      await other.query('commit');
      const res = await sent;
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toMatch(/client id that belongs to someone else/);
    } finally {
      await other.end();
    }
    expect((await plan(patient.id, tokens.pharm)).view.medication).toBe('');
    server().running.services.carePlans.evict(patient.id);
    expect((await plan(patient.id, tokens.pharm)).view).toMatchObject({ whatMatters: 'Garden', medication: '' });
  });

  it("refuses an update that puts a new text in place of a flare-up text, which would hide a colleague's edits to it", async () => {
    const { patient, tokens } = await setUp();
    const colleague = await editor(tokens.coach, patient.id);
    const warningSigns = () => colleague.doc.getMap('flareUp').get('warningSigns') as Y.Text;
    warningSigns().insert(0, 'Poor sleep');
    await colleague.settled();
    await colleague.disconnect();
    warningSigns().insert(10, ' two nights running'); // typed offline, while the text is replaced
    const replace = await editOnCopy(patient.id, tokens.fcp, (d) => d.getMap('flareUp').set('warningSigns', new Y.Text('Replaced')));
    const res = await gql(server().url, APPLY, { p: patient.id, u: b64(replace), c: `replace-${randomUUID()}` }, tokens.fcp);
    await colleague.connect();
    await colleague.settled();
    expect(colleague.acks.map((a) => a.duplicate)).toEqual([false, false]);
    const [{ signs }] = await runSql<{ signs: string }>(server().orm.em.fork(), sql`select flare_up->>'warningSigns' as signs from care_plan where patient_id = ${patient.id}`);
    expect(signs).toBe('Poor sleep two nights running');
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('refuses an update that changes nothing: the empty update, and an edit already stored sent again under a new id', async () => {
    const { patient, tokens } = await setUp();
    const update = await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Garden'));
    const first = await gql<AckResult>(server().url, APPLY, { p: patient.id, u: b64(update), c: `once-${randomUUID()}` }, tokens.coach);
    expect(first.data?.applyCarePlanUpdate.duplicate).toBe(false);
    const before = await plan(patient.id, tokens.coach);
    for (const [name, u] of Object.entries({ empty: 'AAA=', storedAgain: b64(update), emptyState: b64(Y.encodeStateAsUpdate(new Y.Doc())) })) {
      const res = await gql(server().url, APPLY, { p: patient.id, u, c: `nothing-${name}` }, tokens.coach);
      expect(errorCode(res), name).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message, name).toMatch(/changes nothing/);
    }
    const after = await plan(patient.id, tokens.coach);
    expect(after.seq).toBe(before.seq);
    const [{ n }] = await runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from care_plan_update where patient_id = ${patient.id}`);
    expect(Number(n)).toBe(1);
  });

  it("refuses an edit sent under a colleague's clientUpdateId, rather than answering it as already stored", async () => {
    const { world, patient, tokens } = await setUp();
    const coachEdit = await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Cycle'));
    const id = `shared-${randomUUID()}`;
    const first = await gql<AckResult>(server().url, APPLY, { p: patient.id, u: b64(coachEdit), c: id }, tokens.coach);
    expect(first.data?.applyCarePlanUpdate.duplicate).toBe(false);
    const fcpEdit = await editOnCopy(patient.id, tokens.fcp, (d) => d.getText('medication').insert(0, 'Ibuprofen'));
    const res = await gql<AckResult>(server().url, APPLY, { p: patient.id, u: b64(fcpEdit), c: id }, tokens.fcp);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].extensions?.field).toBe('clientUpdateId');
    // Queued in one group with the original's retry: the author's retry is a duplicate, the colleague's is refused.
    const store = server().running.services.carePlans;
    const [retry, colleague] = await Promise.allSettled([
      store.apply(patient.id, world.users.coach.id, coachEdit, id, 'test'),
      store.apply(patient.id, world.users.fcp.id, fcpEdit, id, 'test'),
    ]);
    expect(retry.status === 'fulfilled' && retry.value.duplicate).toBe(true);
    expect(colleague.status === 'rejected' && colleague.reason instanceof CairnError && colleague.reason.code).toBe('BAD_USER_INPUT');
    // The colleague's edit, sent again under its own id, is stored.
    const again = await gql<AckResult>(server().url, APPLY, { p: patient.id, u: b64(fcpEdit), c: `own-${randomUUID()}` }, tokens.fcp);
    expect(again.data?.applyCarePlanUpdate.duplicate).toBe(false);
    expect((await plan(patient.id, tokens.pharm)).view).toMatchObject({ whatMatters: 'Cycle', medication: 'Ibuprofen' });
  });

  it('refuses a NUL character or a lone surrogate anywhere in an update as BAD_USER_INPUT, leaving the plan as it was', async () => {
    const { world, patient, tokens } = await setUp();
    const goal = goalMap({ id: 'g1', what: 'Walk', why: '', measure: '', targetDate: null, status: 'ACTIVE', checkIns: [] });
    const withGoal = await editOnCopy(patient.id, tokens.coach, (d) => d.getArray('goals').push([goal]));
    expect(errorCode(await gql(server().url, APPLY, { p: patient.id, u: b64(withGoal), c: `goal-${randomUUID()}` }, tokens.coach))).toBeUndefined();
    const before = await plan(patient.id, tokens.coach);
    const bad: Record<string, Uint8Array> = {
      nulInText: await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'a\u0000b')),
      nulInCheckInNote: await editOnCopy(patient.id, tokens.coach, (d) =>
        ((d.getArray('goals').get(0) as Y.Map<unknown>).get('checkIns') as Y.Array<unknown>).push([{ date: '2026-03-01', rating: 5, note: 'x\u0000' }]),
      ),
      nulInFormat: await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Bold', { bold: 'x\u0000' })),
      loneSurrogateInJson: await jsonCheckIn(patient.id, tokens.coach, { date: '2026-03-01', rating: 5, note: 'broken \ud800' }),
    };
    for (const [name, update] of Object.entries(bad)) {
      const res = await gql(server().url, APPLY, { p: patient.id, u: b64(update), c: `bad-${name}` }, tokens.coach);
      expect(errorCode(res), name).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.field, name).toBe('update');
    }
    // A value nesting a quarter of a million others is read without running out of stack, and refused by shape.
    const huge = await editOnCopy(patient.id, tokens.coach, (d) => d.getArray('goals').push([new Array(250_000).fill(null)]));
    const store = server().running.services.carePlans;
    const refused = await Promise.resolve()
      .then(() => store.apply(patient.id, world.users.coach.id, huge, `huge-${randomUUID()}`, 'test'))
      .catch((e: unknown) => e);
    expect(refused instanceof CairnError && refused.code).toBe('BAD_USER_INPUT');
    const after = await plan(patient.id, tokens.coach);
    expect(after.seq).toBe(before.seq);
    expect(after.view).toEqual(before.view);
  });

  it('one bad update never fails the good ones in the same group commit, from several editors of one plan', async () => {
    const { world, patient, tokens } = await setUp();
    const store = server().running.services.carePlans;
    const [coachEdit, fcpEdit, nulEdit, pharmEdit] = await Promise.all([
      editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Walk')),
      editOnCopy(patient.id, tokens.fcp, (d) => d.getText('medication').insert(0, 'Naproxen')),
      editOnCopy(patient.id, tokens.fcp, (d) => (d.getMap('flareUp').get('whatHelps') as Y.Text).insert(0, 'Heat\u0000')),
      editOnCopy(patient.id, tokens.pharm, (d) => (d.getMap('flareUp').get('warningSigns') as Y.Text).insert(0, 'Poor sleep')),
    ]);
    const poisoned = `poison-${randomUUID()}`;
    const name = `care_plan_poison_${poisoned.slice(7, 15)}`;
    // A fault the checks cannot foresee: the database refuses one row (a data exception, as for a NUL).
    // Set up as the tables' owner: the server's own role may not create triggers.
    const owner = new pg.Client({ connectionString: inject('databaseUrl') });
    await owner.connect();
    await owner.query(
      `create function ${name}() returns trigger language plpgsql as $$
       begin if new.client_update_id = '${poisoned}' then raise exception 'poisoned row' using errcode = '22021'; end if; return new; end $$`,
    );
    await owner.query(`create trigger ${name} before insert on care_plan_update for each row execute function ${name}()`);
    try {
      const poisonEdit = await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Poison '));
      const results = await Promise.allSettled([
        store.apply(patient.id, world.users.coach.id, coachEdit, `g-coach-${randomUUID()}`, 'test'),
        Promise.resolve().then(() => store.apply(patient.id, world.users.fcp.id, nulEdit, `g-nul-${randomUUID()}`, 'test')),
        store.apply(patient.id, world.users.fcp.id, fcpEdit, `g-fcp-${randomUUID()}`, 'test'),
        store.apply(patient.id, world.users.coach.id, poisonEdit, poisoned, 'test'),
        store.apply(patient.id, world.users.pharm.id, pharmEdit, `g-pharm-${randomUUID()}`, 'test'),
      ]);
      const [coach, nul, fcp, poison, pharm] = results;
      expect(nul.status === 'rejected' && nul.reason instanceof CairnError && nul.reason.code).toBe('BAD_USER_INPUT');
      expect(poison.status === 'rejected' && poison.reason instanceof CairnError && poison.reason.code).toBe('BAD_USER_INPUT');
      for (const good of [coach, fcp, pharm]) expect(good.status === 'fulfilled' && good.value.duplicate).toBe(false);
    } finally {
      await owner.query(`drop trigger ${name} on care_plan_update`);
      await owner.query(`drop function ${name}()`);
      await owner.end();
    }
    expect((await plan(patient.id, tokens.pharm)).view).toMatchObject({ whatMatters: 'Walk', medication: 'Naproxen' });
    const [{ signs }] = await runSql<{ signs: string }>(server().orm.em.fork(), sql`select flare_up->>'warningSigns' as signs from care_plan where patient_id = ${patient.id}`);
    expect(signs).toBe('Poor sleep');
  });

  it('refuses a sign-off note PostgreSQL cannot store as BAD_USER_INPUT, signing nothing off', async () => {
    const { patient, tokens } = await setUp();
    const update = await editOnCopy(patient.id, tokens.coach, (d) => d.getText('whatMatters').insert(0, 'Agreed'));
    expect(errorCode(await gql(server().url, APPLY, { p: patient.id, u: b64(update), c: `s-${randomUUID()}` }, tokens.coach))).toBeUndefined();
    const SIGN = 'mutation($p: ID!, $s: SafeInt!, $n: String) { signOffCarePlan(patientId: $p, seq: $s, note: $n) { id } }';
    const seq = await shownSeq(server().url, patient.id, tokens.coach);
    for (const note of ['agreed\u0000', 'broken \ud800 pair']) {
      const res = await gql(server().url, SIGN, { p: patient.id, s: seq, n: note }, tokens.coach);
      expect(errorCode(res), JSON.stringify(note)).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.field).toBe('note');
    }
    const [{ n }] = await runSql<{ n: string }>(server().orm.em.fork(), sql`select count(*) as n from care_plan_sign_off where patient_id = ${patient.id}`);
    expect(Number(n)).toBe(0);
    expect(errorCode(await gql(server().url, SIGN, { p: patient.id, s: seq, n: 'Agreed with the patient 👍' }, tokens.coach))).toBeUndefined();
  });

  it('answers a state vector that does not decode with BAD_USER_INPUT', async () => {
    const { patient, tokens } = await setUp();
    const socket = wsConnect(server().wsUrl, tokens.coach);
    await socket.connected;
    try {
      for (const sv of ['/////w==', 'AQ==', b64(new Uint8Array([1, 0x80]))]) {
        const res = await wsRequest(socket.client, UPDATES, { p: patient.id, sv });
        expect(errorCode(res), sv).toBe('BAD_USER_INPUT');
      }
      // A good one still syncs.
      const ok = await new Promise<string>((resolve, reject) => {
        const stop = socket.client.subscribe<{ carePlanUpdates: { kind: string } }>(
          { query: UPDATES, variables: { p: patient.id, sv: b64(Y.encodeStateVector(new Y.Doc())) } },
          { next: (r) => (stop(), resolve(r.data!.carePlanUpdates.kind)), error: reject, complete: () => undefined },
        );
      });
      expect(ok).toBe('SYNC');
    } finally {
      await socket.client.dispose();
    }
  });

  /**
   * An update adding a check-in as ContentJSON (the legacy content Yjs still reads), whose JSON text may
   * spell a lone surrogate (`\ud800`) that no UTF-8 string can carry.
   */
  async function jsonCheckIn(patientId: string, token: string, checkIn: Record<string, unknown>): Promise<Uint8Array> {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from((await plan(patientId, token)).state, 'base64'));
    const checkIns = (doc.getArray('goals').get(0) as Y.Map<unknown>).get('checkIns') as Y.Array<unknown>;
    const content = new Y.ContentJSON([checkIn]);
    const item = new Y.Item(Y.createID(doc.clientID, 0), null, null, null, null, checkIns, null, content);
    const encoder = new Y.UpdateEncoderV1();
    const out: number[] = [];
    varUint(out, 1);
    varUint(out, 1);
    varUint(out, doc.clientID);
    varUint(out, 0);
    item.write(encoder, 0);
    const body = encoder.toUint8Array();
    return new Uint8Array([...out, ...body, 0]);
  }
});
