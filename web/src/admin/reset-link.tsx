import { createSignal, createUniqueId, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../platform/dates.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';

/** A one-time link, as the server made it. */
export interface MadeLink {
  path: string;
  expiresAt: string;
  user: { id: string; name: string };
}

/**
 * The link to set a password, shown this once (Cairn keeps only its hash): copy it and give it to the
 * person yourself, by a channel you trust. Dismissing it loses it; a new link can always be made.
 */
export function ResetLinkPanel(props: { link: MadeLink; heading: string; onDone(): void }): JSX.Element {
  const url = `${location.origin}${props.link.path}`;
  const id = createUniqueId();
  const [copied, setCopied] = createSignal<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <section class="card reset-link" aria-labelledby={`${id}-heading`} data-testid="reset-link">
      <h3 id={`${id}-heading`}>{props.heading}</h3>
      <Alert tone="info">
        <p>
          <strong>This link is shown once.</strong> Copy it now and give it to {props.link.user.name} yourself (not by an email to a shared inbox). Cairn
          cannot show it again: if it is lost, make a new one.
        </p>
      </Alert>
      <label class="field__label" for={`${id}-url`}>
        Link to set a password
      </label>
      <div class="reset-link__row">
        <input id={`${id}-url`} class="field__input reset-link__url" readonly value={url} onFocus={(e) => e.currentTarget.select()} />
        <Button variant="secondary" onClick={() => void copy()}>
          Copy link
        </Button>
      </div>
      <p class="muted" aria-live="polite">
        <Show when={copied() === 'yes'}>Copied. </Show>
        <Show when={copied() === 'failed'}>Could not copy: select the link and copy it yourself. </Show>
        It works once, until {formatDateTime(props.link.expiresAt)}.
      </p>
      <Button variant="quiet" onClick={() => props.onDone()}>
        I have given it to them: hide the link
      </Button>
    </section>
  );
}
