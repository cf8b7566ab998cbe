import { PatientMedicationDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { ADVISES_NEVER_PRESCRIBES, formatMg, ukToday } from './medication-access.js';
import './medications.css';

/** Every step's day has come: the plan has nothing left to start (it stays until a newer plan replaces it). */
const finished = (steps: ReadonlyArray<{ startDate: string }>) => steps.length > 0 && steps.every((s) => s.startDate <= ukToday());

/**
 * The medication changes a GP has approved, read-only, for the care plan's medication section. Proposals
 * awaiting approval or declined are not shown: a taper is not part of the plan until a GP approves it.
 */
export function ApprovedTapers(props: { patientId: string }): JSX.Element {
  const [result, refetch] = createQuery({ query: PatientMedicationDocument, variables: () => ({ patientId: props.patientId }) });
  followPatientEvents(
    () => props.patientId,
    (e) => {
      if (e.kind.startsWith('MEDICATION_CHANGE') || e.kind.startsWith('TAPER_')) refetch({ requestPolicy: 'network-only' });
    },
    () => refetch({ requestPolicy: 'network-only' }),
  );
  const approved = () => (result.data?.patientMedication.proposals ?? []).filter((p) => p.status === 'APPROVED' || p.status === 'PAUSED');
  return (
    <Show when={approved().length > 0}>
      <div class="approved-tapers" aria-label="Medication changes approved by a GP">
        <h4>Approved medication changes</h4>
        <p class="muted approved-tapers__note">{ADVISES_NEVER_PRESCRIBES}</p>
        <For each={approved()}>
          {(p) => (
            <div class="approved-taper">
              <p>
                <strong>{p.medicineName}</strong>: approved by {p.decidedBy?.name ?? 'a GP'}
                {p.status === 'PAUSED' ? ` — paused: ${p.pauseReason ?? ''}` : ''}
                {p.status === 'APPROVED' && finished(p.steps) ? ` — every step has begun, the last on ${formatIsoDate(p.steps.at(-1)!.startDate)}` : ''}
              </p>
              <ol class="taper-steps-list">
                <For each={p.steps}>
                  {(s) => (
                    <li>
                      From {formatIsoDate(s.startDate)}: {s.words}
                      {s.omeMgPerDay > 0 ? ` (${formatMg(s.omeMgPerDay)} oral morphine a day)` : ''}
                      {s.increases ? ' — an increase' : ''}
                    </li>
                  )}
                </For>
              </ol>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}
