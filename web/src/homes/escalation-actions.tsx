import { AcknowledgeHandoverOnBehalfDocument, ReassignLeadFromEscalationDocument, type ServiceLeadHandoversQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';

type Escalated = ServiceLeadHandoversQuery['escalatedHandovers'][number];

/**
 * What a service lead can do about an open escalation: acknowledge on the care-team lead's behalf (a note is
 * required, and the record says who acted for whom), or make someone else on the care team the lead (the
 * handover then awaits them, and escalates again if they too leave it).
 */
export function EscalationActions(props: { h: Escalated; onDone(): void }): JSX.Element {
  const [mode, setMode] = createSignal<'idle' | 'acknowledge' | 'reassign'>('idle');
  const lead = () => props.h.patient.careTeam.find((m) => m.isLead)?.user ?? null;
  const others = () => props.h.patient.careTeam.filter((m) => !m.isLead);
  return (
    <div class="escalation-actions">
      <Switch>
        <Match when={mode() === 'idle'}>
          <div class="escalation-actions__buttons">
            <Button onClick={() => setMode('acknowledge')}>{lead() ? `Acknowledge on behalf of ${lead()!.name}` : 'Acknowledge on behalf of the care team'}</Button>
            <Button variant="secondary" onClick={() => setMode('reassign')} disabled={others().length === 0} title={others().length === 0 ? 'Nobody else is on the care team' : undefined}>
              Reassign lead
            </Button>
          </div>
        </Match>
        <Match when={mode() === 'acknowledge'}>
          <AcknowledgeForm h={props.h} leadName={lead()?.name ?? null} onCancel={() => setMode('idle')} onDone={props.onDone} />
        </Match>
        <Match when={mode() === 'reassign'}>
          <ReassignForm h={props.h} onCancel={() => setMode('idle')} onDone={props.onDone} />
        </Match>
      </Switch>
    </div>
  );
}

function AcknowledgeForm(props: { h: Escalated; leadName: string | null; onCancel(): void; onDone(): void }): JSX.Element {
  const [note, setNote] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, acknowledge] = createMutation(AcknowledgeHandoverOnBehalfDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await acknowledge({ handoverId: props.h.id, note: note() });
    if (r.error) return setProblem(describeError(r.error));
    props.onDone();
  };
  return (
    <form class="escalation-form" onSubmit={(e) => void submit(e)} aria-label={`Acknowledge “${props.h.summary}” on behalf of ${props.leadName ?? 'the care team'}`}>
      <TextArea
        label="Note for the record (required)"
        hint={`What was done and who you spoke to. The author, ${props.leadName ?? 'the care team'} and the other service leads see it; the record says you acknowledged on ${props.leadName ? `${props.leadName}'s` : 'their'} behalf.`}
        rows={3}
        value={note()}
        onInput={setNote}
        error={problem()?.field === 'note' ? problem()!.message : undefined}
        required
      />
      <Show when={problem() && problem()!.field !== 'note'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="escalation-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Acknowledge on behalf
        </Button>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function ReassignForm(props: { h: Escalated; onCancel(): void; onDone(): void }): JSX.Element {
  const options = () => props.h.patient.careTeam.filter((m) => !m.isLead).map((m) => ({ value: m.user.id, label: `${m.user.name} (${m.teamRole})` }));
  const [to, setTo] = createSignal(options()[0]?.value ?? '');
  const [note, setNote] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, reassign] = createMutation(ReassignLeadFromEscalationDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await reassign({ handoverId: props.h.id, newLeadId: to(), note: note().trim() ? note() : null });
    if (r.error) return setProblem(describeError(r.error));
    props.onDone();
  };
  return (
    <form class="escalation-form" onSubmit={(e) => void submit(e)} aria-label={`Reassign the lead for ${props.h.patient.name}`}>
      <Select label="New lead" value={to()} options={options()} onChange={setTo} />
      <p class="field__hint">The handover then awaits the new lead, and escalates again if they do not acknowledge it in time.</p>
      <TextArea label="Note (optional)" rows={2} value={note()} onInput={setNote} />
      <Show when={problem()}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="escalation-form__buttons">
        <Button type="submit" busy={state.fetching} disabled={!to()}>
          Make lead
        </Button>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
