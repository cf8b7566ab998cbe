import { AnswerInvitationDocument, type InvitationRowFragment, type InvitationStatus } from '@cairn/schema/operations';
import { channelWords } from '@cairn/schema/words';
import { createMutation } from '@urql/solid';
import { createSignal, For, onMount, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge, type BadgeTone } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { focusFirstInvalid } from '../ui/focus-first-invalid.js';
import { detailFields, detailsInput, emptyDetails, ReferralDetailsFields } from '../referrals/referral-details-fields.js';

export const invitationWords: Record<InvitationStatus, { label: string; tone: BadgeTone }> = {
  INVITED: { label: 'Invited', tone: 'info' },
  ACCEPTED: { label: 'Accepted', tone: 'success' },
  DECLINED: { label: 'Declined', tone: 'muted' },
  NO_RESPONSE: { label: 'No response', tone: 'warning' },
  REFERRED: { label: 'Referred another way', tone: 'success' },
};

/** A search's invitations and their statuses; an open one takes the patient's answer. */
export function InvitationList(props: { invitations: InvitationRowFragment[]; onChanged(): void }): JSX.Element {
  const [announced, setAnnounced] = createSignal('');
  // An answer recorded reads the list again, which draws every row anew: the button that had the keyboard
  // goes with its row, so the new row of the invitation answered takes it.
  const [keepsFocus, setKeepsFocus] = createSignal<string | null>(null);
  const answered = (invitationId: string, words: string) => {
    setKeepsFocus(invitationId);
    setAnnounced(words);
    props.onChanged();
  };
  return (
    <>
      <p class="visually-hidden" role="status">
        {announced()}
      </p>
      <ul class="invitation-list">
        <For each={props.invitations} fallback={<li class="muted">No invitations yet.</li>}>
          {(i) => (
            <InvitationItem
              invitation={i}
              takesFocus={keepsFocus() === i.id}
              onFocusTaken={() => setKeepsFocus(null)}
              onAnswered={(words) => answered(i.id, words)}
            />
          )}
        </For>
      </ul>
    </>
  );
}

/**
 * What recording an answer did. A patient referred another way while the invitation was open (their GP's
 * referral, say) joins that referral: the details just entered were not used, and whoever entered them is told.
 */
function answeredWords(name: string, answered: Pick<InvitationRowFragment, 'status' | 'joinedExistingReferral'> | undefined): string {
  if (answered?.status !== 'ACCEPTED') return `Recorded that ${name} declined. The invitation is closed.`;
  if (answered.joinedExistingReferral) return `Recorded that ${name} accepted. They had been referred another way meanwhile, so the invitation joins that referral; the details entered here were not used.`;
  return `Recorded that ${name} accepted. A referral was made for triage.`;
}

/** What an open invitation's row is doing: offering both answers, taking the referral's details, or asking before recording a decline. */
type Answering = 'choosing' | 'accepting' | 'confirmingDecline';

