import { AdminCreateOrganisationDocument, AdminRenameOrganisationDocument, type AdminOrganisationsQuery, type OrganisationKind } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { kindLabel, needsPcn, organisationKinds } from './admin-words.js';
import { matchingOrganisations } from './organisation-select.js';

type Organisation = AdminOrganisationsQuery['organisations'][number];

/** Rows the table shows at once: a service has thousands of practices, and a page of them all is unreadable. */
const SHOWN = 50;

/**
 * The organisations people work for: PCNs, their practices and physio providers, specialist pain services.
 * Found by name (or their PCN's), at most 50 at a time; one just added or renamed is what the list then shows.
 */
export function OrganisationsPanel(props: { organisations: readonly Organisation[]; onChanged(): void }): JSX.Element {
  const [adding, setAdding] = createSignal(false);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [search, setSearch] = createSignal('');
  const matching = createMemo(() => matchingOrganisations(props.organisations, search()));
  const summary = () => {
    const all = props.organisations.length;
    const found = matching().length;
    if (search().trim()) return found > SHOWN ? `Showing ${SHOWN} of ${found} matching organisations` : `${found} of ${all} organisations match`;
    return all > SHOWN ? `Showing ${SHOWN} of ${all} organisations: find one by name` : `${all} organisations`;
  };
  const done = (message: string, name: string) => {
    setNotice(message);
    setSearch(name);
    props.onChanged();
  };
  return (
    <section class="admin-section" aria-labelledby="organisations-heading">
      <div class="admin-section__heading">
        <h2 id="organisations-heading">Organisations</h2>
        <p class="page-heading__summary" aria-live="polite">{summary()}</p>
        <Show when={!adding()}>
          <Button onClick={() => (setAdding(true), setNotice(null))}>Add an organisation</Button>
        </Show>
      </div>
      <Show when={notice()}>
        <Alert tone="success">{notice()!}</Alert>
      </Show>
      <Show when={adding()}>
        <CreateOrganisationForm
          organisations={props.organisations}
          onCancel={() => setAdding(false)}
          onCreated={(name) => {
            setAdding(false);
            done(`${name} is added.`, name);
          }}
        />
      </Show>
      <form class="admin-filters" role="search" aria-label="Find organisations" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Organisation or PCN name" type="search" value={search()} onInput={setSearch} />
      </form>
      <div class="table-wrap">
        <table class="caseload-table admin-table">
          <caption class="visually-hidden">Organisations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Primary Care Network</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            <For each={matching().slice(0, SHOWN)}>
              {(o) => (
                <tr>
                  <th scope="row">{o.name}</th>
                  <td data-label="Kind">{kindLabel(o.kind)}</td>
                  <td data-label="PCN">{o.pcn?.name ?? <span class="muted">—</span>}</td>
                  <td data-label="Actions">
                    <RenameOrganisation organisation={o} onRenamed={(name) => done(`Renamed to ${name}.`, name)} />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CreateOrganisationForm(props: { organisations: readonly Organisation[]; onCreated(name: string): void; onCancel(): void }): JSX.Element {
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<OrganisationKind>('GP_PRACTICE');
  const [pcnId, setPcnId] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, create] = createMutation(AdminCreateOrganisationDocument);
  const pcns = () => props.organisations.filter((o) => o.kind === 'PCN');
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await create({ name: name(), kind: kind(), pcnId: kind() === 'PCN' ? null : pcnId() || null });
    if (res.error || !res.data) return setProblem(res.error ? describeError(res.error) : { code: null, message: 'Nothing was added. Please try again.' });
    props.onCreated(res.data.createOrganisation.name);
  };
  return (
    <form class="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby="create-organisation-heading" novalidate>
      <h3 id="create-organisation-heading">Add an organisation</h3>
      <div class="admin-form__grid">
        <TextField label="Name" value={name()} onInput={setName} error={fieldError('name')} required />
        <Select label="Kind" value={kind()} onChange={(v) => setKind(v as OrganisationKind)} options={organisationKinds.map((k) => ({ value: k, label: kindLabel(k) }))} />
        <Show when={kind() !== 'PCN'}>
          <Select
            label={needsPcn(kind()) ? 'Primary Care Network' : 'Primary Care Network (optional)'}
            value={pcnId()}
            onChange={setPcnId}
            error={fieldError('pcnId')}
            options={[{ value: '', label: needsPcn(kind()) ? 'Choose…' : 'None' }, ...pcns().map((o) => ({ value: o.id, label: o.name }))]}
          />
        </Show>
      </div>
      <Show when={problem() && !['name', 'pcnId'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="admin-form__actions">
        <Button type="submit" busy={state.fetching}>
          Add organisation
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function RenameOrganisation(props: { organisation: Organisation; onRenamed(name: string): void }): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [name, setName] = createSignal(props.organisation.name);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, rename] = createMutation(AdminRenameOrganisationDocument);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const res = await rename({ organisationId: props.organisation.id, name: name() });
    if (res.error || !res.data) return setProblem(res.error ? describeError(res.error) : { code: null, message: 'The name was not changed. Please try again.' });
    setEditing(false);
    setProblem(null);
    props.onRenamed(res.data.renameOrganisation.name);
  };
  return (
    <Show
      when={editing()}
      fallback={
        <Button variant="secondary" onClick={() => (setName(props.organisation.name), setEditing(true))} aria-label={`Rename ${props.organisation.name}`}>
          Rename
        </Button>
      }
    >
      <form class="admin-actions" onSubmit={(e) => void submit(e)} novalidate>
        <TextField label="New name" value={name()} onInput={setName} error={problem()?.message} />
        <div class="admin-actions__buttons">
          <Button type="submit" busy={state.fetching}>
            Save
          </Button>
          <Button variant="secondary" onClick={() => (setEditing(false), setProblem(null))}>
            Cancel
          </Button>
        </div>
      </form>
    </Show>
  );
}
