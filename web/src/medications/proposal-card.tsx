import {
  DecideMedicationChangeDocument,
  PauseTaperDocument,
  RecordPatientAgreementDocument,
  ResumeTaperDocument,
  WithdrawMedicationChangeDocument,
  type MedicationDecision,
  type PatientMedicationQuery,
} from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge, type BadgeTone } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { TextArea } from '../ui/text-area.js';
import { formatMg } from './medication-access.js';
import { isStepProblem, stepsInput, TaperStepsEditor, type StepDraft } from './taper-steps-editor.js';

type Proposal = PatientMedicationQuery['patientMedication']['proposals'][number];

const statusWords: Record<Proposal['status'], [string, BadgeTone]> = {
  AWAITING_APPROVAL: ['Awaiting GP approval', 'warning'],
  APPROVED: ['Approved by GP', 'success'],
  DECLINED: ['Declined', 'muted'],
  PAUSED: ['Paused', 'info'],
  WITHDRAWN: ['Withdrawn', 'muted'],
  REPLACED: ['Replaced by a newer plan', 'muted'],
};
/** No longer in play: nothing more can be recorded against it. */
const ended = (status: Proposal['status']) => status === 'DECLINED' || status === 'WITHDRAWN' || status === 'REPLACED';
const kindWords: Record<Proposal['kind'], string> = { REDUCE: 'Reduce', STOP: 'Stop', SWITCH: 'Switch to', START: 'Start' };
/** What a running plan is called when it is paused or resumed: a switch is no taper. */
const planNoun: Record<Proposal['kind'], string> = { REDUCE: 'taper', STOP: 'taper', SWITCH: 'switch', START: 'plan' };

