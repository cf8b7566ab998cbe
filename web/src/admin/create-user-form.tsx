import { AdminCreateUserDocument, AdminResetPasswordDocument, type AdminOrganisationsQuery, type Role } from '@cairn/schema/operations';
import { createMutation } from '@urql/solid';
import { createSignal, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { OrganisationSelect } from './organisation-select.js';
import { TextField } from '../ui/text-field.js';
import { kindLabel, roleOptions, unguessablePassword } from './admin-words.js';
import type { MadeLink } from './reset-link.js';

type Organisation = AdminOrganisationsQuery['organisations'][number];

/**
 * A new account. Nobody chooses a password for anyone: the account is made with one nobody is told, and a
 * one-time link follows straight away for the person to set their own.
 */
export function CreateUserForm(props: { organisations: readonly Organisation[]; onCreated(link: MadeLink): void; onCancel(): void }): JSX.Element {
  const [name, setName] = createSignal('');
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('COACH');
  const [organisationId, setOrganisationId] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [created, create] = createMutation(AdminCreateUserDocument);
  const [linked, makeLink] = createMutation(AdminResetPasswordDocument);
  const fieldError = (field: string) => (problem()?.field === field ? problem()!.message : undefined);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setProblem(null);
    if (!organisationId()) return setProblem({ code: null, field: 'organisationId', message: 'Choose the organisation they work for.' });
    const res = await create({ input: { name: name(), email: email(), role: role(), organisationId: organisationId(), password: unguessablePassword() } });
    if (res.error || !res.data) return setProblem(res.error ? describeError(res.error) : { code: null, message: 'The account was not made. Please try again.' });
    const user = res.data.createUser;
    const link = await makeLink({ userId: user.id });
    if (link.error || !link.data) {
      // The account exists; its link can be made from the list.
      return setProblem({ code: null, message: `${user.name}'s account was made, but not its link: ${link.error ? describeError(link.error).message : 'please try again'}. Use "Reset password" in the list.` });
    }
    props.onCreated(link.data.resetUserPassword);
  };

  return (
    <form class="card admin-form" onSubmit={(e) => void submit(e)} aria-labelledby="create-user-heading" novalidate>
      <h3 id="create-user-heading">Add a user</h3>
      <p class="muted">They choose their own password with a one-time link, shown to you once the account is made.</p>
      <div class="admin-form__grid">
        <TextField label="Full name" value={name()} onInput={setName} error={fieldError('name')} autocomplete="off" required />
        <TextField label="Email address" type="email" value={email()} onInput={setEmail} error={fieldError('email')} autocomplete="off" spellcheck={false} required />
        <Select label="Role" value={role()} onChange={(v) => setRole(v as Role)} options={roleOptions} />
        <OrganisationSelect
          label="Organisation"
          organisations={props.organisations}
          value={organisationId()}
          onChange={(v) => (setOrganisationId(v), problem()?.field === 'organisationId' && setProblem(null))}
          error={fieldError('organisationId')}
          noneLabel="Choose…"
          optionLabel={(o) => `${o.name} (${kindLabel(o.kind)})`}
        />
      </div>
      <Show when={problem() && !['name', 'email', 'organisationId'].includes(problem()!.field ?? '')}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <div class="admin-form__actions">
        <Button type="submit" busy={created.fetching || linked.fetching}>
          Add user and make their link
        </Button>
        <Button variant="secondary" onClick={() => props.onCancel()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
