import { PcnCoachesDocument, TriageReferralDocument, type TriageOutcome } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { focusFirstInvalid } from '../ui/focus-first-invalid.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';

/** Accept (with a coach), decline (with a reason) or redirect (to a named service), inline on the waiting list. */
export function TriageControls(props: { referralId: string; patientName: string; onTriaged(): void }): JSX.Element {
  const [coaches] = createQuery({ query: PcnCoachesDocument });
  const [outcome, setOutcome] = createSignal<TriageOutcome | null>(null);
  const [coachId, setCoachId] = createSignal('');
  const [text, setText] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, triage] = createMutation(TriageReferralDocument);
  const coachOptions = () => [{ value: '', label: 'Choose a coach…' }, ...(coaches.data?.colleagues ?? []).map((u) => ({ value: u.id, label: u.name }))];
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  let form: HTMLFormElement | undefined;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const chosen = outcome();
    if (!chosen) return;
    const input = { referralId: props.referralId, outcome: chosen, coachId: chosen === 'ACCEPT' ? coachId() || null : null, reason: chosen === 'DECLINE' ? text() : null, redirectTo: chosen === 'REDIRECT' ? text() : null };
    const r = await triage({ input });
    if (r.error) {
      setProblem(describeError(r.error));
      return focusFirstInvalid(form);
    }
    setProblem(null);
    props.onTriaged();
  };
  const choose = (o: TriageOutcome) => {
    setOutcome(o);
    setText('');
    setProblem(null);
  };

  return (
    <form ref={form} class="triage" onSubmit={(e) => void submit(e)} aria-label={`Triage the referral of ${props.patientName}`}>
      <div class="triage__choices" role="group" aria-label="Outcome">
        <Button variant={outcome() === 'ACCEPT' ? 'primary' : 'secondary'} aria-pressed={outcome() === 'ACCEPT'} onClick={() => choose('ACCEPT')}>
          Accept
        </Button>
        <Button variant={outcome() === 'DECLINE' ? 'primary' : 'secondary'} aria-pressed={outcome() === 'DECLINE'} onClick={() => choose('DECLINE')}>
          Decline
        </Button>
        <Button variant={outcome() === 'REDIRECT' ? 'primary' : 'secondary'} aria-pressed={outcome() === 'REDIRECT'} onClick={() => choose('REDIRECT')}>
          Redirect
        </Button>
      </div>
      <Show when={outcome()}>
        {(o) => (
          <div class="triage__detail">
            <Show when={o() === 'ACCEPT'}>
              <Select label="Assign to coach" value={coachId()} options={coachOptions()} onChange={setCoachId} error={fieldError('coachId')} />
            </Show>
            <Show when={o() !== 'ACCEPT'}>
              <TextField
                label={o() === 'DECLINE' ? 'Reason (the referrer is told)' : 'Redirect to which service'}
                value={text()}
                onInput={setText}
                error={fieldError(o() === 'DECLINE' ? 'reason' : 'redirectTo')}
                required
              />
            </Show>
            <Button type="submit" busy={state.fetching}>
              {o() === 'ACCEPT' ? 'Accept referral' : o() === 'DECLINE' ? 'Decline referral' : 'Redirect referral'}
            </Button>
          </div>
        )}
      </Show>
      <Show when={problem() && !['coachId', 'reason', 'redirectTo'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
    </form>
  );
}
