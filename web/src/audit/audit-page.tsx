import { AuditEntriesCsvDocument, AuditEntriesDocument, ViewerMayNavDocument, type AuditFilterInput, type AuditOutcome } from '@cairn/schema/operations';
import { createQuery, useClient } from '@urql/solid';
import { createMemo, createSignal, For, Match, onMount, Show, Switch, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { formatDateTime } from '../platform/dates.js';
import { describeError, ErrorCode, retryCanHelp, type Problem } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { Select } from '../ui/select.js';
import { createKeysetPaging, Pager } from '../ui/pager.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { actionChoices, actionWords, detailLine, outcomeLabel } from '@cairn/schema/audit-words';
import './audit.css';

const pageSize = 50;
const empty = { nhsNumber: '', person: '', action: '', outcome: '', from: '', to: '' };
type Choices = typeof empty;
const filterFields = ['nhsNumber', 'person', 'action', 'outcome', 'from', 'to'];

/** The choices as the server's filter: only those given. */
function filterOf(c: Choices): AuditFilterInput {
  return {
    nhsNumber: c.nhsNumber.trim() || null,
    person: c.person.trim() || null,
    action: c.action || null,
    outcome: (c.outcome || null) as AuditOutcome | null,
    from: c.from || null,
    to: c.to || null,
  };
}

/**
 * Who read or changed a patient's record, and when: for information-governance requests. A service lead
 * sees their PCN's patients and staff, an administrator everything; reading and exporting are themselves
 * audited. Filters apply when asked (an NHS number half typed is not yet a filter).
 */
export function AuditPage(): JSX.Element {
  onMount(() => (document.title = 'Audit trail – Cairn'));
  const urql = useClient();
  const [draft, setDraft] = createSignal<Choices>({ ...empty });
  const [applied, setApplied] = createSignal<Choices>({ ...empty });
  const filter = createMemo(() => filterOf(applied()));
  const paging = createKeysetPaging(() => JSON.stringify(filter()));
  const [result, refetch] = createQuery({ query: AuditEntriesDocument, variables: () => ({ filter: filter(), first: pageSize, after: paging.after() }) });
  const page = () => (result.error ? undefined : result.data?.auditEntries);
  const problem = (): Problem | null => (result.error ? describeError(result.error) : null);
  const [exportProblem, setExportProblem] = createSignal<Problem | null>(null);
  const [exporting, setExporting] = createSignal(false);
  const set = (field: keyof Choices) => (value: string) => setDraft({ ...draft(), [field]: value });
  const fieldError = (field: string) => {
    const p = problem() ?? exportProblem();
    return p?.field === field ? p.message : undefined;
  };
  // The policy's answer (`viewerMay`, as the top bar asks it), so someone the view is not for is told so
  // plainly rather than shown a form whose every use is refused; FORBIDDEN from the query itself says the same.
  const [abilities] = createQuery({ query: ViewerMayNavDocument });
  const refused = () => abilities.data?.viewerMay.readAuditView === false || problem()?.code === ErrorCode.FORBIDDEN;

  const apply = (e: SubmitEvent) => {
    e.preventDefault();
    setExportProblem(null);
    setApplied({ ...draft() });
  };
  const clear = () => {
    setDraft({ ...empty });
    setApplied({ ...empty });
    setExportProblem(null);
  };
  const download = async () => {
    setExportProblem(null);
    setExporting(true);
    const res = await urql.query(AuditEntriesCsvDocument, { filter: filter() }).toPromise();
    setExporting(false);
    if (res.error || res.data?.auditEntriesCsv === undefined) return setExportProblem(res.error ? describeError(res.error) : { code: null, message: 'The export did not arrive. Please try again.' });
    const url = URL.createObjectURL(new Blob([res.data.auditEntriesCsv], { type: 'text/csv;charset=utf-8' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `cairn-audit-${new Date().toISOString().slice(0, 10)}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div class="audit">
      <div class="page-heading">
        <h1>Audit trail</h1>
        <p class="page-heading__summary">Who read or changed a record, and when. Newest first; times are UK time.</p>
      </div>
      <Show when={!refused()} fallback={<NotForYou />}>
        <form class="card audit-filters" onSubmit={apply} aria-label="Filter the audit trail" novalidate>
          <div class="audit-filters__grid">
            <TextField label="Patient's NHS number" inputmode="numeric" value={draft().nhsNumber} onInput={set('nhsNumber')} error={fieldError('nhsNumber')} />
            <TextField label="Person (name or email)" value={draft().person} onInput={set('person')} error={fieldError('person')} />
            <Select
              label="Action"
              value={draft().action}
              onChange={set('action')}
              error={fieldError('action')}
              options={[{ value: '', label: 'Any action' }, ...actionChoices.map((a) => ({ value: a.action, label: a.words }))]}
            />
            <Select
              label="Outcome"
              value={draft().outcome}
              onChange={set('outcome')}
              options={[
                { value: '', label: 'Any outcome' },
                { value: 'ALLOWED', label: 'Allowed' },
                { value: 'DENIED', label: 'Refused' },
                { value: 'FAILED', label: 'Failed' },
              ]}
            />
            <TextField label="From" type="date" value={draft().from} onInput={set('from')} error={fieldError('from')} />
            <TextField label="To" type="date" value={draft().to} onInput={set('to')} error={fieldError('to')} />
          </div>
          <div class="audit-filters__actions">
            <Button type="submit">Apply filters</Button>
            <Button variant="secondary" onClick={clear}>
              Clear
            </Button>
            <Button variant="secondary" busy={exporting()} onClick={() => void download()}>
              Download CSV
            </Button>
          </div>
        </form>
        <Show when={exportProblem() && !filterFields.includes(exportProblem()!.field ?? '')}>
          <Alert tone="error">{exportProblem()!.message}</Alert>
        </Show>
        <Switch>
          <Match when={problem()}>
            {(p) => (
              <Alert tone="error">
                <p>{filterFields.includes(p().field ?? '') ? 'Please correct the filter marked above.' : p().message}</p>
                <Show when={retryCanHelp(p())}>
                  <Button variant="secondary" onClick={() => refetch()}>
                    Try again
                  </Button>
                </Show>
              </Alert>
            )}
          </Match>
          <Match when={!page()}>
            <Spinner label="Loading the audit trail…" />
          </Match>
          <Match when={page()!.nodes.length === 0}>
            <EmptyState title="No entries match">
              <p>Nothing you may see matches these filters. Check the NHS number and the dates.</p>
            </EmptyState>
          </Match>
          <Match when={page()}>
            {(p) => (
              <>
                <div class="table-wrap">
                  <table class="caseload-table audit-table" aria-busy={result.fetching ? 'true' : undefined}>
                    <caption class="visually-hidden">Audit entries, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Person</th>
                        <th scope="col">Action</th>
                        <th scope="col">Outcome</th>
                        <th scope="col">Patient</th>
                        <th scope="col">Details</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={p().nodes}>
                        {(e) => (
                          <tr>
                            <th scope="row" class="nowrap">
                              <time datetime={e.at}>{formatDateTime(e.at, { seconds: true })}</time>
                            </th>
                            <td data-label="Person">
                              <div>
                                <Show when={e.actorName} fallback={<span class="muted">No one signed in</span>}>
                                  {e.actorName}
                                  <Show when={e.actorRole}>
                                    <span class="audit-table__sub">{roleLabel(e.actorRole!)}</span>
                                  </Show>
                                </Show>
                              </div>
                            </td>
                            <td data-label="Action">
                              {/* The words first; the code under them, as the CSV export and the filter's value name it. */}
                              <div>
                                {actionWords(e.action, e.outcome) ?? <code>{e.action}</code>}
                                <Show when={actionWords(e.action)}>
                                  <code class="audit-table__sub">{e.action}</code>
                                </Show>
                              </div>
                            </td>
                            <td data-label="Outcome">
                              <Badge tone={e.outcome === 'ALLOWED' ? 'success' : 'warning'}>{outcomeLabel(e.outcome)}</Badge>
                            </td>
                            <td data-label="Patient">
                              <Show when={e.patientNhsNumber} fallback={<span class="muted">—</span>}>
                                <div>
                                  <Show when={e.patientName && e.patientId}>
                                    <Link class="audit-table__patient" href={`/patients/${encodeURIComponent(e.patientId!)}`}>
                                      {e.patientName}
                                    </Link>
                                  </Show>
                                  <span class="nhs-number">{e.patientNhsNumber}</span>
                                </div>
                              </Show>
                            </td>
                            <td data-label="Details" class="audit-table__detail">
                              {detailLine(e.detail, { actorId: e.actorId, actorName: e.actorName, patientId: e.patientId, patientName: e.patientName, people: e.detailPeople })}
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
                <Pager
                  label="Pages of the audit trail"
                  index={paging.index()}
                  hasNext={p().pageInfo.hasNextPage}
                  busy={result.fetching}
                  onPrevious={paging.previous}
                  onNext={() => paging.next(p().pageInfo.endCursor)}
                  previousLabel="Newer"
                  nextLabel="Older"
                />
              </>
            )}
          </Match>
        </Switch>
      </Show>
    </div>
  );
}

/** For anyone the policy does not let read the view: say who it is for, with nothing to fill in or retry. */
function NotForYou(): JSX.Element {
  return (
    <EmptyState title="The audit trail is for service leads and administrators">
      <p>It shows who read or changed patients' records, for information-governance requests. If you need an entry from it, ask your service lead.</p>
    </EmptyState>
  );
}
