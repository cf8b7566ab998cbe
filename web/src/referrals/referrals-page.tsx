import { MyReferralsDocument, ReferralWaitingListDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { formatIsoDate } from '../platform/dates.js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';
import { describeError } from '../platform/errors.js';
import { Link, searchParams } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Spinner } from '../ui/spinner.js';
import { ReferralCard } from './referral-card.js';
import { statusWords } from './referral-words.js';
import { TriageControls } from './triage-controls.js';
import { ProgrammeNav } from './programme-nav.js';
import './referrals.css';

/** Referrals: the PCN's waiting list with triage (coaches and service leads), and the referrals you made. */
export function ReferralsPage(): JSX.Element {
  document.title = 'Referrals – Cairn';
  const session = useSession();
  const role = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user.role : null;
  };
  const triages = () => role() === 'COACH' || role() === 'SERVICE_LEAD';
  return (
    <div class="referrals-page">
      <ProgrammeNav />
      <div class="page-heading">
        <h1>Referrals</h1>
        <Link href="/referrals/new" class="button button--primary">
          Refer a patient
        </Link>
      </div>
      <Show when={searchParams().get('sent')}>
        <Alert tone="success">Referral sent. You will be told when it has been triaged.</Alert>
      </Show>
      <Show when={triages()}>
        <WaitingListSection />
      </Show>
      <MyReferralsSection />
    </div>
  );
}

function WaitingListSection(): JSX.Element {
  const [list, refetch] = createQuery({ query: ReferralWaitingListDocument, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  // A referral made, or triaged by a colleague, reaches every triager as a notification: follow them (hazard REF-09).
  refreshOnNotifications(['REFERRAL_RECEIVED', 'REFERRAL_TRIAGED', 'REFERRAL_ASSIGNED'], reload);
  return (
    <section aria-labelledby="waiting-heading" class="referrals-section">
      <h2 id="waiting-heading">Waiting list</h2>
      <Show when={list.error}>
        <Alert tone="error">{describeError(list.error!).message}</Alert>
      </Show>
      <Show when={list.data} fallback={<Show when={!list.error}><Spinner label="Loading the waiting list…" /></Show>}>
        {(d) => (
          <>
            <p class="muted">
              Referrals not yet triaged and accepted patients not yet seen, oldest first. Waits are in working days; a wait of {d().referralWaitingList.breachWeeks} weeks from
              referral is flagged as a breach (the NHS referral-to-treatment standard).
            </p>
            <ol class="referral-list">
              <For each={d().referralWaitingList.entries} fallback={<li class="muted">Nobody is waiting.</li>}>
                {(e) => (
                  <li>
                    <ReferralCard
                      referral={e.referral}
                      aside={
                        <p class="wait">
                          <Badge tone={e.stage === 'AWAITING_TRIAGE' ? 'info' : 'neutral'}>{e.stage === 'AWAITING_TRIAGE' ? 'Awaiting triage' : `Accepted, not yet seen${e.referral.assignedCoach ? ` (${e.referral.assignedCoach.name})` : ''}`}</Badge>{' '}
                          <span class="wait__days">
                            Waited {e.waitedWorkingDays} working {e.waitedWorkingDays === 1 ? 'day' : 'days'}
                          </span>{' '}
                          <Show when={e.breached} fallback={<span class="muted">breach on {formatIsoDate(e.breachOn)}</span>}>
                            <Badge tone="warning">Breach: over {d().referralWaitingList.breachWeeks} weeks</Badge>
                          </Show>
                        </p>
                      }
                    >
                      <Show when={e.stage === 'AWAITING_TRIAGE' && e.referral.patient.viewerCan.triageReferral}>
                        <TriageControls referralId={e.referral.id} patientName={e.referral.patient.name} onTriaged={reload} />
                      </Show>
                    </ReferralCard>
                  </li>
                )}
              </For>
            </ol>
          </>
        )}
      </Show>
    </section>
  );
}

function MyReferralsSection(): JSX.Element {
  const [mine, refetch] = createQuery({ query: MyReferralsDocument, requestPolicy: 'cache-and-network' });
  refreshOnNotifications(['REFERRAL_TRIAGED'], () => refetch({ requestPolicy: 'network-only' }));
  return (
    <section aria-labelledby="mine-heading" class="referrals-section">
      <h2 id="mine-heading">Referrals you made</h2>
      <Show when={mine.data} fallback={<Show when={!mine.error} fallback={<Alert tone="error">{describeError(mine.error!).message}</Alert>}><Spinner label="Loading…" /></Show>}>
        {(d) => (
          <Show when={d().myReferrals.length > 0} fallback={<p class="muted">You have not referred anyone yet.</p>}>
            <ul class="referral-list referral-list--compact">
              <For each={d().myReferrals}>
                {(r) => (
                  <li class="card mine">
                    <strong>{r.patient.name}</strong> <Badge tone={r.status === 'ACCEPTED' ? 'success' : r.status === 'RECEIVED' ? 'info' : 'muted'}>{statusWords[r.status]}</Badge>
                    <span class="muted">
                      {' '}
                      {r.assignedCoach ? `Coach: ${r.assignedCoach.name}` : r.declineReason ?? (r.redirectedTo ? `Redirected to ${r.redirectedTo}` : '')}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}
