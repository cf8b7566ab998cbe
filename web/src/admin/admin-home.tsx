import { AdminOrganisationsDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { onMount, Show, type JSX } from 'solid-js';
import { LoadFailed } from '../ui/list-states.js';
import { Spinner } from '../ui/spinner.js';
import { OrganisationsPanel } from './organisations-panel.js';
import { UsersPanel } from './users-panel.js';
import './admin.css';

/** An administrator's home: the people who use Cairn and the organisations they work for. */
export function AdminHome(): JSX.Element {
  onMount(() => (document.title = 'Administration – Cairn'));
  const [organisations, refetch] = createQuery({ query: AdminOrganisationsDocument });
  return (
    <div class="admin">
      <div class="page-heading">
        <h1>Administration</h1>
      </div>
      <Show when={!organisations.data && organisations.error}>{(error) => <LoadFailed error={error()} retry={() => refetch()} />}</Show>
      <Show when={organisations.data?.organisations} fallback={<Show when={!organisations.error}><Spinner label="Loading…" /></Show>}>
        {(orgs) => (
          <>
            <UsersPanel organisations={orgs()} />
            <OrganisationsPanel organisations={orgs()} onChanged={() => refetch()} />
          </>
        )}
      </Show>
    </div>
  );
}
