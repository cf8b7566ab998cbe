import { createSignal, Show, type JSX } from 'solid-js';
import { Button } from '../ui/button.js';
import { useCareTeam } from './care-team-context.js';

/**
 * "Jo Evans is not on this care team: add them?" Said where someone outside the team is chosen (a
 * handover action's assignee, an @mention). To someone who may manage the team it offers to add them
 * there and then; to anyone else it says plainly what the person will not see, and who can add them.
 */
export function NotOnTeam(props: { person: { id: string; name: string }; purpose: 'assign' | 'mention'; onAdded?(): void; onDismiss?(): void }): JSX.Element {
  const team = useCareTeam();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const lead = () => team?.members().find((m) => m.isLead)?.user.name;
  const add = async () => {
    if (!team) return;
    setBusy(true);
    const failed = await team.add(props.person.id);
    setBusy(false);
    setProblem(failed?.message ?? null);
    if (!failed) props.onAdded?.();
  };
  const unseen = () =>
    props.purpose === 'assign'
      ? 'so they cannot be given this action and would not see it'
      : 'so they will not be told of this post and cannot open the discussion';
  const askLead = () => (lead() ? `Ask the care team's lead, ${lead()}, to add them` : "Ask the care team's lead to add them");
  return (
    <div class="not-on-team" role="group" aria-label={`${props.person.name} is not on this care team`}>
      <Show
        when={team?.canManage()}
        fallback={
          <>
            <p class="not-on-team__text">
              <strong>{props.person.name}</strong> is not on this care team, {unseen()}. {askLead()}
              {props.purpose === 'assign' ? ', or choose someone on the team.' : '.'}
            </p>
            <Show when={props.onDismiss}>
              <div class="not-on-team__buttons">
                <Button variant="quiet" onClick={() => props.onDismiss?.()}>
                  {props.purpose === 'assign' ? 'Choose someone else' : 'Understood'}
                </Button>
              </div>
            </Show>
          </>
        }
      >
        <p class="not-on-team__text">
          <strong>{props.person.name}</strong> is not on this care team: add them? They will be told, and can then open this patient's record.
        </p>
        <div class="not-on-team__buttons">
          <Button variant="secondary" busy={busy()} onClick={() => void add()}>
            Add {props.person.name} to the care team
          </Button>
          <Show when={props.onDismiss}>
            <Button variant="quiet" onClick={() => props.onDismiss?.()}>
              {props.purpose === 'assign' ? 'Choose someone else' : 'Not now'}
            </Button>
          </Show>
        </div>
        <Show when={problem()}>
          {(m) => (
            <p class="field__error" role="alert">
              {m()}
            </p>
          )}
        </Show>
      </Show>
    </div>
  );
}
