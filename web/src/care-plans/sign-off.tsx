import { CarePlanSignOffsDocument, SignOffCarePlanDocument, type CarePlanSignOffFieldsFragment } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { emptyPlanReason, isPlanEmpty } from '@cairn/schema/care-plan';
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { formatDateTime, formatIsoDate, ukToday } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { usePlan } from './plan-context.js';
import { changedSections, readPlan, sectionLabels, type PlanView } from './plan-doc.js';
import { PlanReadOnly } from './plan-read-only.js';

type SignOff = CarePlanSignOffFieldsFragment;

export const printHref = (patientId: string, signOffId?: string) =>
  `/patients/${encodeURIComponent(patientId)}/care-plan/print${signOffId ? `?signOff=${encodeURIComponent(signOffId)}` : ''}`;

/**
 * Where the plan stands with the patient: the last agreement and whether the plan has changed since
 * (compared section by section with the agreed content), the button to record a new agreement, and every
 * earlier one, each printable as it was agreed. A colleague's agreement shows here live.
 */
export function SignOffPanel(): JSX.Element {
  const { sync, canEdit, careTeam, agreements } = usePlan();
  const [result, refetchQuery] = createQuery({ query: CarePlanSignOffsDocument, variables: () => ({ patientId: sync.patientId }) });
  const refetch = () => refetchQuery({ requestPolicy: 'network-only' });
  createEffect(on(agreements, refetch, { defer: true }));
  const signOffs = () => result.data?.carePlanSignOffs ?? [];
  const last = () => signOffs()[0];
  const changed = createMemo(() => {
    sync.version();
    const l = last();
    return l ? changedSections(l.view as PlanView, readPlan(sync.doc)) : [];
  });
  const [agreeing, setAgreeing] = createSignal(false);
  const [viewing, setViewing] = createSignal<SignOff | null>(null);
  const empty = createMemo(() => {
    sync.version();
    return isPlanEmpty(readPlan(sync.doc));
  });
  const cannotAgree = () =>
    empty() ? emptyPlanReason : sync.status() === 'unsaved' ? 'Your last change was not saved: reload the plan first.' : sync.agreeableSeq() === null ? 'Wait until your edits are saved.' : null;

  return (
    <div class="sign-off">
      <Switch>
        <Match when={result.error}>
          <Alert tone="error">
            <p>{describeError(result.error!).message}</p>
          </Alert>
        </Match>
        <Match when={result.data && !last()}>
          <div class="sign-off__notice sign-off__notice--none">
            <p>This plan has not yet been agreed with the patient.</p>
          </div>
        </Match>
        <Match when={last()}>
          {(l) => (
            <div class={`sign-off__notice ${changed().length > 0 ? 'sign-off__notice--changed' : 'sign-off__notice--agreed'}`} role="status">
              <p>
                <strong>Agreed with the patient</strong> on {formatIsoDate(l().agreedOn)} ({l().signedByName}).{' '}
                <Show when={changed().length > 0} fallback={<span>No changes since.</span>}>
                  <span>
                    <strong>Changed since then:</strong> {changed().map((s) => sectionLabels[s]).join(', ')}.
                  </span>
                </Show>
              </p>
            </div>
          )}
        </Match>
      </Switch>
      <div class="sign-off__actions">
        <Show when={canEdit && !agreeing()}>
          <Button onClick={() => setAgreeing(true)} disabled={cannotAgree() !== null} aria-describedby={cannotAgree() ? 'sign-off-why-not' : undefined}>
            Record agreement with the patient…
          </Button>
        </Show>
        <a class="button button--secondary" href={printHref(sync.patientId)} target="_blank" rel="noopener">
          Print the plan
        </a>
        <Show when={signOffs().length > 0}>
          <details class="sign-off__list">
            <summary>Agreements with the patient ({signOffs().length})</summary>
            <ul>
              <For each={signOffs()}>
                {(s) => (
                  <li>
                    <span>
                      {formatIsoDate(s.agreedOn)} – {s.signedByName}
                      <span class="muted"> (recorded {formatDateTime(s.signedAt)})</span>
                      {s.note ? <span class="muted">: {s.note}</span> : null}
                    </span>
                    <span class="sign-off__links">
                      <Button variant="quiet" onClick={() => setViewing(s)} aria-label={`Open the plan agreed on ${formatIsoDate(s.agreedOn)}`}>
                        Open
                      </Button>
                      <a href={printHref(sync.patientId, s.id)} target="_blank" rel="noopener" aria-label={`Print the plan agreed on ${formatIsoDate(s.agreedOn)}`}>
                        Print
                      </a>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </details>
        </Show>
      </div>
      <Show when={canEdit && !agreeing() && cannotAgree()}>
        {(why) => (
          <p class="sign-off__why-not" id="sign-off-why-not">
            {why()}
          </p>
        )}
      </Show>
      <Show when={agreeing()}>
        <AgreementForm
          disabledReason={cannotAgree()}
          onRecorded={() => {
            setAgreeing(false);
            refetch();
          }}
          onCancel={() => setAgreeing(false)}
        />
      </Show>
      <Show when={viewing()} keyed>
        {(s) => (
          <section class="history card" aria-label={`The plan agreed on ${formatIsoDate(s.agreedOn)}`}>
            <div class="history__head">
              <h3>The plan as agreed on {formatIsoDate(s.agreedOn)}</h3>
              <Button variant="quiet" onClick={() => setViewing(null)}>
                Close
              </Button>
            </div>
            <PlanReadOnly view={s.view as PlanView} careTeam={careTeam} level={4} />
          </section>
        )}
      </Show>
    </div>
  );
}

/** Records that the plan as it stands was agreed with the patient, on the day they agreed it (today unless changed; never a future day). */
function AgreementForm(props: { disabledReason: string | null; onRecorded(): void; onCancel(): void }): JSX.Element {
  const { sync } = usePlan();
  const { connection } = useSession();
  const today = ukToday();
  // The plan as it stood when the form was opened is the one agreed: a change arriving while the form is
  // filled in (a colleague's, live) was not gone through with the patient, and the server then refuses. The
  // refusal says so; the plan as it is then shown is the one a second press records.
  const [shownSeq, setShownSeq] = createSignal(sync.agreeableSeq());
  const [agreedOn, setAgreedOn] = createSignal(today);
  const [note, setNote] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const dateProblem = () => (!agreedOn() ? 'Please give the date the plan was agreed.' : agreedOn() > today ? 'The date cannot be in the future.' : null);

  const agree = async (e: Event) => {
    e.preventDefault();
    if (dateProblem()) return setProblem(dateProblem());
    const seq = shownSeq() ?? sync.agreeableSeq();
    if (seq === null) return setProblem('Wait until your edits are saved.');
    setBusy(true);
    setProblem(null);
    const res = await connection().urql.mutation(SignOffCarePlanDocument, { patientId: sync.patientId, seq, agreedOn: agreedOn(), note: note().trim() || null }).toPromise();
    setBusy(false);
    if (!res.error) return props.onRecorded();
    const problem = describeError(res.error);
    setProblem(problem.message);
    if (problem.code === 'CONFLICT') setShownSeq(sync.agreeableSeq());
  };

  return (
    <form class="sign-off__form" aria-label="Record agreement with the patient" onSubmit={(e) => void agree(e)}>
      <p>Record that the plan as it stands now was agreed with the patient. The agreed version is kept unchanged, and everyone with the plan open sees it at once.</p>
      <div class="sign-off__fields">
        <div class="field">
          <label class="field__label" for="sign-off-date">
            Date agreed with the patient
          </label>
          <input id="sign-off-date" class="field__input" type="date" required max={today} value={agreedOn()} onInput={(e) => setAgreedOn(e.currentTarget.value)} />
        </div>
        <div class="field sign-off__note">
          <label class="field__label" for="sign-off-note">
            Note (optional)
          </label>
          <input id="sign-off-note" class="field__input" maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} placeholder="For example: agreed on a video call" />
        </div>
      </div>
      <Show when={problem() ?? props.disabledReason}>
        {(message) => (
          <Alert tone="error">
            <p>{message()}</p>
          </Alert>
        )}
      </Show>
      <div class="restore-confirm__actions">
        <Button type="submit" busy={busy()} disabled={props.disabledReason !== null}>
          Record agreement with the patient
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