/** One proposed change: its steps with the OME at each, who proposed and decided, and what can be done next. */
export function ProposalCard(props: { proposal: Proposal; canManage: boolean; canPropose: boolean; canDecide: boolean; onChanged(): void }): JSX.Element {
  const p = () => props.proposal;
  const [comment, setComment] = createSignal('');
  const [pauseReason, setPauseReason] = createSignal('');
  const [withdrawReason, setWithdrawReason] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  // The GP's amendment starts from the steps as proposed.
  const [amending, setAmending] = createSignal(false);
  const [amended, setAmended] = createSignal<StepDraft[]>([]);
  const startAmending = () => {
    setAmended(p().steps.map((s) => ({ startDate: s.startDate, dose: String(s.dose), frequency: s.frequency, increase: s.increases })));
    setProblem(null);
    setAmending(true);
  };
  const [deciding, decide] = createMutation(DecideMedicationChangeDocument);
  const [, agree] = createMutation(RecordPatientAgreementDocument);
  const [, pause] = createMutation(PauseTaperDocument);
  const [, resume] = createMutation(ResumeTaperDocument);
  const [withdrawing, withdraw] = createMutation(WithdrawMedicationChangeDocument);
  const pauseId = createUniqueId();
  const withdrawId = createUniqueId();

  const run = async (result: Promise<{ error?: Parameters<typeof describeError>[0] | undefined }>) => {
    const r = await result;
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    props.onChanged();
  };
  const onDecide = (decision: MedicationDecision) =>
    run(decide({ input: { proposalId: p().id, decision, comment: comment().trim() || null, steps: decision === 'AMEND' ? stepsInput(amended()) : null } }));

  return (
    <article class="card proposal-card" aria-labelledby={`proposal-${p().id}`}>
      <div class="proposal-card__head">
        <h4 id={`proposal-${p().id}`}>
          {kindWords[p().kind]} {p().medicineName}
        </h4>
        <Badge tone={statusWords[p().status][1]}>{statusWords[p().status][0]}</Badge>
      </div>
      <p>{p().rationale}</p>
      <p class="muted">
        Proposed by {p().proposedBy.name}, {formatDateTime(p().proposedAt)}
      </p>
      <div class="table-wrap">
        <table class="medication-table">
          <caption class="visually-hidden">Steps of the proposed change</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Dose</th>
              <th scope="col">OME a day</th>
            </tr>
          </thead>
          <tbody>
            <For each={p().steps}>
              {(s) => (
                <tr>
                  <td>{formatIsoDate(s.startDate)}</td>
                  <td>
                    {s.words}
                    <Show when={s.increases}>
                      {' '}
                      <Badge tone="warning">Increase</Badge>
                    </Show>
                  </td>
                  <td>{formatMg(s.omeMgPerDay)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={p().decidedBy}>
        <p>
          {p().status === 'DECLINED' ? 'Declined' : p().amended ? 'Amended and approved' : 'Approved'} by {p().decidedBy!.name}
          {p().decisionComment ? `: “${p().decisionComment}”` : ''}
        </p>
      </Show>
      <Show when={p().status === 'WITHDRAWN'}>
        <p>
          Withdrawn by {p().endedBy?.name ?? 'a practitioner'}
          {p().endedAt ? `, ${formatDateTime(p().endedAt!)}` : ''}: “{p().withdrawalReason}”
        </p>
      </Show>
      <Show when={p().status === 'REPLACED'}>
        <p>
          Ended {p().endedAt ? formatDateTime(p().endedAt!) : ''} when {p().endedBy?.name ?? 'a GP'} approved a newer plan for {p().medicineName}.
        </p>
      </Show>
      <Show when={p().replaces}>
        {(r) => (
          <Alert tone="info">
            Approving this ends the plan for {p().medicineName} now in force{r().status === 'PAUSED' ? ' (paused)' : ''}, approved by {r().decidedBy?.name ?? 'a GP'}
            {r().decidedAt ? ` on ${formatDateTime(r().decidedAt!)}` : ''}.
          </Alert>
        )}
      </Show>
      <Show when={p().patientAgreedAt}>
        <p>Patient agreed {formatDateTime(p().patientAgreedAt!)}{p().patientAgreementNote ? `: “${p().patientAgreementNote}”` : ''}</p>
      </Show>
      <Show when={p().status === 'PAUSED'}>
        <p>Paused: {p().pauseReason}</p>
      </Show>
      <Show when={problem() && !isStepProblem(problem()) && problem()!.field !== 'comment'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <Show when={props.canDecide && p().status === 'AWAITING_APPROVAL'}>
        <div class="proposal-card__decide">
          <Show when={amending()}>
            <TaperStepsEditor steps={amended()} onChange={setAmended} problem={problem()} />
          </Show>
          <TextArea label="Your comment (needed to amend or decline)" rows={2} value={comment()} onInput={setComment} error={problem()?.field === 'comment' ? problem()!.message : undefined} />
          <div class="medication-form__buttons">
            <Show
              when={amending()}
              fallback={
                <>
                  <Button busy={deciding.fetching} onClick={() => void onDecide('APPROVE')}>
                    Approve
                  </Button>
                  <Button variant="secondary" onClick={startAmending}>
                    Amend the steps
                  </Button>
                  <Button variant="secondary" busy={deciding.fetching} onClick={() => void onDecide('DECLINE')}>
                    Decline
                  </Button>
                </>
              }
            >
              <Button busy={deciding.fetching} onClick={() => void onDecide('AMEND')}>
                Approve with these steps
              </Button>
              <Button variant="secondary" onClick={() => (setAmending(false), setProblem(null))}>
                Keep the steps as proposed
              </Button>
            </Show>
          </div>
        </div>
      </Show>
      {/* A GP deciding it declines it rather than withdrawing it; withdrawing is for those who propose. */}
      <Show when={props.canPropose && !props.canDecide && p().status === 'AWAITING_APPROVAL'}>
        <div class="proposal-card__inline-field">
          <div class="field">
            <label class="field__label" for={withdrawId}>
              Withdraw it before the GP decides, saying why
            </label>
            <input class="field__input" id={withdrawId} value={withdrawReason()} onInput={(e) => setWithdrawReason(e.currentTarget.value)} />
          </div>
          <Button variant="secondary" busy={withdrawing.fetching} onClick={() => void run(withdraw({ proposalId: p().id, reason: withdrawReason() }))}>
            Withdraw
          </Button>
        </div>
      </Show>
      <Show when={props.canManage && !ended(p().status)}>
        <div class="medication-form__buttons">
          <Show when={!p().patientAgreedAt}>
            <Button variant="secondary" onClick={() => void run(agree({ proposalId: p().id, note: null }))}>
              Record the patient's agreement
            </Button>
          </Show>
          <Show when={p().status === 'PAUSED'}>
            <Button variant="secondary" onClick={() => void run(resume({ proposalId: p().id }))}>
              Resume the {planNoun[p().kind]}
            </Button>
          </Show>
        </div>
        <Show when={p().status === 'APPROVED'}>
          <div class="proposal-card__inline-field">
            <div class="field">
              <label class="field__label" for={pauseId}>
                Flare-up? Pause the {planNoun[p().kind]}, saying why
              </label>
              <input class="field__input" id={pauseId} value={pauseReason()} onInput={(e) => setPauseReason(e.currentTarget.value)} />
            </div>
            <Button variant="secondary" onClick={() => void run(pause({ proposalId: p().id, reason: pauseReason() }))}>
              Pause
            </Button>
          </div>
        </Show>
      </Show>
    </article>
  );
}
