import { PatientReferralsDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { describeError } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Spinner } from '../ui/spinner.js';
import { ReferralCard } from './referral-card.js';
import './referrals.css';

/** A patient's referrals into the coaching programme, newest first: every episode stays readable. */
export function ReferralsTab(props: { patientId: string; canRefer: boolean }): JSX.Element {
  const [result] = createQuery({ query: PatientReferralsDocument, variables: () => ({ patientId: props.patientId }), requestPolicy: 'cache-and-network' });
  return (
    <div class="referrals-page">
      <Show when={props.canRefer}>
        <p>
          <Link href="/referrals/new">Refer to health &amp; wellbeing coaching</Link>
        </p>
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
