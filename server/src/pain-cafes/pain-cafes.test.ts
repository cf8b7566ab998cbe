import { describe, expect, it } from 'vitest';
import { Role, User } from '../auth/user.entity.js';
import { errorCode, gql, ownerQuery, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs, type World } from '../test-support/world.js';

const CREATE = `mutation($input: PainCafeInput!) { createPainCafe(input: $input) { id title capacity venue onlineLink status facilitators { id } placesLeft } }`;
const UPDATE = `mutation($input: UpdatePainCafeInput!) { updatePainCafe(input: $input) { id capacity placesLeft waitlistCount } }`;
const CANCEL_CAFE = `mutation($id: ID!) { cancelPainCafe(cafeId: $id, reason: "Venue flooded") { status cancelReason } }`;
const REGISTER = `mutation($cafe: ID!, $patient: ID!) { registerPatientForPainCafe(cafeId: $cafe, patientId: $patient) { id status waitlistPosition } }`;
const INVITE = `mutation($cafe: ID!, $patient: ID!) { invitePatientToPainCafe(cafeId: $cafe, patientId: $patient) { id status } }`;
const CANCEL_PLACE = `mutation($id: ID!) { cancelPainCafePlace(registrationId: $id, reason: "Hospital appointment") { id status } }`;
const ATTEND = `mutation($id: ID!, $a: PainCafeAttendance!) { recordPainCafeAttendance(input: { registrationId: $id, attendance: $a }) { id attendance } }`;
const CAFE = `query($id: ID!) { painCafe(id: $id) { id title capacity registeredCount waitlistCount invitedCount placesLeft attendedCount didNotAttendCount viewerCanManage
  places { id status waitlistPosition attendance patient { id name } } } }`;
const CAFES = `{ painCafes { id } }`;
const PATIENT_CAFES = `query($id: ID!) { patient(id: $id) { painCafes { status attendance waitlistPosition cafe { id title } } } }`;
const TIMELINE = `query($id: ID!) { timeline(patientId: $id) { nodes { kind payload } } }`;
const NOTIFS = `{ myNotifications(first: 20) { kind title link } }`;
const TEAM_NOTIFS = `{ myNotifications(first: 50) { kind patientId title body link } }`;

/** Times from the start of the test (\`fresh\`), so the same café sent twice has the same times, as from the form. */
let base = Date.now();
const hours = (n: number) => new Date(base + n * 3_600_000).toISOString();

