import { handoverUrgencies, urgencyHint, urgencyLabels, type HandoverUrgency } from '@cairn/schema/handover-urgency';
import { HandoverEscalationTimingsDocument, PostHandoverDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, createUniqueId, For, Index, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { TextField } from '../ui/text-field.js';
import { ColleaguePicker } from '../patients/colleague-picker.js';
import { NotOnTeam } from '../patients/not-on-team.js';

type Member = PatientWorkspaceQuery['patient']['careTeam'][number];
interface ActionDraft {
  description: string;
  assigneeId: string;
  dueDate: string;
  /** Looking beyond the care team for who to give it to. */
  finding?: boolean;
  /** Chosen from beyond the care team, not (yet) on it: not assigned until they are added. */
  outsider?: { id: string; name: string } | null;
}
const someoneElse = '__someone-else';

/**
 * Posting a handover: summary, advice, urgency and recommended actions for named care-team members. The author
 * must choose the urgency (there is no default), and each choice's hint is written from the same definition
 * the server escalates by, with this server's timings.
 */
export function PostHandoverForm(props: { patientId: string; careTeam: readonly Member[]; onPosted(): void; onCancel(): void }): JSX.Element {
  const [summary, setSummary] = createSignal('');
  const [advice, setAdvice] = createSignal('');
  const [urgency, setUrgency] = createSignal<HandoverUrgency | null>(null);
  const [timings] = createQuery({ query: HandoverEscalationTimingsDocument });
  const [sourceService, setSourceService] = createSignal('');
  const [actions, setActions] = createSignal<ActionDraft[]>([]);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, post] = createMutation(PostHandoverDocument);
  const urgencyName = createUniqueId();
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);

  const updateAction = (i: number, patch: Partial<ActionDraft>) => setActions(actions().map((a, j) => (j === i ? { ...a, ...patch } : a)));

  let firstUrgency: HTMLInputElement | undefined;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const chosen = urgency();
    if (!chosen) {
      setProblem({ code: 'BAD_USER_INPUT', field: 'urgency', message: 'Choose how urgent this handover is.' });
      firstUrgency?.focus();
      return;
    }
    const result = await post({
      input: {
        patientId: props.patientId,
        summary: summary(),
        advice: advice(),
        urgency: chosen,
        sourceService: sourceService().trim() || null,
        actions: actions().map((a) => ({ description: a.description, assigneeId: a.assigneeId || null, dueDate: a.dueDate || null })),
      },
    });
    if (result.error) {
      setProblem(describeError(result.error));
      return;
    }
    setProblem(null);
    props.onPosted();
  };

  return (
    <form class="card handover-form handover-form--post" onSubmit={(e) => void submit(e)} aria-labelledby="post-handover-heading">
      <h3 id="post-handover-heading">Post a handover</h3>
      <TextField label="Summary" hint="One line the care team will see in their inbox." value={summary()} onInput={setSummary} error={fieldError('summary')} maxLength={500} required />
      <TextArea label="Advice" rows={5} value={advice()} onInput={setAdvice} error={fieldError('advice')} required />
      <fieldset
        class={`urgency-choice ${fieldError('urgency') ? 'field--invalid' : ''}`}
        aria-describedby={fieldError('urgency') ? `${urgencyName}-error` : undefined}
        aria-invalid={fieldError('urgency') ? 'true' : undefined}
      >
        <legend class="field__label">Urgency</legend>
        <Show when={timings.error}>
          <Alert tone="error">Could not load when handovers are escalated: {describeError(timings.error!).message}</Alert>
        </Show>
        <For each={handoverUrgencies}>
          {(u, i) => (
            <label class={`urgency-choice__option urgency-choice__option--${u.toLowerCase()}`}>
              <input
                ref={(el) => {
                  if (i() === 0) firstUrgency = el;
                }}
                type="radio"
                name={urgencyName}
                value={u}
                checked={urgency() === u}
                onChange={() => {
                  setUrgency(u);
                  if (problem()?.field === 'urgency') setProblem(null);
                }}
              />
              <span>
                <strong>{urgencyLabels[u]}</strong>
                <span class="urgency-choice__hint">{timings.data ? urgencyHint(u, timings.data.handoverEscalationTimings) : ' '}</span>
              </span>
            </label>
          )}
        </For>
        <Show when={fieldError('urgency')}>
          <p class="field__error" id={`${urgencyName}-error`}>
            {fieldError('urgency')}
          </p>
        </Show>
      </fieldset>
      <TextField label="Source service (optional)" hint="Leave empty to use your organisation's name." value={sourceService()} onInput={setSourceService} error={fieldError('sourceService')} />
      <fieldset class="handover-actions-edit">
        <legend class="field__label">Recommended actions</legend>
        <Index each={actions()}>
          {(a, i) => (
            <div class="handover-actions-edit__row">
              <TextField label={`Action ${i + 1}`} value={a().description} onInput={(v) => updateAction(i, { description: v })} error={fieldError(`actions.${i}.description`)} />
              <Select
                label="For"
                value={a().finding || a().outsider ? someoneElse : a().assigneeId}
                options={[
                  { value: '', label: 'Not assigned' },
                  ...props.careTeam.map((m) => ({ value: m.user.id, label: `${m.user.name} (${m.teamRole})` })),
                  { value: someoneElse, label: 'Someone not on the care team…' },
                ]}
                onChange={(v) => updateAction(i, v === someoneElse ? { assigneeId: '', finding: true, outsider: null } : { assigneeId: v, finding: false, outsider: null })}
              />
              <TextField label="Due" type="date" value={a().dueDate} onInput={(v) => updateAction(i, { dueDate: v })} error={fieldError(`actions.${i}.dueDate`)} />
              <Button variant="quiet" onClick={() => setActions(actions().filter((_, j) => j !== i))}>
                Remove<span class="visually-hidden"> action {i + 1}</span>
              </Button>
              <Show when={a().finding}>
                <div class="handover-actions-edit__beyond">
                  <ColleaguePicker
                    label={`Find who should do action ${i + 1}`}
                    autofocus
                    note={(c) => (props.careTeam.some((m) => m.user.id === c.id) ? 'On the care team' : 'Not on the care team')}
                    onChoose={(c) =>
                      updateAction(i, props.careTeam.some((m) => m.user.id === c.id) ? { assigneeId: c.id, finding: false, outsider: null } : { assigneeId: '', finding: false, outsider: { id: c.id, name: c.name } })
                    }
                  />
                </div>
              </Show>
              <Show when={a().outsider}>
                {(o) => (
                  <div class="handover-actions-edit__beyond">
                    <NotOnTeam
                      person={o()}
                      purpose="assign"
                      onAdded={() => updateAction(i, { assigneeId: o().id, outsider: null })}
                      onDismiss={() => updateAction(i, { assigneeId: '', outsider: null, finding: true })}
                    />
                  </div>
                )}
              </Show>
              <Show when={fieldError(`actions.${i}.assigneeId`)}>
                {(m) => <p class="field__error handover-actions-edit__beyond">{m()}</p>}
              </Show>
            </div>
          )}
        </Index>
        <Button variant="secondary" onClick={() => setActions([...actions(), { description: '', assigneeId: '', dueDate: '' }])}>
          Add a recommended action
        </Button>
      </fieldset>
      <Show when={problem() && !['summary', 'advice', 'urgency', 'sourceService'].includes(problem()!.field ?? '') && !problem()!.field?.startsWith('actions.')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="handover-form__buttons">
        <Button type="submit" busy={state.fetching}>
          Post handover
        </Button>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
