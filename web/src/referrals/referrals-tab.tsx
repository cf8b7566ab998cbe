import { PatientReferralsDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { describeError } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Spinner } from '../ui/spinner.js';
import { ReferralCard } from './referral-card.js';
import './referrals.css';

type Patient = Pick<NonNullable<PatientWorkspaceQuery['patient']>, 'id' | 'status' | 'viewerCan'>;

/**
 * A patient's referrals into the coaching programme, newest first: every episode stays readable. A new
 * referral is offered only when one could be made (the server would refuse the rest), and opens the form
 * with the patient already chosen.
 */
export function ReferralsTab(props: { patient: Patient }): JSX.Element {
  const [result] = createQuery({ query: PatientReferralsDocument, variables: () => ({ patientId: props.patient.id }), requestPolicy: 'cache-and-network' });
  const whyNoReferral = () => {
    if (props.patient.status === 'ACTIVE') return 'On the programme: no referral needed.';
    if (result.data?.patientReferrals.some((r) => r.status === 'RECEIVED')) return 'A referral awaits triage: no new referral needed.';
    return null;
  };
  return (
    <div class="referrals-page">
      <Show when={props.patient.viewerCan.refer && result.data}>
        <Show when={whyNoReferral()} fallback={<p><Link href={`/referrals/new?patient=${encodeURIComponent(props.patient.id)}`}>Refer to health &amp; wellbeing coaching</Link></p>}>
          {(why) => <p class="muted">{why()}</p>}
        </Show>
      </Show>
      <Show when={result.error}>
        <Alert tone="error">{describeError(result.error!).message}</Alert>
      </Show>
      <Show when={result.data} fallback={<Show when={!result.error}><Spinner label="Loading referrals…" /></Show>}>
        {(d) => (
          <ol class="referral-list">
            <For each={d().patientReferrals} fallback={<li class="muted">No referrals into the coaching programme yet.</li>}>
              {(r) => (
                <li>
                  <ReferralCard referral={r}>
                    <Show when={r.episodeEndedAt}>
                      <p class="muted">Episode ended {formatDateTime(r.episodeEndedAt!)}</p>
                    </Show>
                  </ReferralCard>
                </li>
              )}
            </For>
          </ol>
        )}
      </Show>
    </div>
  );
}
