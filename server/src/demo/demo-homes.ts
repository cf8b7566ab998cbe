import type { EntityManager } from '@mikro-orm/postgresql';
import { relationshipOf } from '../access/policy.js';
import { SpecialistLink } from '../access/specialist-link.entity.js';
import type { User } from '../auth/user.entity.js';
import { CareTeamMember } from '../care-teams/care-team-member.entity.js';
import { acknowledgeHandover, postHandover } from '../handover/handover.service.js';
import { addMedication } from '../medications/medication.service.js';

const requestId = 'demo-seed';

/**
 * Something for each role's home on first start, beyond the escalation demo-activity.ts sets up: a handover
 * the specialist sent that the care team acknowledged (by whom, when, with a reply), with an action for the
 * pain management practitioner; and opioids never reviewed on two of the practitioner's patients, so their
 * medication reviews are due. Through the services the API uses.
 */
export async function seedDemoHomes(em: EntityManager, specialist: User, pharm: User): Promise<void> {
  const links = await em.find(SpecialistLink, { service: specialist.organisation.id }, { populate: ['patient', 'patient.practice'], orderBy: { createdAt: 'asc', id: 'asc' } });
  const pharmTeams = new Set((await em.find(CareTeamMember, { user: pharm.id }, { populate: ['patient'] })).map((m) => m.patient.id));
  // Not the patient demo-activity.ts posts its escalation for (the first link): one the practitioner also cares for.
  const shared = links.slice(1).find((l) => pharmTeams.has(l.patient.id))?.patient;
  if (shared) {
    const note = await postHandover(em, { actor: specialist, requestId }, shared, await relationshipOf(em, specialist, shared), {
      patientId: shared.id,
      summary: 'Clinic letter: sleep hygiene and evening dose timing',
      advice: 'Seen in the persistent pain clinic. Sleep is the main driver of the flare-ups: keep the wake-up time fixed and move the evening analgesia earlier. No change to the regime otherwise.',
      urgency: 'ROUTINE',
      sourceService: null,
      actions: [{ description: 'Review the timing of the evening dose at the next medication review', assigneeId: pharm.id, dueDate: daysFromToday(10) }],
    });
    const lead = await em.findOne(CareTeamMember, { patient: shared.id, isLead: true }, { populate: ['user', 'user.organisation'] });
    if (lead) await acknowledgeHandover(em, { actor: lead.user, requestId }, note, shared, 'Thank you: discussed with the patient, who will try the earlier dose from Monday.');
  }

  const opioidPatients = [...pharmTeams].slice(0, 2);
  for (const [i, patientId] of opioidPatients.entries()) {
    const member = await em.findOneOrFail(CareTeamMember, { patient: patientId, user: pharm.id }, { populate: ['patient', 'patient.practice'] });
    await addMedication(em, { actor: pharm, requestId }, member.patient, {
      patientId,
      medicineCode: i === 0 ? 'codeine' : 'tramadol',
      form: 'tablet',
      strength: i === 0 ? '30 mg tablets' : '50 mg tablets',
      dose: i === 0 ? 30 : 50,
      frequency: 'four times daily',
      startDate: daysFromToday(-200),
      prescriber: 'Dr Tom Reilly',
    });
  }
}

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
