import { RemoveCareTeamMemberDocument, SetCareTeamLeadDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';
import { useCareTeam } from './care-team-context.js';
import { ColleaguePicker, type Colleague } from './colleague-picker.js';

type Member = PatientWorkspaceQuery['patient']['careTeam'][number];

/**
 * The people caring for this patient; the server lists the lead first, and the lead is marked in words.
 * Whoever may manage the team (viewerCan.manageCareTeam) adds members with their part in the patient's
 * care, removes them (after a confirmation) and hands on the lead here.
 */
export function CareTeam(props: { members: readonly Member[]; canManage: boolean; viewerId: string | undefined; onLeftTeam(): void }): JSX.Element {
  const [adding, setAdding] = createSignal(false);
  const [done, setDone] = createSignal<string | null>(null);
  return (
    <section class="card care-team" aria-labelledby="care-team-heading">
      <div class="care-team__heading">
        <h2 id="care-team-heading" tabindex="-1">
          Care team
        </h2>
        <Show when={props.canManage && !adding()}>
          <Button
            variant="secondary"
            class="care-team__add"
            onClick={() => {
              setDone(null);
              setAdding(true);
            }}
          >
            Add a member
          </Button>
        </Show>
      </div>
      <p class="care-team__done" role="status">
        {done() ?? ''}
      </p>
      <Show when={adding()}>
        <AddMemberForm
          members={props.members}
          onAdded={(name) => {
            setAdding(false);
            setDone(`${name} was added to the care team.`);
          }}
          onCancel={() => setAdding(false)}
        />
      </Show>
      <Show when={props.members.length > 0} fallback={<p class="muted">Nobody is on this patient's care team.</p>}>
        <ul class="care-team__list">
          <For each={props.members}>
            {(m) => (
              <MemberItem
                member={m}
                canManage={props.canManage}
                onDone={(words, leftTeam) => {
                  setDone(words);
                  if (leftTeam && m.user.id === props.viewerId) props.onLeftTeam();
                }}
              />
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function MemberItem(props: { member: Member; canManage: boolean; onDone(words: string, removed: boolean): void }): JSX.Element {
  const team = useCareTeam();
  const [confirming, setConfirming] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [removeState, remove] = createMutation(RemoveCareTeamMemberDocument);
  const [leadState, makeLead] = createMutation(SetCareTeamLeadDocument);
  const m = () => props.member;

  const doRemove = async () => {
    const r = await remove({ patientId: team!.patientId, userId: m().user.id });
    if (r.error) return setProblem(describeError(r.error).message);
    setProblem(null);
    setConfirming(false);
    props.onDone(`${m().user.name} was removed from the care team.`, true);
    await team!.refresh();
  };
  const doLead = async () => {
    const r = await makeLead({ patientId: team!.patientId, userId: m().user.id });
    if (r.error) return setProblem(describeError(r.error).message);
    setProblem(null);
    props.onDone(`${m().user.name} now leads the care team.`, false);
    await team!.refresh();
  };

  return (
    <li class={`care-team__member ${m().isLead ? 'care-team__member--lead' : ''}`}>
      <div class="care-team__name">
        <span>{m().user.name}</span>
        <Show when={m().isLead}>
          <Badge tone="lead">Lead</Badge>
        </Show>
      </div>
      <div class="care-team__role">{m().teamRole}</div>
      <div class="care-team__org muted">
        {roleLabel(m().user.role) === m().teamRole ? '' : `${roleLabel(m().user.role)} · `}
        {m().user.organisation.name}
      </div>
      <Show when={props.canManage && team && !m().isLead}>
        <Show
          when={confirming()}
          fallback={
            <div class="care-team__actions">
              <Button variant="quiet" busy={leadState.fetching} onClick={() => void doLead()}>
                Make lead<span class="visually-hidden"> ({m().user.name})</span>
              </Button>
              <Button variant="quiet" onClick={() => setConfirming(true)}>
                Remove<span class="visually-hidden"> {m().user.name}</span>
              </Button>
            </div>
          }
        >
          <div class="care-team__confirm" role="group" aria-label={`Remove ${m().user.name}?`}>
            <p>
              Remove {m().user.name} from the care team? They will no longer be able to open this patient's record through the team, and are told so.
            </p>
            <div class="care-team__actions">
              <Button busy={removeState.fetching} onClick={() => void doRemove()} ref={(el: HTMLButtonElement) => queueMicrotask(() => el.focus())}>
                Remove {m().user.name}
              </Button>
              <Button variant="quiet" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </div>
          </div>
        </Show>
      </Show>
      <Show when={problem()}>
        {(p) => (
          <p class="field__error" role="alert">
            {p()}
          </p>
        )}
      </Show>
    </li>
  );
}

/** Find a colleague, say their part in this patient's care, add them. */
function AddMemberForm(props: { members: readonly Member[]; onAdded(name: string): void; onCancel(): void }): JSX.Element {
  const team = useCareTeam();
  const [chosen, setChosen] = createSignal<Colleague | null>(null);
  const [teamRole, setTeamRole] = createSignal('');
  const [problem, setProblem] = createSignal<{ message: string; field?: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const onTeam = (c: Colleague) => props.members.some((m) => m.user.id === c.id);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const c = chosen();
    if (!c || !team) return setProblem({ message: 'Find and choose the colleague to add first.', field: 'userId' });
    setBusy(true);
    const failed = await team.add(c.id, teamRole());
    setBusy(false);
    if (failed) return setProblem(failed);
    props.onAdded(c.name);
  };

  return (
    <form class="care-team__add-form" onSubmit={(e) => void submit(e)} aria-label="Add a care-team member">
      <Show
        when={chosen()}
        fallback={
          <ColleaguePicker
            label="Find a colleague"
            autofocus
            note={(c) => (onTeam(c) ? 'Already on the care team' : undefined)}
            disabled={onTeam}
            error={problem()?.field === 'userId' ? problem()!.message : undefined}
            onChoose={(c) => {
              setChosen(c);
              setTeamRole(roleLabel(c.role));
              setProblem(null);
            }}
          />
        }
      >
        {(c) => (
          <>
            <p class="care-team__chosen">
              Adding <strong>{c().name}</strong>
              <span class="muted">
                {' '}
                ({roleLabel(c().role)}, {c().organisation.name})
              </span>{' '}
              <Button variant="quiet" onClick={() => setChosen(null)}>
                Change<span class="visually-hidden"> who to add</span>
              </Button>
            </p>
            <TextField
              label="Their role on this team"
              hint="Their part in this patient's care, e.g. “MSK review”."
              value={teamRole()}
              onInput={setTeamRole}
              maxLength={80}
              error={problem()?.field === 'teamRole' ? problem()!.message : undefined}
            />
          </>
        )}
      </Show>
      <Show when={problem() && problem()!.field !== 'userId' && problem()!.field !== 'teamRole'}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="care-team__actions">
        <Button type="submit" busy={busy()} disabled={!chosen()}>
          Add to the care team
        </Button>
        <Button variant="quiet" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
