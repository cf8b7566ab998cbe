import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { User } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { may } from './policy.js';

/** What the signed-in user may do that is not about one patient, from `may` in policy.ts: the web shows entry points from this. */
@ObjectType({ description: 'What you may do beyond any one patient, as the access policy decides.' })
export class ViewerAbilities {
  @Field(() => Boolean, { description: 'Register a new patient (Add patient).' })
  createPatient!: boolean;

  @Field(() => Boolean, { description: "Work with patients through their care teams: the handover inbox, referrals (everyone but administrators)." })
  workWithPatients!: boolean;

  @Field(() => Boolean, { description: 'Keep a diary of coaching sessions (coaches).' })
  keepDiary!: boolean;

  @Field(() => Boolean, { description: "See coaches' capacity: your own (a coach), or every coach of your PCN (a service lead)." })
  viewCapacity!: boolean;

  @Field(() => Boolean, { description: 'See the service dashboard (service leads: their PCN; coaches: their caseload).' })
  readServiceDashboard!: boolean;

  @Field(() => Boolean, { description: "Arrange your PCN's Pain Cafés (coaches and service leads)." })
  arrangePainCafes!: boolean;

  @Field(() => Boolean, { description: 'Use the medication worklists and prescribing indicators (GPs, pain management practitioners, service leads).' })
  reviewMedication!: boolean;

  @Field(() => Boolean, { description: 'Decide proposed medication changes for your care teams\' patients, so have a list awaiting your approval (GPs).' })
  decideMedicationChanges!: boolean;

  @Field(() => Boolean, { description: 'Read the audit view (service leads: their remit; administrators: all).' })
  readAuditView!: boolean;
}

function abilitiesOf(actor: User): ViewerAbilities {
  return {
    createPatient: may.createPatient(actor),
    workWithPatients: may.workWithPatients(actor),
    keepDiary: may.viewCoachDiary(actor, actor),
    viewCapacity: may.viewPcnCapacity(actor) || may.viewCoachDiary(actor, actor),
    readServiceDashboard: may.readServiceDashboard(actor),
    arrangePainCafes: may.managePainCafes(actor, actor.organisation.pcnId),
    reviewMedication: may.reviewMedication(actor),
    decideMedicationChanges: may.decideMedicationChanges(actor),
    readAuditView: may.readAuditView(actor),
  };
}

const nothing: ViewerAbilities = {
  createPatient: false,
  workWithPatients: false,
  keepDiary: false,
  viewCapacity: false,
  readServiceDashboard: false,
  arrangePainCafes: false,
  reviewMedication: false,
  decideMedicationChanges: false,
  readAuditView: false,
};

@Resolver()
export class ViewerAbilitiesResolver {
  @Query(() => ViewerAbilities, { description: 'What you may do beyond any one patient; everything false when signed out or deactivated.' })
  viewerMay(@Ctx() ctx: Context): ViewerAbilities {
    const actor = ctx.actor;
    return actor && actor.active ? abilitiesOf(actor) : nothing;
  }
}
