import { CaseloadDocument, ViewerMayDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createMemo, createSignal, Match, onMount, Show, Switch, type JSX } from 'solid-js';
import { Link, navigate, pathname, searchParams } from '../platform/router.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { LoadFailed } from '../ui/list-states.js';
import { Spinner } from '../ui/spinner.js';
import { CaseloadFilters } from './caseload-filters.js';
import { choicesFrom, defaultChoices, filterFor, isNarrowed, queryStringFor, type CaseloadChoices } from './caseload-params.js';
import { CaseloadSkeleton, CaseloadTable } from './caseload-table.js';

const pageSize = 25;

/** The caseload: my patients by default, searchable, filterable, a page at a time. */
export function CaseloadPage(): JSX.Element {
  const choices = createMemo(() => choicesFrom(searchParams()));
  const key = createMemo(() => queryStringFor(choices()));
  // The caseload is "/" for most, "/caseload" for those with a home of their own: filters stay on the same address.
  const change = (patch: Partial<CaseloadChoices>) => navigate(`${pathname()}${queryStringFor({ ...choices(), ...patch })}`, { replace: true });

  // The cursors of the pages before this one; they belong to one set of choices and reset with them.
  const [paging, setPaging] = createSignal<{ key: string; cursors: string[] }>({ key: key(), cursors: [] });
  const cursors = () => (paging().key === key() ? paging().cursors : []);

  const [result, refetch] = createQuery({
    query: CaseloadDocument,
    variables: () => ({ filter: filterFor(choices()), sort: choices().sort, first: pageSize, after: cursors().at(-1) ?? null }),
  });

  const [may] = createQuery({ query: ViewerMayDocument });
  const heading = () => (choices().scope === 'mine' ? 'My patients' : 'All patients I can see');
  onMount(() => (document.title = 'Caseload – Cairn'));

  const page = () => result.data?.patients;
  const firstShown = () => cursors().length * pageSize + 1;
  const summary = () => {
    const p = page();
    if (!p) return '';
    if (p.totalCount === 0) return 'No patients';
    const last = firstShown() + p.nodes.length - 1;
    const noun = p.totalCount === 1 ? 'patient' : 'patients';
    return p.totalCount <= pageSize && cursors().length === 0 ? `${p.totalCount} ${noun}` : `Showing ${firstShown()}–${last} of ${p.totalCount} ${noun}`;
  };

  const next = () => {
    const end = page()?.pageInfo.endCursor;
    if (end) setPaging({ key: key(), cursors: [...cursors(), end] });
  };
  const previous = () => setPaging({ key: key(), cursors: cursors().slice(0, -1) });

  return (
    <div class="caseload">
      <div class="page-heading">
        <h1>{heading()}</h1>
        <p class="page-heading__summary" aria-live="polite">
          {summary()}
          <Show when={result.fetching && page()}>
            {' '}
            <Spinner inline label="Updating…" />
          </Show>
        </p>
        <Show when={may.data?.viewerMay.createPatient}>
          <Link href="/patients/new" class="button button--secondary page-heading__action">
            Add patient
          </Link>
        </Show>
      </div>
      <CaseloadFilters choices={choices()} onChange={change} />
      <Switch>
        <Match when={result.error && result.error.graphQLErrors[0]?.extensions?.code !== 'UNAUTHENTICATED' ? result.error : undefined}>
          {(error) => <LoadFailed error={error()} retry={() => refetch()} />}
        </Match>
        <Match when={!page()}>
          <Spinner label="Loading patients…" />
          <CaseloadSkeleton />
        </Match>
        <Match when={page()!.nodes.length === 0}>
          <NoPatients choices={choices()} onChange={change} />
        </Match>
        <Match when={page()}>
          {(p) => (
            <>
              <CaseloadTable rows={p().nodes} caption={`${heading()}: ${summary()}`} busy={result.fetching} />
              <Show when={cursors().length > 0 || p().pageInfo.hasNextPage}>
                <nav class="pager" aria-label="Caseload pages">
                  <Button variant="secondary" onClick={previous} disabled={cursors().length === 0 || result.fetching}>
                    Previous page
                  </Button>
                  <span class="pager__where">Page {cursors().length + 1}</span>
                  <Button variant="secondary" onClick={next} disabled={!p().pageInfo.hasNextPage || result.fetching}>
                    Next page
                  </Button>
                </nav>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}

/** Why the list is empty, and the way out. */
function NoPatients(props: { choices: CaseloadChoices; onChange(patch: Partial<CaseloadChoices>): void }): JSX.Element {
  const clear = () => props.onChange({ ...defaultChoices, scope: props.choices.scope });
  return (
    <Switch>
      <Match when={isNarrowed(props.choices)}>
        <EmptyState
          title="No patients match"
          action={
            <Button variant="secondary" onClick={clear}>
              Clear search and filters
            </Button>
          }
        >
          <p>
            Nobody {props.choices.scope === 'mine' ? 'on your caseload ' : ''}matches this search and these filters. Check the spelling or the NHS
            number{props.choices.scope === 'mine' ? ', or look in all patients you can see' : ''}.
          </p>
        </EmptyState>
      </Match>
      <Match when={props.choices.scope === 'mine'}>
        <EmptyState
          title="You are not on any care team yet"
          action={
            <Button variant="secondary" onClick={() => props.onChange({ scope: 'all' })}>
              Show all patients I can see
            </Button>
          }
        >
          <p>Patients appear here when you are added to their care team.</p>
        </EmptyState>
      </Match>
      <Match when={true}>
        <EmptyState title="No patients to show">
          <p>You can see a patient once you are on their care team, or when they are referred to your service.</p>
        </EmptyState>
      </Match>
    </Switch>
  );
}
