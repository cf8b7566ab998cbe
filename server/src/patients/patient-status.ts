import { PatientStatus } from './patient.entity.js';

/** What the record says that a status change by hand depends on. */
export interface StatusFacts {
  /** A referral into the coaching programme is waiting to be triaged. */
  referralAwaitingTriage: boolean;
  /** An accepted referral's episode is open (the patient is on the coaching programme). */
  openEpisode: boolean;
  /** Coaching sessions are still booked. */
  bookedSessions: number;
}

export type StatusChangeCheck = { ok: true } | { ok: false; code: 'UNCHANGED' | 'NOT_ALLOWED'; message: string };

const words: Record<PatientStatus, string> = { REFERRED: 'Referred', ACTIVE: 'Active', DISCHARGED: 'Discharged' };

/**
 * Whether a status may be changed by hand from `from` to `to`. The programme's own paths keep their
 * steps: a referral is triaged (which assigns a coach), a patient on the programme is discharged with a
 * signed summary to their GP, a discharged patient returns through a new referral. A change by hand is
 * for what those paths do not cover: starting or closing the care of a patient registered without a
 * referral, or closing the care of an active patient who is not on the coaching programme.
 */
export function checkStatusChange(from: PatientStatus, to: PatientStatus, facts: StatusFacts): StatusChangeCheck {
  const no = (message: string): StatusChangeCheck => ({ ok: false, code: 'NOT_ALLOWED', message });
  if (from === to) return { ok: false, code: 'UNCHANGED', message: `The patient is already ${words[to]}: nothing to change.` };
  if (from === PatientStatus.DISCHARGED) {
    return no('A discharged patient comes back through a new referral, which starts a new episode: use Refer on the Referrals tab.');
  }
  if (to === PatientStatus.REFERRED) {
    return no('A patient becomes Referred through a referral into the programme: use Refer on the Referrals tab.');
  }
  if (facts.referralAwaitingTriage) {
    return no(
      to === PatientStatus.ACTIVE
        ? 'A referral is waiting to be triaged: accepting it on the Referrals screen makes the patient Active and assigns their coach.'
        : 'A referral is waiting to be triaged: decline it on the Referrals screen, with the reason, rather than discharging the patient.',
    );
  }
  if (to === PatientStatus.DISCHARGED && (facts.openEpisode || facts.bookedSessions > 0)) {
    return no(
      'The patient is on the coaching programme: discharge them on the Sessions tab, with the summary signed and sent to their GP (booked sessions are cancelled there).',
    );
  }
  return { ok: true };
}

export function statusWords(status: PatientStatus): string {
  return words[status];
}
