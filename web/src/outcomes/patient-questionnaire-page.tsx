import { OpenQuestionnaireDocument, QuestionnaireLinkStateDocument, SubmitQuestionnaireDocument, type OpenQuestionnaireMutation } from '@cairn/schema/operations';
import { Client, fetchExchange } from '@urql/core';
import { createMutation, createQuery, Provider } from '@urql/solid';
import { createSignal, For, Index, Match, Show, Switch, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { ItemAnswer } from './item-answer.js';
import './outcomes.css';

type Opened = OpenQuestionnaireMutation['openQuestionnaire'];

/**
 * The page a patient opens from their link, on their own phone, without an account: their date of birth
 * first (nothing about them is shown before it matches), then the questions, large and plain. A client of
 * its own: no session, no socket, nothing kept.
 */
export function PatientQuestionnairePage(props: { token: string }): JSX.Element {
  const client = new Client({ url: '/graphql', preferGetMethod: false, requestPolicy: 'network-only', exchanges: [fetchExchange] });
  document.title = 'Your questionnaire – Cairn';
  return (
    <Provider value={client}>
      <div class="patient-page">
        <header class="patient-page__bar">Cairn · your questionnaire</header>
        <main id="main" class="patient-page__main" tabindex="-1">
          <LinkFlow token={props.token} />
        </main>
      </div>
    </Provider>
  );
}

function LinkFlow(props: { token: string }): JSX.Element {
  const [state] = createQuery({ query: QuestionnaireLinkStateDocument, variables: () => ({ token: props.token }) });
  const [opened, setOpened] = createSignal<{ dob: string; q: Opened } | null>(null);
  const [done, setDone] = createSignal(false);
  return (
    <Switch fallback={<Spinner label="Opening your questionnaire…" />}>
      <Match when={state.error}>
        <Alert tone="error">{describeError(state.error!).message}</Alert>
      </Match>
      <Match when={done()}>
        <h1>Thank you</h1>
        <p>Your answers have been sent to your coach. You can close this page now.</p>
      </Match>
      <Match when={opened()}>{(o) => <Questions token={props.token} dob={o().dob} q={o().q} onDone={() => setDone(true)} />}</Match>
      <Match when={state.data?.questionnaireLink === 'OPEN'}>
        <DateOfBirthCheck token={props.token} onOpened={(dob, q) => setOpened({ dob, q })} />
      </Match>
      <Match when={state.data?.questionnaireLink === 'USED'}>
        <h1>Already completed</h1>
        <p>This questionnaire has already been filled in. Thank you – there is nothing more to do.</p>
      </Match>
      <Match when={state.data?.questionnaireLink === 'EXPIRED'}>
        <h1>This link has expired</h1>
        <p>Links work for a limited time to keep your information safe. Please ask your coach to send you a new one.</p>
      </Match>
      <Match when={state.data?.questionnaireLink === 'INVALID'}>
        <h1>This link does not work</h1>
        <p>Please check that the whole link was copied, or ask your coach to send you a new one.</p>
      </Match>
    </Switch>
  );
}

/** Day, month and year as three boxes (the GOV.UK pattern): easy to type on a phone, no date picker. */
function DateOfBirthCheck(props: { token: string; onOpened(dob: string, q: Opened): void }): JSX.Element {
  const [day, setDay] = createSignal('');
  const [month, setMonth] = createSignal('');
  const [year, setYear] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [status, open] = createMutation(OpenQuestionnaireDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    const dob = `${year().trim().padStart(4, '0')}-${month().trim().padStart(2, '0')}-${day().trim().padStart(2, '0')}`;
    const res = await open({ token: props.token, dateOfBirth: dob });
    if (res.error) setProblem(describeError(res.error));
    else if (res.data) props.onOpened(dob, res.data.openQuestionnaire);
  };
  return (
    <form onSubmit={submit} novalidate>
      <h1>Confirm your date of birth</h1>
      <p>To keep your information private, please enter your date of birth before you start.</p>
      <fieldset class="patient-page__dob" aria-describedby={problem() ? 'dob-error' : undefined}>
        <legend class="visually-hidden">Your date of birth</legend>
        <TextField label="Day" inputmode="numeric" autocomplete="bday-day" maxlength="2" value={day()} onInput={setDay} />
        <TextField label="Month" inputmode="numeric" autocomplete="bday-month" maxlength="2" value={month()} onInput={setMonth} />
        <TextField label="Year" inputmode="numeric" autocomplete="bday-year" maxlength="4" value={year()} onInput={setYear} class="patient-page__year" />
      </fieldset>
      <Show when={problem()}>
        <Alert tone="error" id="dob-error">
          {problem()!.message}
        </Alert>
      </Show>
      <Button type="submit" busy={status.fetching} class="patient-page__submit">
        Continue
      </Button>
    </form>
  );
}

/** Every question of every questionnaire on the link, then one button to send them. */
function Questions(props: { token: string; dob: string; q: Opened; onDone(): void }): JSX.Element {
  const [answers, setAnswers] = createSignal(props.q.instruments.map((i) => i.items.map((): number | null => null)));
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [status, send] = createMutation(SubmitQuestionnaireDocument);
  const unanswered = () => answers().flat().filter((a) => a === null).length;
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await send({ token: props.token, dateOfBirth: props.dob, responses: props.q.instruments.map((i, k) => ({ instrument: i.code, answers: answers()[k]! })) });
    if (res.error) setProblem(describeError(res.error));
    else props.onDone();
  };
  return (
    <form onSubmit={submit} novalidate>
      <h1>Hello {props.q.givenName}</h1>
      <p>Please answer every question. There are no right or wrong answers. It takes about five minutes.</p>
      <For each={props.q.instruments}>
        {(instrument, k) => (
          <section class="patient-page__instrument" aria-labelledby={`instrument-${instrument.code}`}>
            <h2 id={`instrument-${instrument.code}`}>{instrument.name}</h2>
            <p>{instrument.instructions}</p>
            <Index each={instrument.items}>
              {(item, i) => (
                <ItemAnswer
                  large
                  item={item()}
                  value={answers()[k()]![i] ?? null}
                  onChange={(v) => setAnswers((all) => all.map((row, r) => (r === k() ? row.map((x, c) => (c === i ? v : x)) : row)))}
                />
              )}
            </Index>
          </section>
        )}
      </For>
      <Show when={problem()}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <Button type="submit" busy={status.fetching} class="patient-page__submit">
        {unanswered() > 0 ? `Send my answers (${unanswered()} still to answer)` : 'Send my answers'}
      </Button>
    </form>
  );
}
