import { QuestionnaireRequestsDocument, SendQuestionnaireDocument, type Instrument, type QuestionnaireChannel } from '@cairn/schema/operations';
import { channelWords, listInWords } from '@cairn/schema/words';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import type { InstrumentDef } from './record-outcome-form.js';

const when = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/**
 * Makes a one-time link for the patient to answer questionnaires from home, shows it once to copy, and
 * lists the links made before. Cairn records how it was sent; the coach sends it.
 */
export function SendQuestionnaire(props: { patientId: string; instruments: InstrumentDef[]; onClose(): void }): JSX.Element {
  const forPatients = () => props.instruments.filter((i) => i.patientCompletable);
  const [chosen, setChosen] = createSignal<Instrument[]>(['PSEQ_10', 'CONFIDENCE_WITHOUT_MEDICATION']);
  const [channel, setChannel] = createSignal<QuestionnaireChannel>('SMS');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [made, setMade] = createSignal<{ url: string; expiresAt: string } | null>(null);
  const [state, send] = createMutation(SendQuestionnaireDocument);
  const [requests, refetch] = createQuery({ query: QuestionnaireRequestsDocument, variables: () => ({ patientId: props.patientId }) });
  const nameOf = (code: string) => props.instruments.find((i) => i.code === code)?.shortName ?? code;
  const toggle = (code: Instrument, on: boolean) => setChosen((c) => (on ? [...c, code] : c.filter((x) => x !== code)));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await send({ input: { patientId: props.patientId, instruments: chosen(), channel: channel() } });
    if (res.error) return setProblem(describeError(res.error));
    const sent = res.data!.sendQuestionnaire;
    setMade({ url: `${location.origin}${sent.path}`, expiresAt: sent.request.expiresAt });
    refetch({ requestPolicy: 'network-only' });
  };

  return (
    <section class="card send-questionnaire" aria-labelledby="send-questionnaire-heading">
      <h3 id="send-questionnaire-heading">Send the patient a questionnaire link</h3>
      <Show
        when={made()}
        fallback={
          <form onSubmit={submit}>
            <fieldset class="send-questionnaire__choices">
              <legend>Questionnaires</legend>
              <For each={forPatients()}>
                {(i) => (
                  <label>
                    <input type="checkbox" checked={chosen().includes(i.code)} onChange={(e) => toggle(i.code, e.currentTarget.checked)} /> {i.shortName}
                  </label>
                )}
              </For>
            </fieldset>
            <Select
              label="How you will send it"
              value={channel()}
              onChange={(v) => setChannel(v as QuestionnaireChannel)}
              options={[
                { value: 'SMS', label: 'Text message' },
                { value: 'EMAIL', label: 'Email' },
                { value: 'LETTER', label: 'Letter' },
              ]}
            />
            <Show when={problem()}>
              <Alert tone="error">{problem()!.message}</Alert>
            </Show>
            <div class="record-outcome__actions">
              <Button type="submit" busy={state.fetching}>
                Make the link
              </Button>
              <Button variant="secondary" onClick={() => props.onClose()}>
                Cancel
              </Button>
            </div>
          </form>
        }
      >
        {(m) => (
          <>
            <p>
              Copy this link and send it to the patient. It works once, until {when.format(new Date(m().expiresAt))}, and asks for their date of birth first. It is shown only now.
            </p>
            <input class="field__input send-questionnaire__link" readonly value={m().url} aria-label="The patient's link" onFocus={(e) => e.currentTarget.select()} />
            <div class="record-outcome__actions">
              <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(m().url)}>
                Copy link
              </Button>
              <Button variant="quiet" onClick={() => props.onClose()}>
                Done
              </Button>
            </div>
          </>
        )}
      </Show>
      <Show when={(requests.data?.questionnaireRequests.length ?? 0) > 0}>
        <h4>Links sent</h4>
        <ul class="send-questionnaire__list">
          <For each={requests.data!.questionnaireRequests}>
            {(r) => (
              <li>
                {listInWords(r.instruments.map(nameOf))}, by {channelWords(r.channel)}, {when.format(new Date(r.createdAt))} ({r.createdBy.name}){' '}
                <Show when={r.completedAt} fallback={<Badge tone={Date.parse(r.expiresAt) < Date.now() ? 'muted' : 'info'}>{Date.parse(r.expiresAt) < Date.now() ? 'Expired' : `Open until ${when.format(new Date(r.expiresAt))}`}</Badge>}>
                  <Badge tone="success">Completed</Badge>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
