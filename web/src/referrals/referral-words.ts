import type { ContactMethod, ReferralSource, ReferralStatus } from '@cairn/schema/operations';

export const sourceWords: Record<ReferralSource, string> = {
  GP: 'GP',
  FCP: 'First Contact Physiotherapist',
  PAIN_PRACTITIONER: 'Pain management practitioner',
  SPECIALIST_SERVICE: 'Specialist pain service',
  SELF: 'Self-referral',
  PROACTIVE_INVITATION: 'Accepted an invitation',
};

export const statusWords: Record<ReferralStatus, string> = {
  RECEIVED: 'Awaiting triage',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  REDIRECTED: 'Redirected',
};

export const contactWords: Record<ContactMethod, string> = {
  PHONE: 'Phone',
  SMS: 'Text message',
  EMAIL: 'Email',
  LETTER: 'Letter',
  VIDEO: 'Video call',
};

/** Accessibility needs in a short list of words ("Interpreter: Polish", "Large print"). */
export function accessibilityWords(r: { interpreterLanguage?: string | null; hearingSupport: boolean; largePrint: boolean; accessibilityNotes?: string | null }): string[] {
  return [
    r.interpreterLanguage ? `Interpreter: ${r.interpreterLanguage}` : '',
    r.hearingSupport ? 'Hearing support' : '',
    r.largePrint ? 'Large print' : '',
    r.accessibilityNotes ?? '',
  ].filter(Boolean);
}
