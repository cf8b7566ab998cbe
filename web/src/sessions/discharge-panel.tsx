import { DischargeDraftDocument, DischargePatientDocument, type DischargeReason } from '@cairn/schema/operations';
import { createMutation, useClient } from '@urql/solid';
import { createEffect, createSignal, on, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { Spinner } from '../ui/spinner.js';
import { dischargeReasons } from './session-words.js';

/**
 * Discharge: choose the reason, and Cairn drafts the summary from the record; the coach edits it and signs.
 * Signing sends it to the GPs on the care team and makes the patient DISCHARGED.
 */
export function DischargePanel(props: { patientId: string; onDischarged(): void; onCancel(): void }): JSX.Element {
  const urql = useClient();
  const [reason, setReason] = createSignal<DischargeReason>('GOALS_MET');
  const [summary, setSummary] = createSignal('');
  const [gps, setGps] = createSignal<string[] | null>(null);
  const [drafting, setDrafting] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  /** The coach has typed into the summary since it was last drafted: a new draft would lose their words. */
  const [edited, setEdited] = createSignal(false);
  /** The reason changed after the summary was edited, so the summary may still give the old one. */
  const [reasonChanged, setReasonChanged] = createSignal(false);
  const [signing, sign] = createMutation(DischargePatientDocument);
  let latestDraft = 0;

  const draft = async (r: DischargeReason) => {
    const mine = ++latestDraft;
    setDrafting(true);
    setEdited(false); // drafting replaces the summary: a reason chosen meanwhile drafts again
    const result = await urql.query(DischargeDraftDocument, { patientId: props.patientId, reason: r }, { requestPolicy: 'network-only' }).toPromise();
    // A later draft is on its way, or the reason changed meanwhile: this one must not land.
    if (mine !== latestDraft || r !== reason()) return;
    setDrafting(false);
    if (!result.data) return setProblem(result.error ? describeError(result.error) : { code: null, message: 'The draft did not load.' });
    setSummary(result.data.dischargeDraft.summary);
    setGps(result.data.dischargeDraft.gpNames);
    setEdited(false);
    setReasonChanged(false);
  };
  createEffect(on(reason, (r) => (edited() ? setReasonChanged(true) : void draft(r))));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await sign({ input: { patientId: props.patientId, reason: reason(), summary: summary() } });
    if (r.error) return setProblem(describeError(r.error));
    props.onDischarged();
  };

  return (
    <form class="card session-form" onSubmit={(e) => void submit(e)} aria-labelledby="discharge-heading">
      <h3 id="discharge-heading">Discharge from coaching</h3>
      <Select label="Reason" value={reason()} options={dischargeReasons} onChange={(v) => setReason(v as DischargeReason)} />
      <Show when={!drafting()} fallback={<Spinner label="Drafting the summary from the record…" />}>
        <TextArea
          class="discharge-summary"
          label="Summary for the GP (drafted by Cairn from the record: check and edit it before you sign)"
          rows={16}
          value={summary()}
          onInput={(v) => {
            setSummary(v);
            setEdited(true);
          }}
          error={problem()?.field === 'summary' ? problem()!.message : undefined}
          required
        />
        <Show when={reasonChanged()}>
          <Alert tone="info">
            <p>You changed the reason after editing the summary. Your edits are kept: check that the summary gives the new reason, or draft it again from the record (your edits will be lost).</p>
            <Button variant="secondary" onClick={() => void draft(reason())}>
              Draft again
            </Button>
          </Alert>
        </Show>
        <Show
          when={(gps()?.length ?? 0) > 0}
          fallback={<Alert tone="info">There is no GP on the care team, so nobody will be notified. Add the patient's GP to the care team first.</Alert>}
        >
          <p class="muted">Signing sends this summary to {gps()!.join(', ')} and marks the patient discharged; sessions still booked are cancelled.</p>
        </Show>
      </Show>
      <Show when={problem() && problem()!.field !== 'summary'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="session-form__buttons">
        <Button type="submit" busy={signing.fetching} disabled={drafting()}>
          Sign and discharge
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
