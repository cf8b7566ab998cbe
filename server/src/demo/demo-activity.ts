import type { EntityManager } from '@mikro-orm/postgresql';
import * as Y from 'yjs';
import { relationshipOf } from '../access/policy.js';
import { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { createCarePlanDoc, goalMap, strategyMap } from '../care-plans/care-plan.doc.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';
import { postHandover } from '../handover/handover.service.js';
import { SpecialistLink } from '../access/specialist-link.entity.js';
import { seedDemoCafes } from '../pain-cafes/pain-cafes.demo.js';
import { startThread } from '../threads/thread.service.js';
import { demoUsers } from './demo-seed.js';
import { seedDemoReferrals } from './demo-referrals.js';
import { seedDemoHomes } from './demo-homes.js';
import { seedDemoRecordChanges } from './demo-record.js';

const requestId = 'demo-seed';

/**
 * Gives the demo service something to look at: care plans for the coach's first patients, a specialist's
 * handover awaiting the lead's acknowledgement, an URGENT one already past its time (so the service lead sees
 * an escalation), an MDT discussion mentioning the pain practitioner, the coaches' referrals and case finding
 * (demo-referrals.ts), what each role's home shows (demo-homes.ts), and the PCN's Pain Cafés (pain-cafes.demo.ts).
 * Written through the same services the API uses, so events, notifications and audit are real.
 */
export async function seedDemoActivity(em: EntityManager, carePlans: CarePlanStore): Promise<void> {
  const user = async (key: (typeof demoUsers)[number]['key']) =>
    em.findOneOrFail(User, { email: demoUsers.find((u) => u.key === key)!.email }, { populate: ['organisation'] });
  const [coach, specialist, pharm] = [await user('coach'), await user('specialist'), await user('pharm')];

  const led = await em.find(CareTeamMember, { user: coach.id, isLead: true }, { populate: ['patient', 'patient.practice'], orderBy: { patient: { familyName: 'asc' } }, limit: 3 });
  const patients = led.map((m) => m.patient);
  for (const [i, patient] of patients.entries()) {
    await carePlans.apply(patient.id, coach.id, demoPlanUpdate(i, coach.name), `demo-plan-${patient.id}`, requestId);
  }

  const link = await em.findOne(SpecialistLink, { service: specialist.organisation.id }, { populate: ['patient', 'patient.practice'], orderBy: { createdAt: 'asc' } });
  if (link) {
    const patient = link.patient;
    await postHandover(em, { actor: specialist, requestId }, patient, await relationshipOf(em, specialist, patient), {
      patientId: patient.id,
      summary: 'Pain clinic review: consider tapering pregabalin',
      advice: 'Reduce pregabalin by 75 mg every two weeks while monitoring mood and sleep. Continue the pacing work with the coach; a flare-up plan is advised before tapering starts.',
      urgency: 'SOON',
      sourceService: null,
      actions: [{ description: 'Agree a tapering schedule with the patient', assigneeId: null, dueDate: null }],
    });
    // Posted five hours ago and still unacknowledged: past the URGENT wait (4 hours by default), so the
    // escalation sweep's first run (within CAIRN_ESCALATION_SWEEP_MS of start) escalates it to the service lead.
    await postHandover(
      em,
      { actor: specialist, requestId },
      patient,
      await relationshipOf(em, specialist, patient),
      {
        patientId: patient.id,
        summary: 'New numbness in the left foot: needs a same-day GP review',
        advice: 'Reported at this morning’s clinic call. New numbness with back pain needs ruling out cauda equina: arrange a same-day GP review and tell the patient to call 999 if bladder or bowel control changes.',
        urgency: 'URGENT',
        sourceService: null,
        actions: [{ description: 'Arrange a same-day GP review', assigneeId: null, dueDate: null }],
      },
      { postedAt: new Date(Date.now() - 5 * 3600_000) },
    );
  }

  const [first] = patients;
  const teamHasPharm = first && (await em.count(CareTeamMember, { patient: first.id, user: pharm.id })) > 0;
  if (first) {
    await startThread(em, { actor: coach, requestId }, first, {
      title: 'Night-time pain and sleep',
      topic: 'MEDICATION',
      body: teamHasPharm
        ? `Sleep is the patient's main worry this month. @${pharm.name}, could we look at the timing of the evening dose at the next review?`
        : "Sleep is the patient's main worry this month. Could we look at the timing of the evening dose at the next review?",
      mentions: teamHasPharm ? [pharm.id] : [],
    });
  }
  await seedDemoHomes(em, specialist, pharm);
  await seedDemoReferrals(em);
  await seedDemoRecordChanges(em);
  await seedDemoCafes(em, coach, await user('coach2'));
}

/** A plan a coach might write after a first session, as one Yjs update on top of the initial state. */
function demoPlanUpdate(variant: number, coachName: string): Uint8Array {
  const doc = createCarePlanDoc();
  const before = Y.encodeStateVector(doc);
  const walks = ['walk to the allotment', 'play with my grandchildren', 'get back to swimming'][variant % 3];
  doc.transact(() => {
    doc.getText('whatMatters').insert(0, `I want to ${walks} without paying for it for days afterwards. Sleeping through the night matters most to me.`);
    doc.getArray('goals').push([
      goalMap({
        id: `goal-${variant}-1`,
        what: `Be able to ${walks} twice a week`,
        why: 'It is what makes a week feel normal',
        measure: 'Minutes of activity without a flare the next day',
        targetDate: '2027-03-01',
        status: 'ACTIVE',
        checkIns: [
          { date: '2026-10-02', rating: 3, note: 'First week of pacing' },
          { date: '2026-10-23', rating: 4, note: 'Managed two short walks' },
          { date: '2026-11-13', rating: 6, note: 'Steadier; one small flare' },
        ],
      }),
    ]);
    doc.getArray('strategies').push([
      strategyMap({ id: `strategy-${variant}-1`, category: 'ACTIVITY_PACING', what: 'Break activity into 10-minute blocks with rests', howOften: 'Daily', suggestedBy: coachName }),
      strategyMap({ id: `strategy-${variant}-2`, category: 'BREATHING', what: 'Slow breathing, 4 in and 6 out, when pain rises', howOften: 'As needed', suggestedBy: coachName }),
      strategyMap({ id: `strategy-${variant}-3`, category: 'SLEEP', what: 'Same wake-up time every day; no screens after 10pm', howOften: 'Nightly', suggestedBy: coachName }),
    ]);
    const flareUp = doc.getMap('flareUp');
    (flareUp.get('warningSigns') as Y.Text).insert(0, 'Stiffness on waking that lasts past mid-morning; poor sleep two nights running.');
    (flareUp.get('whatHelps') as Y.Text).insert(0, 'Heat, gentle stretches, halving activity for two days rather than stopping.');
    (flareUp.get('whatToAvoid') as Y.Text).insert(0, 'Long car journeys; catching up on chores on a good day.');
    (flareUp.get('whoToContact') as Y.Text).insert(0, 'The coach in working hours; NHS 111 out of hours.');
    doc.getText('medication').insert(0, 'Paracetamol 1 g up to four times a day. Review pregabalin with the pain management practitioner.');
    // One review already due, so the caseload's "review due" filter has someone to show.
    doc.getMap('review').set('nextReviewDate', daysFromToday([-7, 14, 42][variant % 3]));
  });
  return Y.encodeStateAsUpdate(doc, before);
}

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
