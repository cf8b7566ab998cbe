import { CaseSearchViewDocument, InvitePatientsDocument, type CaseSearchViewQuery, type InvitationChannel } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { lastGood, LoadFailed } from '../ui/list-states.js';
import { Spinner } from '../ui/spinner.js';
import { InvitationList, invitationWords } from './invitation-list.js';
import { ProgrammeNav } from '../referrals/programme-nav.js';
import '../referrals/referrals.css';
import './case-finding.css';

const channels: Array<{ value: InvitationChannel; label: string }> = [
  { value: 'LETTER', label: 'Letter' },
  { value: 'SMS', label: 'Text message' },
  { value: 'PHONE', label: 'Phone' },
  { value: 'EMAIL', label: 'Email' },
];

type Match = NonNullable<CaseSearchViewQuery['caseSearch']>['results'][number];

/**
 * Why a match cannot be invited, or null when they can: on the programme or referred already (there is
 * nothing to invite them to), or an invitation still open. Their box is disabled, so one such patient does
 * not hold up the rest of a batch.
 */
function whyNotInvitable(m: Match): string | null {
  if (m.patient.status === 'ACTIVE') return 'On the programme: no invitation needed';
  if (m.alreadyReferred) return 'Referral awaiting triage: no invitation needed';
  if (m.invitation?.status === 'INVITED') return 'Invitation open';
  return null;
}

/** One saved search: its criteria, who matches now, inviting them, and the invitations' statuses. */
export function CaseSearchPage(props: { searchId: string }): JSX.Element {
  const [view, refetch] = createQuery({ query: CaseSearchViewDocument, variables: () => ({ id: props.searchId }), requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const [selected, setSelected] = createSignal<string[]>([]);
  const [channel, setChannel] = createSignal<InvitationChannel>('LETTER');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const [state, invite] = createMutation(InvitePatientsDocument);
  // The search already shown stays when a later read cannot reach the server (said above it), never replaced by the error.
  const loaded = lastGood(view);
  const search = () => loaded()?.caseSearch;
  document.title = 'Case finding – Cairn';

  const sendInvitations = async () => {
    const r = await invite({ input: { searchId: props.searchId, patientIds: selected(), channel: channel() } });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    setDone(`${r.data!.invitePatients.length} invitation${r.data!.invitePatients.length === 1 ? '' : 's'} recorded.`);
    setSelected([]);
    reload();
  };

  return (
    <div class="case-finding-page">
      <ProgrammeNav />
      <p class="back-link">
        <Link href="/case-finding">← Case finding</Link>
      </p>
      <Show when={!search() && view.error}>{(error) => <LoadFailed error={error()} retry={reload} />}</Show>
      <Show when={search() && view.error}>{(error) => <LoadFailed stale error={error()} retry={reload} />}</Show>
      <Show when={search()} fallback={<Show when={!view.error}><Spinner label="Searching…" /></Show>}>
        {(s) => (
          <>
            <h1>{s().name}</h1>
            <ul class="tag-list" aria-label="Criteria">
              <For each={s().criteria} fallback={<li class="muted">Every patient of your PCN</li>}>
                {(c) => <li class="tag">{c.summary}</li>}
              </For>
            </ul>
            <section aria-labelledby="results-heading">
              <h2 id="results-heading">
                {s().results.length} {s().results.length === 1 ? 'patient matches' : 'patients match'}
              </h2>
              <div class="table-wrap">
                <table class="caseload-table results-table">
                  <thead>
                    <tr>
                      <th scope="col">
                        <span class="visually-hidden">Invite</span>
                      </th>
                      <th scope="col">Patient</th>
                      <th scope="col">Age</th>
                      <th scope="col">Practice</th>
                      <th scope="col">Conditions</th>
                      <th scope="col">Last contact</th>
                      <th scope="col">Invitation</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={s().results}>
                      {(m) => {
                        const reasonId = createUniqueId();
                        const whyNot = () => whyNotInvitable(m);
                        return (
                          <tr>
                            <td data-label="Invite">
                              <input
                                type="checkbox"
                                aria-label={`Invite ${m.patient.name}`}
                                aria-describedby={m.alreadyReferred ? reasonId : undefined}
                                disabled={!!whyNot()}
                                checked={selected().includes(m.patient.id)}
                                onChange={(e) => setSelected(e.currentTarget.checked ? [...selected(), m.patient.id] : selected().filter((x) => x !== m.patient.id))}
                              />
                            </td>
                            <td class="caseload-table__name" data-label="Patient">
                              <span>
                                {m.patient.name}
                                <span class="muted results-table__nhs">NHS {m.patient.nhsNumberFormatted}</span>
                              </span>
                            </td>
                            <td data-label="Age">{m.patient.age}</td>
                            <td data-label="Practice">{m.patient.practice.name}</td>
                            <td data-label="Conditions">{m.patient.conditions.join(', ')}</td>
                            <td data-label="Last contact">{m.lastContactAt ? formatDateTime(m.lastContactAt) : 'None recorded'}</td>
                            <td data-label="Invitation">
                              <Show when={m.invitation} fallback={<Show when={!m.alreadyReferred}><span class="muted">—</span></Show>}>
                                {(i) => <Badge tone={invitationWords[i().status].tone}>{invitationWords[i().status].label}</Badge>}
                              </Show>
                              <Show when={m.alreadyReferred}>
                                <span class="muted results-table__why" id={reasonId}>
                                  {whyNot()}
                                </span>
                              </Show>
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="invite-bar">
                <Select label="Invited by" value={channel()} options={channels} onChange={(v) => setChannel(v as InvitationChannel)} />
                <Button disabled={selected().length === 0} busy={state.fetching} onClick={() => void sendInvitations()}>
                  Record {selected().length || ''} invitation{selected().length === 1 ? '' : 's'}
                </Button>
              </div>
              <Show when={problem()}>
                <Alert tone="error">{problem()!.message}</Alert>
              </Show>
              <Show when={done()}>
                <Alert tone="success">{done()}</Alert>
              </Show>
            </section>
            <section aria-labelledby="invitations-heading">
              <h2 id="invitations-heading">Invitations</h2>
              <InvitationList invitations={s().invitations} onChanged={reload} />
            </section>
          </>
        )}
      </Show>
    </div>
  );
}
