import { createSignal, onMount, Show, type JSX } from 'solid-js';
import type { Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';
import { useSession } from './session.js';

/** Email and password; errors stay in the form, beside the field at fault where there is one. */
export function SignInPage(props: { notice?: { tone: 'info' | 'error'; message: string } | undefined }): JSX.Element {
  const session = useSession();
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  let emailInput: HTMLInputElement | undefined;

  onMount(() => {
    document.title = 'Sign in – Cairn';
    emailInput?.focus();
  });

  const fieldError = (field: string) => {
    const p = problem();
    return p?.field === field ? p.message : undefined;
  };
  const formError = () => {
    const p = problem();
    return p && !p.field ? p.message : undefined;
  };

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (busy()) return;
    setProblem(null);
    setBusy(true);
    try {
      const result = await session.signIn(email().trim(), password());
      if (result) {
        setProblem(result);
        setPassword('');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in" tabindex="-1">
      <div class="sign-in__panel">
        <p class="sign-in__brand" aria-hidden="true">
          Cairn
        </p>
        <h1 class="sign-in__title">Sign in to Cairn</h1>
        <p class="sign-in__lede">The shared workspace for your persistent-pain care team.</p>
        <Show when={props.notice && !problem()}>
          <Alert tone={props.notice!.tone}>{props.notice!.message}</Alert>
        </Show>
        <form class="sign-in__form" onSubmit={submit} novalidate aria-describedby={formError() ? 'sign-in-error' : undefined}>
          <Show when={formError()}>
            <Alert tone="error" id="sign-in-error">
              {formError()}
            </Alert>
          </Show>
          <TextField
            ref={(el: HTMLInputElement) => (emailInput = el)}
            label="Email address"
            type="email"
            name="email"
            autocomplete="username"
            spellcheck={false}
            value={email()}
            onInput={setEmail}
            error={fieldError('email')}
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autocomplete="current-password"
            value={password()}
            onInput={setPassword}
            error={fieldError('password')}
          />
          <Button type="submit" busy={busy()} class="sign-in__submit">
            {busy() ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  );
}
