import { MedicationWorklistsDocument, ViewerMayNavDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';
import { formatDateTime } from '../notifications/when.js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { EmptyState } from '../ui/empty-state.js';
import { Spinner } from '../ui/spinner.js';
import './medications.css';

const kindWords: Record<string, string> = { REDUCE: 'Reduce', STOP: 'Stop', SWITCH: 'Switch to', START: 'Start' };

/**
 * Medication changes awaiting your approval (as a GP) and the medication reviews due on patients you can see,
 * each list shown only to the roles the access policy gives it to (`viewerMay`).
 */
export function MedicationWorklistsPage(): JSX.Element {
  document.title = 'Medication reviews – Cairn';
  const [abilities] = createQuery({ query: ViewerMayNavDocument });
  const may = () => abilities.data?.viewerMay;
  const [result, refetch] = createQuery({ query: MedicationWorklistsDocument, requestPolicy: 'network-only' });
  // A proposal arriving, or withdrawn, changes what awaits this GP while the page is open.
  refreshOnNotifications(['MEDICATION_APPROVAL_REQUESTED', 'MEDICATION_CHANGE_WITHDRAWN'], () => refetch({ requestPolicy: 'network-only' }));
  const medicationLink = (patientId: string) => `/patients/${encodeURIComponent(patientId)}/medication`;
  return (
    // Inside the layout's own <main>: a second main landmark, and the page's padding twice, otherwise.
    <div class="indicators-page">
      <h1>Medication reviews</h1>
      <p class="muted">
        Cairn advises and records; it never prescribes. <Link href="/indicators">Prescribing indicators</Link> for your practice or PCN.
      </p>
      <Show when={result.error}>
        <Alert tone="error">{describeError(result.error!).message}</Alert>
      </Show>
      <Show when={result.data && may()} fallback={<Show when={!result.error}><Spinner label="Loading…" /></Show>}>
        <Show
          when={may()!.reviewMedication || may()!.decideMedicationChanges}
          fallback={
            <EmptyState title="No medication lists for you" headingLevel={2}>
              <p>GPs approve proposed medication changes; GPs, pain management practitioners and service leads keep the medication reviews due.</p>
            </EmptyState>
          }
        >
          <Show when={may()!.decideMedicationChanges}>
            <section aria-labelledby="awaiting-heading">
              <h2 id="awaiting-heading">Awaiting your approval</h2>
              <Show when={result.data!.medicationChangesAwaitingMyApproval.length > 0} fallback={<p class="muted">Nothing awaits your approval.</p>}>
                <ul class="medication-list">
                  <For each={result.data!.medicationChangesAwaitingMyApproval}>
                    {(p) => (
                      <li class="card worklist-item">
                        <Link href={medicationLink(p.patient.id)}>{p.patient.name}</Link>: {kindWords[p.kind] ?? p.kind} {p.medicineName}, proposed by {p.proposedBy.name}, {formatDateTime(p.proposedAt)}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
          </Show>
          <Show when={may()!.reviewMedication}>
            <section aria-labelledby="due-heading">
              <h2 id="due-heading">Reviews due</h2>
              <Show when={result.data!.medicationReviewsDue.length > 0} fallback={<p class="muted">No medication reviews are due.</p>}>
                <ul class="medication-list">
                  <For each={result.data!.medicationReviewsDue}>
                    {(r) => (
                      <li class="card worklist-item">
                        <Link href={medicationLink(r.patient.id)}>{r.patient.name}</Link>:{' '}
                        {r.nextReviewDue ? `due ${formatIsoDate(r.nextReviewDue)}` : 'on an opioid, never reviewed'}
                        {r.lastReviewedOn ? ` (last reviewed ${formatIsoDate(r.lastReviewedOn)})` : ''}
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
          </Show>
        </Show>
      </Show>
    </div>
  );
}
