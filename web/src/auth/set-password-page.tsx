import { PasswordLinkStateDocument, SetPasswordWithLinkDocument } from '@cairn/schema/operations';
import { Client, fetchExchange } from '@urql/core';
import { createMutation, createQuery, Provider } from '@urql/solid';
import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';

/** Kept in step with the server's password policy (auth/password-policy.ts), which has the last word. */
const MIN_LENGTH = 12;

/**
 * The page a user opens from the one-time link an administrator gave them, without signing in: a new
 * password, then on to sign in. A client of its own (no session, no socket), like the patient's
 * questionnaire page.
 */
export function SetPasswordPage(props: { token: string }): JSX.Element {
  const client = new Client({ url: '/graphql', preferGetMethod: false, requestPolicy: 'network-only', exchanges: [fetchExchange] });
  document.title = 'Set your password – Cairn';
  return (
    <Provider value={client}>
      <main id="main" class="sign-in" tabindex="-1">
        <div class="sign-in__panel">
          <p class="sign-in__brand" aria-hidden="true">
            Cairn
          </p>
          <LinkFlow token={props.token} />
        </div>
      </main>
    </Provider>
  );
}

function LinkFlow(props: { token: string }): JSX.Element {
  const [state] = createQuery({ query: PasswordLinkStateDocument, variables: () => ({ token: props.token }) });
  const [done, setDone] = createSignal(false);
  const askAgain = <p>Please ask your Cairn administrator for a new link.</p>;
  return (
    <Switch fallback={<Spinner label="Checking your link…" />}>
      <Match when={state.error}>
        <h1>Set your password</h1>
        <Alert tone="error">{describeError(state.error!).message}</Alert>
      </Match>
      <Match when={done()}>
        <h1>Your password is set</h1>
        <p class="sign-in__lede">This link no longer works. Sign in with your email address and your new password.</p>
        <Link href="/" class="button button--primary sign-in__submit">
          Go to sign in
        </Link>
      </Match>
      <Match when={state.data?.passwordLink === 'OPEN'}>
        <NewPasswordForm token={props.token} onDone={() => setDone(true)} />
      </Match>
      <Match when={state.data?.passwordLink === 'USED'}>
        <h1>This link has been used</h1>
        <p>A password has already been set with it. Sign in with that password, or if it was not you, tell your administrator at once.</p>
        <Link href="/">Go to sign in</Link>
      </Match>
      <Match when={state.data?.passwordLink === 'EXPIRED'}>
        <h1>This link has expired</h1>
        <p>Links to set a password work for a limited time, to keep your account safe.</p>
        {askAgain}
      </Match>
      <Match when={state.data?.passwordLink === 'INVALID'}>
        <h1>This link does not work</h1>
        <p>Check that the whole link was copied. A link stops working when a newer one is made.</p>
        {askAgain}
      </Match>
    </Switch>
  );
}

function NewPasswordForm(props: { token: string; onDone(): void }): JSX.Element {
  const [password, setPassword] = createSignal('');
  const [again, setAgain] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [status, save] = createMutation(SetPasswordWithLinkDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    if (password() !== again()) return setProblem({ code: null, field: 'again', message: 'The two passwords are not the same. Please type it again.' });
    const res = await save({ token: props.token, password: password() });
    if (res.error) {
      setProblem(describeError(res.error));
      return;
    }
    props.onDone();
  };
  return (
    <>
      <h1>Set your password</h1>
      <p class="sign-in__lede">Choose a new password for Cairn. This link works once.</p>
      <form class="sign-in__form" onSubmit={(e) => void submit(e)} novalidate>
        <Show when={problem() && !problem()!.field}>
          <Alert tone="error">{problem()!.message}</Alert>
        </Show>
        <TextField
          label="New password"
          hint={`At least ${MIN_LENGTH} characters. A few unrelated words together are strong and easy to remember.`}
          type="password"
          autocomplete="new-password"
          value={password()}
          onInput={setPassword}
          error={fieldError('password')}
        />
        <TextField label="Type it again" type="password" autocomplete="new-password" value={again()} onInput={setAgain} error={fieldError('again')} />
        <Button type="submit" busy={status.fetching} class="sign-in__submit">
          Set password
        </Button>
      </form>
    </>
  );
}