describe('Pain Cafés', () => {
  const server = useTestServer();
  const url = () => server().url;
  let world: World;
  const fresh = async () => {
    base = Date.now();
    world = await makeWorld(server().orm.em.fork());
  };
  const cafeInput = (extra: Record<string, unknown> = {}) => ({
    title: 'Pain Café: pacing and sleep',
    startsAt: hours(7 * 24),
    endsAt: hours(7 * 24 + 2),
    venue: 'Community Hall, High Street',
    capacity: 2,
    facilitatorIds: [world.users.coach.id],
    ...extra,
  });
  /** Another coach of the world's PCN, to be a patient's own coach (the actor is never notified of their own action). */
  const secondCoach = async () => {
    const em = server().orm.em.fork();
    const u = new User('Second Coach', `second.coach.${world.tag}.${Math.random().toString(36).slice(2, 7)}@test.example`, world.users.coach.passwordHash, Role.COACH, world.pcn);
    await em.persistAndFlush(u);
    return u;
  };
  const createCafe = async (token: string, extra: Record<string, unknown> = {}) => {
    const res = await gql<{ createPainCafe: { id: string } }>(url(), CREATE, { input: cafeInput(extra) }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.createPainCafe.id;
  };
  const register = (token: string, cafe: string, patient: string) => gql<{ registerPatientForPainCafe: { id: string; status: string; waitlistPosition: number | null } }>(url(), REGISTER, { cafe, patient }, token);
  const cafeView = async (token: string, id: string) => (await gql<{ painCafe: { registeredCount: number; waitlistCount: number; placesLeft: number; attendedCount: number; didNotAttendCount: number; places: Array<{ id: string; status: string; waitlistPosition: number | null; attendance: string | null; patient: { id: string } | null }> } }>(url(), CAFE, { id }, token)).data!.painCafe;
  const kinds = async (token: string, patientId: string) => (await gql<{ timeline: { nodes: Array<{ kind: string; payload: Record<string, unknown> }> } }>(url(), TIMELINE, { id: patientId }, token)).data!.timeline.nodes.filter((n) => n.kind.startsWith('CAFE_'));
  const stored = async () => {
    const [row] = await ownerQuery<{ cafes: string; places: string }>(
      `select (select count(*) from pain_cafe where pcn_id = $1) as cafes, (select count(*) from pain_cafe_registration r join pain_cafe c on c.id = r.cafe_id where c.pcn_id = $1) as places`,
      [world.pcn.id],
    );
    return row;
  };

  it('a coach arranges a café with a venue or an https link; bad input is refused by name and stores nothing', async () => {
    await fresh();
    const token = await signInAs(url(), world.users.coach);
    const created = await gql<{ createPainCafe: { title: string; status: string; placesLeft: number; facilitators: Array<{ id: string }> } }>(url(), CREATE, { input: cafeInput() }, token);
    expect(created.data?.createPainCafe).toMatchObject({ title: 'Pain Café: pacing and sleep', status: 'SCHEDULED', placesLeft: 2, facilitators: [{ id: world.users.coach.id }] });
    const online = await gql<{ createPainCafe: { onlineLink: string; venue: null } }>(url(), CREATE, { input: cafeInput({ venue: null, onlineLink: 'https://meet.example.nhs.uk/cafe' }) }, token);
    expect(online.data?.createPainCafe).toMatchObject({ onlineLink: 'https://meet.example.nhs.uk/cafe', venue: null });
    const before = await stored();

    const refusals: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ endsAt: hours(7 * 24 - 1) }, 'endsAt', /end after it starts/],
      [{ startsAt: hours(-2), endsAt: hours(-1) }, 'startsAt', /start time has passed/],
      [{ capacity: 0 }, 'capacity', /at least one place/],
      [{ capacity: 501 }, 'capacity', /at most 500/],
      [{ onlineLink: 'https://meet.example/x' }, 'venue', /not both/],
      [{ venue: null }, 'venue', /a venue, or an online link/],
      [{ venue: '  ' }, 'venue', /a venue, or an online link/],
      [{ venue: null, onlineLink: 'http://meet.example/x' }, 'onlineLink', /https/],
      [{ venue: null, onlineLink: 'javascript:alert(1)' }, 'onlineLink', /https/],
      [{ title: '   ' }, 'title', /fill in the title/],
      [{ facilitatorIds: [] }, 'facilitatorIds', /at least one coach/],
      [{ facilitatorIds: ['00000000-0000-4000-8000-000000000000'] }, 'facilitatorIds', /not a Cairn user/],
      [{ facilitatorIds: [world.users.gp.id] }, 'facilitatorIds', /GP is not a coach of this PCN/],
      [{ facilitatorIds: [world.users.outsider.id] }, 'facilitatorIds', /Outsider is not a coach of this PCN/],
    ];
    for (const [change, field, message] of refusals) {
      const res = await gql(url(), CREATE, { input: cafeInput(change) }, token);
      expect([errorCode(res), res.errors?.[0]?.extensions?.field], JSON.stringify(change)).toEqual(['BAD_USER_INPUT', field]);
      expect(res.errors![0].message).toMatch(message);
    }
    expect(await stored()).toEqual(before);

    // Who may arrange one: the PCN's coaches and service leads; a physio of the PCN may look but not arrange.
    const fcp = await signInAs(url(), world.users.fcp);
    expect(errorCode(await gql(url(), CREATE, { input: cafeInput() }, fcp))).toBe('FORBIDDEN');
    const lead = await signInAs(url(), world.users.lead);
    expect((await gql(url(), CREATE, { input: cafeInput() }, lead)).errors).toBeUndefined();
  });

  it('registers while places remain, then fills the waiting list; a cancelled place passes to the first waiting, whose coach is told', async () => {
    await fresh();
    const own = await secondCoach();
    const { coach } = world.users;
    const [ann, ben, cat, dan] = [
      await world.patient([coach], { givenName: 'Ann' }),
      await world.patient([coach], { givenName: 'Ben' }),
      await world.patient([own, coach], { givenName: 'Cat' }),
      await world.patient([coach], { givenName: 'Dan' }),
    ];
    const token = await signInAs(url(), coach);
    const cafe = await createCafe(token);

    expect((await register(token, cafe, ann.id)).data?.registerPatientForPainCafe).toMatchObject({ status: 'REGISTERED', waitlistPosition: null });
    const benPlace = (await register(token, cafe, ben.id)).data!.registerPatientForPainCafe;
    expect(benPlace.status).toBe('REGISTERED');
    expect((await register(token, cafe, cat.id)).data?.registerPatientForPainCafe).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });
    expect((await register(token, cafe, dan.id)).data?.registerPatientForPainCafe).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 2 });
    const before = await stored();
    const twice = await register(token, cafe, ann.id);
    expect([errorCode(twice), twice.errors![0].message]).toEqual(['CONFLICT', `Ann Test ${world.tag} is already registered for this café.`]);
    expect(errorCode(await register(token, cafe, dan.id))).toBe('CONFLICT');
    expect(await stored()).toEqual(before);
    expect(await cafeView(token, cafe)).toMatchObject({ registeredCount: 2, waitlistCount: 2, placesLeft: 0 });

    // Ben cancels: Cat, first on the waiting list, takes the place in the same transaction; Dan moves up.
    expect((await gql<{ cancelPainCafePlace: { status: string } }>(url(), CANCEL_PLACE, { id: benPlace.id }, token)).data?.cancelPainCafePlace.status).toBe('CANCELLED');
    const after = await cafeView(token, cafe);
    expect(after).toMatchObject({ registeredCount: 2, waitlistCount: 1, placesLeft: 0 });
    expect(after.places.map((p) => [p.patient?.id, p.status, p.waitlistPosition])).toEqual([
      [ann.id, 'REGISTERED', null],
      [ben.id, 'CANCELLED', null],
      [cat.id, 'REGISTERED', null],
      [dan.id, 'WAITLISTED', 1],
    ]);
    expect((await kinds(token, cat.id)).map((e) => e.kind)).toEqual(['CAFE_PLACE_OFFERED', 'CAFE_WAITLISTED']);
    expect((await kinds(token, ben.id)).map((e) => [e.kind, e.payload['previousStatus'], e.payload['reason']])).toEqual([
      ['CAFE_CANCELLED', 'REGISTERED', 'Hospital appointment'],
      ['CAFE_REGISTERED', undefined, undefined],
    ]);
    const told = (await gql<{ myNotifications: Array<{ kind: string; title: string; link: string }> }>(url(), NOTIFS, {}, await signInAs(url(), own))).data!.myNotifications;
    expect(told).toContainEqual({ kind: 'CAFE_PLACE_OFFERED', title: `Cat Test ${world.tag} has a place on Pain Café: pacing and sleep`, link: `/pain-cafes/${cafe}` });

    // A cancelled place may be taken again: Ben joins the end of the waiting list.
    expect((await register(token, cafe, ben.id)).data?.registerPatientForPainCafe).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 2 });
  });

  it('never registers more than the capacity, however many coaches register at once', async () => {
    await fresh();
    const token = await signInAs(url(), world.users.coach);
    const lead = await signInAs(url(), world.users.lead);
    const cafe = await createCafe(token, { capacity: 3 });
    const patients = await Promise.all(Array.from({ length: 12 }, (_, i) => world.patient([world.users.coach], { givenName: `P${i}` })));
    const results = await Promise.all(patients.map((p, i) => register(i % 2 ? token : lead, cafe, p.id)));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const statuses = results.map((r) => r.data!.registerPatientForPainCafe.status);
    expect(statuses.filter((s) => s === 'REGISTERED')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'WAITLISTED')).toHaveLength(9);
    const view = await cafeView(token, cafe);
    expect(view).toMatchObject({ registeredCount: 3, waitlistCount: 9, placesLeft: 0 });
    expect(view.places.filter((p) => p.status === 'WAITLISTED').map((p) => p.waitlistPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [{ registered }] = await ownerQuery<{ registered: number }>(`select count(*)::int as registered from pain_cafe_registration where cafe_id = $1 and status = 'REGISTERED'`, [cafe]);
    expect(registered).toBe(3);

    // Parallel cancellations: each freed place goes to the next in line, never more than the capacity.
    const held = view.places.filter((p) => p.status === 'REGISTERED');
    await Promise.all(held.map((p, i) => gql(url(), CANCEL_PLACE, { id: p.id }, i % 2 ? token : lead)));
    const refilled = await cafeView(token, cafe);
    expect(refilled).toMatchObject({ registeredCount: 3, waitlistCount: 6 });
    const firstThreeWaiting = view.places.filter((p) => p.status === 'WAITLISTED').slice(0, 3).map((p) => p.id);
    expect(refilled.places.filter((p) => p.status === 'REGISTERED').map((p) => p.id).sort()).toEqual([...firstThreeWaiting].sort());
  });

  it('a café over capacity is refused: lowering the places below those held stores nothing, the database refuses an overbooking, more places serve the waiting list', async () => {
    await fresh();
    const token = await signInAs(url(), world.users.coach);
    const cafe = await createCafe(token, { capacity: 2 });
    const ps = await Promise.all([0, 1, 2, 3].map((i) => world.patient([world.users.coach], { givenName: `Q${i}` })));
    for (const p of ps) await register(token, cafe, p.id);
    const before = await stored();
    const lower = await gql(url(), UPDATE, { input: { ...cafeInput({ capacity: 1 }), cafeId: cafe, seen: cafeInput({ capacity: 2 }) } }, token);
    expect([errorCode(lower), lower.errors?.[0]?.extensions?.field, lower.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', 'capacity', '2 patients hold places; cancel some places before lowering the capacity below that.']);
    expect(await stored()).toEqual(before);
    expect((await cafeView(token, cafe)).registeredCount).toBe(2);

    // Whatever writes, PostgreSQL refuses a third registered place on two.
    const waiting = (await cafeView(token, cafe)).places.find((p) => p.status === 'WAITLISTED')!;
    await expect(ownerQuery(`update pain_cafe_registration set status = 'REGISTERED' where id = $1`, [waiting.id])).rejects.toThrow(/would have 3 registered for 2 places/);
    await expect(ownerQuery(`update pain_cafe set capacity = 1 where id = $1`, [cafe])).rejects.toThrow(/below its registered patients/);

    const raised = await gql<{ updatePainCafe: { capacity: number; placesLeft: number; waitlistCount: number } }>(url(), UPDATE, { input: { ...cafeInput({ capacity: 5 }), cafeId: cafe, seen: cafeInput({ capacity: 2 }) } }, token);
    expect(raised.data?.updatePainCafe).toEqual({ id: cafe, capacity: 5, placesLeft: 1, waitlistCount: 0 });
    expect((await kinds(token, ps[3].id)).map((e) => e.kind)).toEqual(['CAFE_PLACE_OFFERED', 'CAFE_WAITLISTED']);
  });

  it("a change made on a form opened before a colleague's keeps the colleague's: what was left as shown is not put back, the same field is a CONFLICT", async () => {
    await fresh();
    const { coach, lead } = world.users;
    const [coachToken, leadToken] = [await signInAs(url(), coach), await signInAs(url(), lead)];
    const cafe = await createCafe(coachToken, { capacity: 2 });
    const opened = cafeInput({ capacity: 2 }); // both forms open on the café as created
    const [second, third] = [await secondCoach(), await secondCoach()];
    const facts = async () => {
      const [row] = await ownerQuery<{ title: string; venue: string; capacity: number; facilitators: string[] }>(
        `select title, venue, capacity, array(select user_id::text from pain_cafe_facilitator f where f.cafe_id = c.id order by user_id) as facilitators from pain_cafe c where id = $1`,
        [cafe],
      );
      return row;
    };

    // The lead moves it to the library and brings in a second coach.
    const moved = { ...opened, venue: 'Library, Market Square', facilitatorIds: [coach.id, second.id] };
    expect((await gql(url(), UPDATE, { input: { ...moved, cafeId: cafe, seen: opened } }, leadToken)).errors).toBeUndefined();
    // The coach's form still shows the hall: a new title and a third coach keep the lead's venue and coach.
    const retitled = { ...opened, title: 'Pain Café: pacing, sleep and mood', facilitatorIds: [coach.id, third.id] };
    expect((await gql(url(), UPDATE, { input: { ...retitled, cafeId: cafe, seen: opened } }, coachToken)).errors).toBeUndefined();
    expect(await facts()).toEqual({ title: 'Pain Café: pacing, sleep and mood', venue: 'Library, Market Square', capacity: 2, facilitators: [coach.id, second.id, third.id].sort() });

    // A different venue from the same stale form is refused, naming the venue; nothing changes.
    const before = await facts();
    const clash = await gql(url(), UPDATE, { input: { ...opened, venue: 'Health Centre, Room 3', capacity: 3, cafeId: cafe, seen: opened } }, coachToken);
    expect(errorCode(clash)).toBe('CONFLICT');
    expect(clash.errors?.[0].message).toMatch(/^Someone else changed the café's venue since you opened this form\. Nothing was saved/);
    expect(await facts()).toEqual(before);
    // A coach taken off by one form and not by the other is off; one added by neither stays.
    const now = { ...opened, title: before.title, venue: before.venue, facilitatorIds: before.facilitators };
    expect((await gql(url(), UPDATE, { input: { ...now, facilitatorIds: [coach.id, second.id], cafeId: cafe, seen: now } }, leadToken)).errors).toBeUndefined();
    expect((await facts()).facilitators).toEqual([coach.id, second.id].sort());

    // The time is one choice: the lead's later start and the coach's earlier end are a CONFLICT, not a slot nobody chose.
    const current = { ...now, facilitatorIds: [coach.id, second.id] };
    const laterStart = { ...current, startsAt: hours(7 * 24 + 1) };
    expect((await gql(url(), UPDATE, { input: { ...laterStart, cafeId: cafe, seen: current } }, leadToken)).errors).toBeUndefined();
    const earlierEnd = await gql(url(), UPDATE, { input: { ...current, endsAt: hours(7 * 24 + 1.5), cafeId: cafe, seen: current } }, coachToken);
    expect(errorCode(earlierEnd)).toBe('CONFLICT');
    expect(earlierEnd.errors?.[0].message).toMatch(/^Someone else changed the café's time since you opened this form/);
    expect(earlierEnd.errors?.[0].extensions?.field).toBe('seen');
  });

  it('a change on a form whose café has since been moved is judged on the café as it is now, not on the time the form showed', async () => {
    await fresh();
    const [coachToken, leadToken] = [await signInAs(url(), world.users.coach), await signInAs(url(), world.users.lead)];
    const soon = { ...cafeInput(), startsAt: new Date(Date.now() + 2500).toISOString(), endsAt: new Date(Date.now() + 2 * 3_600_000).toISOString() };
    const cafe = (await gql<{ createPainCafe: { id: string } }>(url(), CREATE, { input: soon }, coachToken)).data!.createPainCafe.id;
    // The lead moves it to next week; the coach's form still shows a start about to pass.
    expect((await gql(url(), UPDATE, { input: { ...cafeInput(), cafeId: cafe, seen: soon } }, leadToken)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 3000));
    const retitled = await gql<{ updatePainCafe: { id: string } }>(url(), UPDATE, { input: { ...soon, title: 'Pain Café: pacing and sleep (week 2)', cafeId: cafe, seen: soon } }, coachToken);
    expect(retitled.errors).toBeUndefined();
    const [row] = await ownerQuery<{ title: string; starts_at: Date }>('select title, starts_at from pain_cafe where id = $1', [cafe]);
    expect([row!.title, row!.starts_at.toISOString()]).toEqual(['Pain Café: pacing and sleep (week 2)', cafeInput().startsAt]);
  });

  it('access: another PCN cannot see the café; a coach gets NOT_FOUND for a patient they cannot see; names show only to those who may read them', async () => {
    await fresh();
    const { coach, outsider, lead, gp, fcp } = world.users;
    const other = await secondCoach();
    const mine = await world.patient([coach], { givenName: 'Mine' });
    const theirs = await world.patient([other], { givenName: 'Theirs' });
    const token = await signInAs(url(), coach);
    const otherToken = await signInAs(url(), other);
    const outsiderToken = await signInAs(url(), outsider);
    const cafe = await createCafe(token, { capacity: 5 });
    expect((await register(otherToken, cafe, theirs.id)).errors).toBeUndefined();

    // A user of another PCN: the café does not exist for them, in the list or by id, nor can they register anyone on it.
    expect((await gql<{ painCafes: unknown[] }>(url(), CAFES, {}, outsiderToken)).data!.painCafes).toEqual([]);
    expect(errorCode(await gql(url(), CAFE, { id: cafe }, outsiderToken))).toBe('NOT_FOUND');
    const outsiderPatient = await world.patient([outsider]);
    expect(errorCode(await register(outsiderToken, cafe, outsiderPatient.id))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), CANCEL_CAFE, { id: cafe }, outsiderToken))).toBe('NOT_FOUND');

    // A coach of the PCN registering a patient who is not theirs: NOT_FOUND, as for no patient at all, and nothing stored.
    const before = await stored();
    const notMine = await register(token, cafe, theirs.id);
    expect([errorCode(notMine), notMine.errors![0].message]).toEqual(['NOT_FOUND', 'No such patient, or you do not have access to it.']);
    const theirPlace = (await cafeView(otherToken, cafe)).places[0]!;
    expect(errorCode(await gql(url(), CANCEL_PLACE, { id: theirPlace.id }, token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), ATTEND, { id: theirPlace.id, a: 'ATTENDED' }, token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(url(), CANCEL_PLACE, { id: '00000000-0000-4000-8000-000000000000' }, token))).toBe('NOT_FOUND');
    expect(errorCode(await register(outsiderToken, cafe, mine.id))).toBe('NOT_FOUND');
    expect(await stored()).toEqual(before);
    expect(errorCode(await gql(url(), TIMELINE, { id: theirs.id }, token))).toBe('NOT_FOUND');

    // The café and its fill are the PCN's; who holds a place shows only to those who may read the patient.
    expect((await register(token, cafe, mine.id)).errors).toBeUndefined();
    const seenByCoach = await cafeView(token, cafe);
    expect(seenByCoach.registeredCount).toBe(2);
    expect(seenByCoach.places.map((p) => p.patient?.id ?? null)).toEqual([null, mine.id]);
    expect((await cafeView(await signInAs(url(), lead), cafe)).places.map((p) => p.patient?.id)).toEqual([theirs.id, mine.id]);
    const gpView = (await gql<{ painCafe: { viewerCanManage: boolean; places: Array<{ patient: unknown }> } }>(url(), CAFE, { id: cafe }, await signInAs(url(), gp))).data!.painCafe;
    expect(gpView.viewerCanManage).toBe(false);
    expect(gpView.places.map((p) => p.patient)).toEqual([null, null]);
    // A physio on the patient's team may read the patient but not manage their café places.
    const shared = await world.patient([coach, fcp], { givenName: 'Shared' });
    const fcpRegister = await register(await signInAs(url(), fcp), cafe, shared.id);
    expect(errorCode(fcpRegister)).toBe('FORBIDDEN');

    // Why a place ended is written by the patient's own clinicians and may name them: only to those who may read the patient.
    expect((await gql(url(), CANCEL_PLACE, { id: theirPlace.id }, otherToken)).errors).toBeUndefined();
    const reasonFor = async (viewer: string) =>
      (await gql<{ painCafe: { places: Array<{ id: string; cancelReason: string | null }> } }>(url(), `query($id: ID!) { painCafe(id: $id) { places { id cancelReason } } }`, { id: cafe }, viewer)).data!.painCafe.places.find((p) => p.id === theirPlace.id)!.cancelReason;
    expect(await reasonFor(otherToken)).toBe('Hospital appointment');
    expect(await reasonFor(token)).toBeNull();
    expect(await reasonFor(await signInAs(url(), gp))).toBeNull();
  });

  it("a café's facilitators and its arranger are told of colleagues' registrations, cancellations and attendance; patients named only to those who may read them; nobody outside told", async () => {
    await fresh();
    const { coach, lead, outsider, fcp, gp } = world.users;
    const colleague = await secondCoach();
    const ann = await world.patient([coach], { givenName: 'Ann' });
    const ben = await world.patient([coach], { givenName: 'Ben' });
    // The lead arranges it; the coach and a colleague (who may not read the coach's patients) run it.
    const cafe = await createCafe(await signInAs(url(), lead), { capacity: 1, facilitatorIds: [coach.id, colleague.id] });
    const token = await signInAs(url(), coach);
    const told = async (user: User) =>
      (await gql<{ myNotifications: Array<{ kind: string; patientId: string | null; title: string; body: string; link: string }> }>(url(), TEAM_NOTIFS, {}, await signInAs(url(), user))).data!.myNotifications.filter((n) => n.kind === 'CAFE_PLACES_CHANGED');

    const annPlace = (await register(token, cafe, ann.id)).data!.registerPatientForPainCafe.id;
    await register(token, cafe, ben.id);
    const title = 'Pain Café: pacing and sleep';
    expect(await told(lead)).toEqual([
      { kind: 'CAFE_PLACES_CHANGED', patientId: ben.id, title: `${title}: Ben Test ${world.tag} joined the waiting list (number 1)`, body: `Recorded by ${coach.name}. 1 of 1 places taken, 1 on the waiting list.`, link: `/pain-cafes/${cafe}` },
      { kind: 'CAFE_PLACES_CHANGED', patientId: ann.id, title: `${title}: Ann Test ${world.tag} took a place`, body: `Recorded by ${coach.name}. 1 of 1 places taken.`, link: `/pain-cafes/${cafe}` },
    ]);
    // The colleague sees the fill, as on the café page, but not who: no name, no patient id.
    expect((await told(colleague)).map((n) => [n.patientId, n.title])).toEqual([
      [null, `${title}: A patient joined the waiting list (number 1)`],
      [null, `${title}: A patient took a place`],
    ]);
    // The one who did it, PCN staff who do not run it, and another PCN are not told.
    for (const user of [coach, fcp, gp, outsider]) expect(await told(user)).toEqual([]);

    // The colleague's own change reaches the coach, who runs it too: a cancellation and the waiting list's move, in one.
    await gql(url(), CANCEL_PLACE, { id: annPlace }, await signInAs(url(), lead));
    const [cancelled] = await told(coach);
    expect(cancelled).toMatchObject({ patientId: null, title: `${title}: Ann Test ${world.tag}'s place was cancelled; Ben Test ${world.tag} took a freed place from the waiting list`, body: `Recorded by ${lead.name}. 1 of 1 places taken.` });
    expect((await told(colleague))[0]!.title).toBe(`${title}: A patient's place was cancelled; A patient took a freed place from the waiting list`);
    expect(await told(lead)).toHaveLength(2);

    // Attendance after the café: the lead and the colleague are told.
    await ownerQuery(`update pain_cafe set starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' where id = $1`, [cafe]);
    const benPlace = (await cafeView(token, cafe)).places.find((p) => p.patient?.id === ben.id)!.id;
    expect((await gql(url(), ATTEND, { id: benPlace, a: 'ATTENDED' }, token)).errors).toBeUndefined();
    expect((await told(lead))[0]).toMatchObject({ patientId: ben.id, title: `${title}: Ben Test ${world.tag} attended` });
    expect((await told(colleague))[0]).toMatchObject({ patientId: null, title: `${title}: A patient attended` });
    const [{ n }] = await ownerQuery<{ n: number }>(`select count(*)::int as n from notification where recipient_id = $1 and kind = 'CAFE_PLACES_CHANGED'`, [outsider.id]);
    expect(n).toBe(0);
  });

  it("moving a café tells the coaches of everyone holding a place, invitation or wait, and its team, and puts it on each patient's timeline; changing only the places moves nothing", async () => {
    await fresh();
    const { coach, lead } = world.users;
    const patientsCoach = await secondCoach();
    const ann = await world.patient([patientsCoach], { givenName: 'Ann' });
    const ben = await world.patient([patientsCoach], { givenName: 'Ben' });
    const leadToken = await signInAs(url(), lead);
    const cafe = await createCafe(leadToken, { capacity: 1 });
    const coachToken = await signInAs(url(), patientsCoach);
    expect((await register(coachToken, cafe, ann.id)).data?.registerPatientForPainCafe.status).toBe('REGISTERED');
    expect((await register(coachToken, cafe, ben.id)).data?.registerPatientForPainCafe.status).toBe('WAITLISTED');
    const notes = async (user: User, kind: string) =>
      (await gql<{ myNotifications: Array<{ kind: string; patientId: string | null; title: string; body: string }> }>(url(), TEAM_NOTIFS, {}, await signInAs(url(), user))).data!.myNotifications.filter((n) => n.kind === kind);

    // More places only: nothing has moved.
    expect((await gql(url(), UPDATE, { input: { ...cafeInput({ capacity: 2 }), cafeId: cafe, seen: cafeInput({ capacity: 1 }) } }, leadToken)).errors).toBeUndefined();
    expect(await notes(patientsCoach, 'CAFE_MOVED')).toEqual([]);

    const moved = cafeInput({ capacity: 2, startsAt: hours(9 * 24), endsAt: hours(9 * 24 + 2), venue: 'Library, Market Square' });
    expect((await gql(url(), UPDATE, { input: { ...moved, cafeId: cafe, seen: cafeInput({ capacity: 2 }) } }, leadToken)).errors).toBeUndefined();
    const told = await notes(patientsCoach, 'CAFE_MOVED');
    expect(told.map((n) => n.patientId).sort()).toEqual([ann.id, ben.id].sort());
    expect(told[0]!.title).toMatch(/^Pain Café: pacing and sleep has moved: \w{3} \d+ \w{3}, \d\d:\d\d–\d\d:\d\d, Library, Market Square$/);
    expect(told[0]!.body).toMatch(/please let them know\. It was \w{3} \d+ \w{3}, \d\d:\d\d–\d\d:\d\d, Community Hall, High Street\.$/);
    // The facilitator hears of it from the lead, who arranged it.
    expect((await notes(coach, 'CAFE_PLACES_CHANGED'))[0]!.title).toMatch(/^Pain Café: pacing and sleep: moved to .*, Library, Market Square/);
    const [event] = (await kinds(coachToken, ann.id)).filter((e) => e.kind === 'CAFE_MOVED');
    expect(event!.payload).toMatchObject({ startsAt: moved.startsAt, where: 'Library, Market Square', previousWhere: 'Community Hall, High Street' });
  });

  it('attendance is recorded after the café on the patient\'s timeline and in their café history; a cancelled café ends every place', async () => {
    await fresh();
    const token = await signInAs(url(), world.users.coach);
    const [amy, bob, cy] = await Promise.all(['Amy', 'Bob', 'Cy'].map((n) => world.patient([world.users.coach], { givenName: n })));
    const cafe = await createCafe(token, { capacity: 2 });
    const amyPlace = (await register(token, cafe, amy.id)).data!.registerPatientForPainCafe.id;
    const bobPlace = (await register(token, cafe, bob.id)).data!.registerPatientForPainCafe.id;
    const cyPlace = (await register(token, cafe, cy.id)).data!.registerPatientForPainCafe.id;
    const early = await gql(url(), ATTEND, { id: amyPlace, a: 'ATTENDED' }, token);
    expect([errorCode(early), early.errors![0].message]).toEqual(['CONFLICT', 'Attendance is recorded once the café has started.']);

    // The café took place last week (a fixture set in the database).
    await ownerQuery(`update pain_cafe set starts_at = now() - interval '7 days', ends_at = now() - interval '7 days' + interval '2 hours' where id = $1`, [cafe]);
    expect((await gql<{ recordPainCafeAttendance: { attendance: string } }>(url(), ATTEND, { id: amyPlace, a: 'ATTENDED' }, token)).data?.recordPainCafeAttendance.attendance).toBe('ATTENDED');
    expect((await gql(url(), ATTEND, { id: bobPlace, a: 'DID_NOT_ATTEND' }, token)).errors).toBeUndefined();
    expect(errorCode(await gql(url(), ATTEND, { id: cyPlace, a: 'ATTENDED' }, token))).toBe('CONFLICT');
    expect(errorCode(await gql(url(), ATTEND, { id: amyPlace, a: 'SOMETIMES' }, token))).toBe('BAD_USER_INPUT');
    // What happened, counted over the places held (Cy, still waiting, is neither).
    expect(await cafeView(token, cafe)).toMatchObject({ registeredCount: 2, attendedCount: 1, didNotAttendCount: 1 });
    expect(errorCode(await gql(url(), CANCEL_PLACE, { id: amyPlace }, token))).toBe('CONFLICT');

    const amyEvents = await kinds(token, amy.id);
    expect(amyEvents.map((e) => e.kind)).toEqual(['CAFE_ATTENDED', 'CAFE_REGISTERED']);
    expect(amyEvents[0]!.payload).toMatchObject({ cafeId: cafe, registrationId: amyPlace, title: 'Pain Café: pacing and sleep', corrected: false });
    expect((await kinds(token, bob.id)).map((e) => e.kind)).toEqual(['CAFE_DID_NOT_ATTEND', 'CAFE_REGISTERED']);
    const history = (await gql<{ patient: { painCafes: Array<{ status: string; attendance: string | null; cafe: { id: string } }> } }>(url(), PATIENT_CAFES, { id: amy.id }, token)).data!.patient.painCafes;
    expect(history).toEqual([{ status: 'REGISTERED', attendance: 'ATTENDED', waitlistPosition: null, cafe: { id: cafe, title: 'Pain Café: pacing and sleep' } }]);
    // Correcting it is another event, marked as a correction.
    await gql(url(), ATTEND, { id: amyPlace, a: 'DID_NOT_ATTEND' }, token);
    expect((await kinds(token, amy.id))[0]).toMatchObject({ kind: 'CAFE_DID_NOT_ATTEND', payload: { corrected: true } });
    // An outsider reads none of it.
    expect(errorCode(await gql(url(), PATIENT_CAFES, { id: amy.id }, await signInAs(url(), world.users.outsider)))).toBe('NOT_FOUND');

    // A café called off before it starts ends every place, invitation and wait, each on its patient's timeline.
    const next = await createCafe(token, { capacity: 1 });
    await register(token, next, amy.id);
    await register(token, next, bob.id);
    expect((await gql(url(), INVITE, { cafe: next, patient: cy.id }, token)).errors).toBeUndefined();
    expect((await cafeView(token, next)).places.map((p) => p.status)).toEqual(['REGISTERED', 'WAITLISTED', 'INVITED']);
    expect((await gql<{ cancelPainCafe: { status: string } }>(url(), CANCEL_CAFE, { id: next }, token)).data?.cancelPainCafe).toEqual({ status: 'CANCELLED', cancelReason: 'Venue flooded' });
    expect((await cafeView(token, next)).places.map((p) => p.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect((await kinds(token, cy.id))[0]).toMatchObject({ kind: 'CAFE_CANCELLED', payload: { cafeCancelled: true, previousStatus: 'INVITED', reason: 'Venue flooded' } });
    expect(errorCode(await register(token, next, amy.id))).toBe('CONFLICT');
  });

  it('a cancelled café is told to the coaches of every patient on it: with a place, waiting, or only invited', async () => {
    await fresh();
    const patientsCoach = await secondCoach();
    const [amy, bob, cy] = await Promise.all(['Amy', 'Bob', 'Cy'].map((n) => world.patient([patientsCoach], { givenName: n })));
    const coachToken = await signInAs(url(), patientsCoach);
    const cafe = await createCafe(await signInAs(url(), world.users.coach), { capacity: 1 });
    await register(coachToken, cafe, amy.id);
    await register(coachToken, cafe, bob.id);
    expect((await gql(url(), INVITE, { cafe, patient: cy.id }, coachToken)).errors).toBeUndefined();
    expect((await gql(url(), CANCEL_CAFE, { id: cafe }, await signInAs(url(), world.users.lead))).errors).toBeUndefined();
    const told = (await gql<{ myNotifications: Array<{ kind: string; patientId: string | null; title: string; body: string }> }>(url(), TEAM_NOTIFS, {}, coachToken)).data!.myNotifications.filter((n) => n.kind === 'CAFE_CANCELLED');
    expect(told.map((n) => n.patientId).sort()).toEqual([amy.id, bob.id, cy.id].sort());
    expect(told.find((n) => n.patientId === cy.id)).toMatchObject({ title: 'Pain Café: pacing and sleep is cancelled', body: `${cy.givenName} ${cy.familyName} was invited to it; please let them know. Venue flooded` });
  });
});
