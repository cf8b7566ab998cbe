import { AdminResetPasswordDocument, AdminSetUserActiveDocument, AdminUsersDocument, type AdminOrganisationsQuery, type AdminUserRowFragment, type Role } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { useSession } from '../auth/session.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { Select } from '../ui/select.js';
import { OrganisationSelect } from './organisation-select.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { createKeysetPaging, Pager } from '../ui/pager.js';
import { TextField } from '../ui/text-field.js';
import { roleOptions } from './admin-words.js';
import { CreateUserForm } from './create-user-form.js';
import { ResetLinkPanel, type MadeLink } from './reset-link.js';

type Organisation = AdminOrganisationsQuery['organisations'][number];
type Status = 'ALL' | 'ACTIVE' | 'DEACTIVATED';
const pageSize = 20;

/** Every account: find one, add one, deactivate or reactivate it, or give its owner a link to set a new password. */
export function UsersPanel(props: { organisations: readonly Organisation[] }): JSX.Element {
  const [search, setSearch] = createSignal('');
  const [role, setRole] = createSignal<Role | ''>('');
  const [organisationId, setOrganisationId] = createSignal('');
  const [status, setStatus] = createSignal<Status>('ALL');
  const filter = createMemo(() => ({
    search: search().trim() || null,
    role: role() || null,
    organisationId: organisationId() || null,
    active: status() === 'ALL' ? null : status() === 'ACTIVE',
  }));
  const paging = createKeysetPaging(() => JSON.stringify(filter()));
  const [result, refetch] = createQuery({ query: AdminUsersDocument, variables: () => ({ filter: filter(), first: pageSize, after: paging.after() }) });
  // The users shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);
  const page = () => loaded()?.users;
  const [adding, setAdding] = createSignal(false);
  const [link, setLink] = createSignal<{ link: MadeLink; heading: string } | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);

  const summary = () => {
    const p = page();
    if (!p) return '';
    const first = paging.index() * pageSize + 1;
    return p.totalCount <= pageSize && paging.index() === 0 ? `${p.totalCount} ${p.totalCount === 1 ? 'user' : 'users'}` : `Showing ${first}–${first + p.nodes.length - 1} of ${p.totalCount} users`;
  };
  const changed = (message: string | null, made?: { link: MadeLink; heading: string }) => {
    setNotice(message);
    setLink(made ?? null);
    refetch();
  };

  return (
    <section class="admin-section" aria-labelledby="users-heading">
      <div class="admin-section__heading">
        <h2 id="users-heading">Users</h2>
        <p class="page-heading__summary" aria-live="polite">
          {summary()}
        </p>
        <Show when={!adding()}>
          <Button onClick={() => setAdding(true)}>Add a user</Button>
        </Show>
      </div>
      <Show when={link()}>{(l) => <ResetLinkPanel link={l().link} heading={l().heading} onDone={() => setLink(null)} />}</Show>
      <Show when={notice()}>
        <Alert tone="success">{notice()!}</Alert>
      </Show>
      <Show when={adding()}>
        <CreateUserForm
          organisations={props.organisations}
          onCancel={() => setAdding(false)}
          onCreated={(made) => {
            setAdding(false);
            changed(null, { link: made, heading: `${made.user.name}'s account is ready` });
          }}
        />
      </Show>
      <form class="admin-filters" role="search" aria-label="Find users" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Name or email" type="search" value={search()} onInput={setSearch} />
        <Select label="Role" value={role()} onChange={(v) => setRole(v as Role | '')} options={[{ value: '', label: 'Any role' }, ...roleOptions]} />
        <OrganisationSelect label="Organisation" organisations={props.organisations} value={organisationId()} onChange={setOrganisationId} noneLabel="Any organisation" />
        <Select
          label="Status"
          value={status()}
          onChange={(v) => setStatus(v as Status)}
          options={[
            { value: 'ALL', label: 'Any status' },
            { value: 'ACTIVE', label: 'Active' },
            { value: 'DEACTIVATED', label: 'Deactivated' },
          ]}
        />
      </form>
      <ListStates
        items={page()?.nodes}
        error={result.error}
        retry={() => refetch({ requestPolicy: 'network-only' })}
        loadingLabel="Loading users…"
        empty={
          <EmptyState title="No users match">
            <p>Nobody matches this search and these filters.</p>
          </EmptyState>
        }
      >
        {/* Read from the query, not the list ListStates was given once, so changes after a refetch show. */}
        {() => (
          <>
            <div class="table-wrap">
              <table class="caseload-table admin-table" aria-busy={result.fetching ? 'true' : undefined}>
                <caption class="visually-hidden">Users: {summary()}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Role</th>
                    <th scope="col">Organisation</th>
                    <th scope="col">Status</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={page()?.nodes}>
                    {(user) => (
                      <tr>
                        <th scope="row">
                          <span class="admin-table__name">{user.name}</span>
                          <span class="admin-table__email">{user.email}</span>
                        </th>
                        <td data-label="Role">{roleLabel(user.role)}</td>
                        <td data-label="Organisation">{user.organisation.name}</td>
                        <td data-label="Status">
                          <Badge tone={user.active ? 'success' : 'muted'}>{user.active ? 'Active' : 'Deactivated'}</Badge>
                        </td>
                        <td data-label="Actions">
                          <UserActions user={user} onChanged={changed} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Pager
              label="Pages of users"
              index={paging.index()}
              hasNext={page()?.pageInfo.hasNextPage ?? false}
              busy={result.fetching}
              onPrevious={paging.previous}
              onNext={() => paging.next(page()?.pageInfo.endCursor)}
            />
          </>
        )}
      </ListStates>
    </section>
  );
}

/** A user's actions, each confirmed in place first: what it does is said before it is done. */
function UserActions(props: { user: AdminUserRowFragment; onChanged(message: string | null, made?: { link: MadeLink; heading: string }): void }): JSX.Element {
  const session = useSession();
  const me = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user.id : undefined;
  };
  const [confirming, setConfirming] = createSignal<'active' | 'reset' | null>(null);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [activeState, setActive] = createMutation(AdminSetUserActiveDocument);
  const [resetState, reset] = createMutation(AdminResetPasswordDocument);
  const u = () => props.user;

  const toggle = async () => {
    const res = await setActive({ userId: u().id, active: !u().active });
    if (res.error) return setProblem(describeError(res.error));
    setConfirming(null);
    props.onChanged(u().active ? `${u().name} is deactivated and has been signed out everywhere.` : `${u().name} can sign in again.`);
  };
  const makeLink = async () => {
    const res = await reset({ userId: u().id });
    if (res.error || !res.data) return setProblem(res.error ? describeError(res.error) : { code: null, message: 'No link was made. Please try again.' });
    setConfirming(null);
    props.onChanged(null, { link: res.data.resetUserPassword, heading: `A link for ${u().name} to set a new password` });
  };

  return (
    <Show when={u().id !== me()} fallback={<span class="muted">This is you</span>}>
      <div class="admin-actions">
        <Switch>
          <Match when={confirming() === 'active'}>
            <p class="admin-actions__question">
              {u().active ? `Deactivate ${u().name}? They are signed out at once and cannot sign in until reactivated.` : `Reactivate ${u().name}? They can sign in again with their password.`}
            </p>
            <div class="admin-actions__buttons">
              <Button busy={activeState.fetching} onClick={() => void toggle()}>
                {u().active ? 'Yes, deactivate' : 'Yes, reactivate'}
              </Button>
              <Button variant="secondary" onClick={() => (setConfirming(null), setProblem(null))}>
                Cancel
              </Button>
            </div>
          </Match>
          <Match when={confirming() === 'reset'}>
            <p class="admin-actions__question">Reset {u().name}'s password? Their current password stops working and they are signed out everywhere, until they use the link.</p>
            <div class="admin-actions__buttons">
              <Button busy={resetState.fetching} onClick={() => void makeLink()}>
                Yes, make a link
              </Button>
              <Button variant="secondary" onClick={() => (setConfirming(null), setProblem(null))}>
                Cancel
              </Button>
            </div>
          </Match>
          <Match when={confirming() === null}>
            <div class="admin-actions__buttons">
              <Show when={u().active}>
                <Button variant="secondary" onClick={() => setConfirming('reset')} aria-label={`Reset password for ${u().name}`}>
                  Reset password
                </Button>
              </Show>
              <Button variant="secondary" onClick={() => setConfirming('active')} aria-label={`${u().active ? 'Deactivate' : 'Reactivate'} ${u().name}`}>
                {u().active ? 'Deactivate' : 'Reactivate'}
              </Button>
            </div>
          </Match>
        </Switch>
        <Show when={problem()}>
          <Alert tone="error">{problem()!.message}</Alert>
        </Show>
      </div>
    </Show>
  );
}
