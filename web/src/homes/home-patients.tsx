import { CaseloadDocument, type PatientFilter, type PatientSort } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { Show, type JSX } from 'solid-js';
import { CaseloadTable } from '../caseload/caseload-table.js';
import { Link } from '../platform/router.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { keepFresh, patientListChanges } from './keep-fresh.js';

const shown = 8;

/**
 * A few patients from the caseload's own query and table, with a link to the whole list on the caseload
 * page: a home shows who is there, the caseload searches and filters.
 */
export function HomePatients(props: { heading: string; filter: PatientFilter; /** By name unless given. */ sort?: PatientSort; allHref: string; allLabel: string; empty: string; headingId: string }): JSX.Element {
  const [result, refetch] = createQuery({ query: CaseloadDocument, variables: () => ({ filter: props.filter, sort: props.sort ?? 'NAME', first: shown, after: null }) });
  keepFresh(() => refetch({ requestPolicy: 'network-only' }), patientListChanges);
  const loaded = lastGood(result);
  const page = () => loaded()?.patients;
  return (
    <section class="card home-section" aria-labelledby={props.headingId}>
      <div class="home-section__head">
        <h2 id={props.headingId}>{props.heading}</h2>
        <Show when={page()}>{(p) => <span class="muted">{p().totalCount === 1 ? '1 patient' : `${p().totalCount} patients`}</span>}</Show>
      </div>
      <ListStates items={page()?.nodes} error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} loadingLabel="Loading patients…" empty={<EmptyState title={props.empty} headingLevel={3} />}>
        {(rows) => (
          <>
            <CaseloadTable rows={rows} caption={props.heading} busy={result.fetching} />
            <p class="home-section__more">
              <Link href={props.allHref}>{props.allLabel}</Link>
            </p>
          </>
        )}
      </ListStates>
    </section>
  );
}