function InvitationItem(props: { invitation: InvitationRowFragment; takesFocus: boolean; onFocusTaken(): void; onAnswered(words: string): void }): JSX.Element {
  const i = () => props.invitation;
  const [answering, setAnswering] = createSignal<Answering>('choosing');
  const [details, setDetails] = createSignal(emptyDetails());
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, answer] = createMutation(AnswerInvitationDocument);
  const fieldError = (f: string) => (problem()?.field === f ? problem()!.message : undefined);
  let acceptButton: HTMLButtonElement | undefined;
  let declineButton: HTMLButtonElement | undefined;
  let acceptForm: HTMLFormElement | undefined;
  let line: HTMLDivElement | undefined;
  // Only if the keyboard is nowhere else: it was on the row drawn before this one, gone with it. Either way the
  // claim is spent, so a later redraw does not pull the keyboard back here.
  const takeFocus = () => {
    props.onFocusTaken();
    if (document.activeElement && document.activeElement !== document.body) return;
    line?.focus();
  };
  onMount(() => {
    if (props.takesFocus) takeFocus();
  });
  const record = async (accepted: boolean) => {
    const r = await answer({ input: { invitationId: i().id, answer: accepted ? 'ACCEPTED' : 'DECLINED', referral: accepted ? detailsInput(details()) : null } });
    if (r.error) {
      setProblem(describeError(r.error));
      if (accepted) focusFirstInvalid(acceptForm);
      return;
    }
    setProblem(null);
    setAnswering('choosing');
    // The row's own line until the list is read again: the button pressed has gone.
    line?.focus();
    props.onAnswered(answeredWords(i().patient.name, r.data?.answerInvitation));
  };
  // The button pressed is replaced by what it opens: focus follows into it, and back to the button on the way out.
  const openAcceptance = () => {
    setAnswering('accepting');
    queueMicrotask(() => acceptForm?.querySelector<HTMLElement>('textarea, input, select')?.focus());
  };
  const backTo = (button: () => HTMLButtonElement | undefined) => {
    setAnswering('choosing');
    setProblem(null);
    queueMicrotask(() => button()?.focus());
  };
  return (
    <li class="card invitation">
      <div class="invitation__line" ref={line} tabindex="-1">
        <strong>{i().patient.name}</strong>
        <span class="muted">NHS {i().patient.nhsNumberFormatted}</span>
        <Badge tone={invitationWords[i().status].tone}>{invitationWords[i().status].label}</Badge>
      </div>
      <p class="invitation__meta muted">
        By {channelWords(i().channel)}, {formatDateTime(i().sentAt)}, sent by {i().sentBy.name}
        {i().remindedAt && i().status === 'INVITED' ? ` · reminder ${formatDateTime(i().remindedAt!)}` : ''}
        {i().statusAt && i().status !== 'INVITED' ? ` · ${i().statusBy ? `recorded by ${i().statusBy!.name}` : 'set automatically'} ${formatDateTime(i().statusAt!)}` : ''}
      </p>
      <Show when={i().joinedExistingReferral}>
        <p class="muted">They had been referred another way meanwhile: the invitation joined that referral, and no second referral was made.</p>
      </Show>
      <Show when={i().status === 'INVITED' && answering() === 'choosing'}>
        <div class="invitation__actions">
          <Button variant="secondary" ref={acceptButton} onClick={openAcceptance}>
            Record acceptance…
          </Button>
          <Button variant="secondary" ref={declineButton} onClick={() => setAnswering('confirmingDecline')}>
            Record decline…
          </Button>
        </div>
      </Show>
      <Show when={i().status === 'INVITED' && answering() === 'confirmingDecline'}>
        {/* A decline cannot be undone: the invitation is closed. Escape keeps it open. */}
        <div class="invitation__confirm" role="group" aria-label={`Record that ${i().patient.name} declined?`} onKeyDown={(e) => e.key === 'Escape' && backTo(() => declineButton)}>
          <p>Record that {i().patient.name} declined? The invitation is then closed.</p>
          <div class="invitation__actions">
            <Button busy={state.fetching} onClick={() => void record(false)} ref={(el: HTMLButtonElement) => queueMicrotask(() => el.focus())}>
              Confirm
            </Button>
            <Button variant="quiet" onClick={() => backTo(() => declineButton)}>
              Keep
            </Button>
          </div>
        </div>
      </Show>
      <Show when={answering() === 'accepting'}>
        <form ref={acceptForm} class="invitation__accept" onSubmit={(e) => { e.preventDefault(); void record(true); }} aria-label={`Referral for ${i().patient.name}`}>
          <p class="muted">Accepting makes a referral (source: proactive invitation) for triage.</p>
          <ReferralDetailsFields value={details()} onChange={setDetails} fieldError={fieldError} />
          <div class="invitation__actions">
            <Button type="submit" busy={state.fetching}>
              Record acceptance and refer
            </Button>
            <Button variant="quiet" onClick={() => backTo(() => acceptButton)}>
              Cancel
            </Button>
          </div>
        </form>
      </Show>
      <Show when={problem() && !detailFields.includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
    </li>
  );
}
