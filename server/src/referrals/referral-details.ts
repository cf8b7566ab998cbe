import { badInput } from '../platform/errors.js';
import { optionalText, requireText } from '../platform/validate.js';
import { ContactMethod, type Referral } from './referral.entity.js';
import type { ReferralDetailsInput } from './referral.types.js';

/** A referral's details, checked and trimmed: every rule here runs before anything is stored. */
export type ReferralDetails = Pick<
  Referral,
  'reason' | 'wantsHelpWith' | 'consentToContact' | 'contactMethod' | 'contactTimes' | 'interpreterLanguage' | 'hearingSupport' | 'largePrint' | 'accessibilityNotes'
> & { conditions: string[] | null };

export function checkReferralDetails(input: ReferralDetailsInput): ReferralDetails {
  // Without the patient's agreement the service may not contact them, so there is nothing to refer.
  if (input.consentToContact !== true) throw badInput('consentToContact', 'Ask the patient first: a referral needs their consent to be contacted by the coaching service.');
  if (!Object.values(ContactMethod).includes(input.contactMethod)) throw badInput('contactMethod', 'Choose how the patient prefers to be contacted.');
  const interpreterLanguage = input.interpreterNeeded ? requireText('interpreterLanguage', input.interpreterLanguage ?? '', 80) : null;
  if (!input.interpreterNeeded && input.interpreterLanguage?.trim()) throw badInput('interpreterLanguage', 'A language is given but no interpreter is asked for; tick "needs an interpreter" or clear the language.');
  const conditions = input.conditions ? input.conditions.map((c) => requireText('conditions', c, 80, 'each condition')) : null;
  if (conditions && conditions.length > 20) throw badInput('conditions', 'List at most 20 conditions.');
  return {
    reason: requireText('reason', input.reason, 2000, 'the reason for referral'),
    wantsHelpWith: requireText('wantsHelpWith', input.wantsHelpWith, 2000, 'what the patient wants help with'),
    consentToContact: true,
    contactMethod: input.contactMethod,
    contactTimes: optionalText('contactTimes', input.contactTimes, 200, 'the best times to contact'),
    interpreterLanguage,
    hearingSupport: input.hearingSupport === true,
    largePrint: input.largePrint === true,
    accessibilityNotes: optionalText('accessibilityNotes', input.accessibilityNotes, 1000, 'the other needs'),
    conditions: conditions ? [...new Set(conditions)] : null,
  };
}
