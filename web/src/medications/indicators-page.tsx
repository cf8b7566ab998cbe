import { IndicatorScopesDocument, PrescribingIndicatorsDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { EmptyState } from '../ui/empty-state.js';
import { Select } from '../ui/select.js';
import { LineChart } from './line-chart.js';
import './medications.css';

const monthWords = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
/** `2026-01` as people read it: Jan 2026. */
const monthOf = (yyyyMm: string) => monthWords.format(new Date(`${yyyyMm}-01T00:00:00Z`));

/** Prescribing indicators per practice or PCN, month by month, as charts, a table and CSV. */
export function IndicatorsPage(): JSX.Element {
  document.title = 'Prescribing indicators – Cairn';
  const [scopes, refetchScopes] = createQuery({ query: IndicatorScopesDocument });
  const [chosen, setChosen] = createSignal('');
  const scope = createMemo(() => scopes.data?.indicatorScopes.find((s) => s.id === chosen()) ?? scopes.data?.indicatorScopes[0]);
  const [result, refetch] = createQuery({
    query: PrescribingIndicatorsDocument,
    variables: () => ({ practiceId: scope()?.kind === 'GP_PRACTICE' ? scope()!.id : null, pcnId: scope()?.kind === 'PCN' ? scope()!.id : null, months: 12 }),
    pause: () => !scope(),
  });
  // The figures shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);
  const data = () => loaded()?.prescribingIndicators;
  const labels = () => data()?.months.map((m) => monthOf(m.month)) ?? [];
  const series = (pick: (m: NonNullable<ReturnType<typeof data>>['months'][number]) => number) => data()?.months.map(pick) ?? [];
  const [csvHref, setCsvHref] = createSignal('');
  createEffect(() => {
    const csv = data()?.csv;
    if (!csv) return;
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    setCsvHref((previous) => {
      if (previous) URL.revokeObjectURL(previous);
      return url;
    });
  });

  return (
    // Inside the layout's own <main>: a second main landmark, and the page's padding twice, otherwise.
    <div class="indicators-page">
      <h1>Prescribing indicators</h1>
      <p class="muted">
        Counted from the medication history recorded in Cairn, as of each month's last day: in the spirit of the national measures (NHS England's opioid
        reduction opportunity, the NHSBSA opioid comparators, OpenPrescribing). Cairn advises and records; it never prescribes.
      </p>
      <ListStates
        items={scopes.data?.indicatorScopes}
        error={scopes.error}
        retry={() => refetchScopes({ requestPolicy: 'network-only' })}
        loadingLabel="Loading…"
        empty={<EmptyState title="No indicators for you" headingLevel={3}><p>A practice's GPs and pain management practitioners, and its PCN's service leads, see its prescribing indicators.</p></EmptyState>}
      >
        {(list) => (
          <>
            <Select label="Practice or PCN" value={scope()?.id ?? ''} options={list.map((s) => ({ value: s.id, label: s.kind === 'PCN' ? `${s.name} (whole PCN)` : s.name }))} onChange={setChosen} />
            <ListStates items={data() ? [data()!] : undefined} error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} loadingLabel="Counting…" empty={<></>}>
              {(d) => (
                <>
                  <p>
                    <a class="button button--secondary" href={csvHref()} download={`prescribing-indicators-${d[0].scopeName.replace(/\W+/g, '-').toLowerCase()}.csv`}>
                      Download CSV
                    </a>
                  </p>
                  <div class="indicator-charts">
                    <LineChart title="Patients on opioids" labels={labels()} values={series((m) => m.onOpioid)} />
                    <LineChart title={`On ≥ ${d[0].highDoseThreshold} mg OME a day`} labels={labels()} values={series((m) => m.onHighDoseOpioid)} />
                    <LineChart title="Opioid with a gabapentinoid" labels={labels()} values={series((m) => m.opioidWithGabapentinoid)} />
                    <LineChart title="Opioids over 12 months" labels={labels()} values={series((m) => m.opioidOver12Months)} />
                    <LineChart title="OME mg a day per 1,000 patients" labels={labels()} values={series((m) => m.omePer1000)} />
                    <LineChart title="Gabapentinoid DDDs per 1,000 patients" labels={labels()} values={series((m) => m.gabapentinoidDddPer1000)} />
                    <LineChart title="Medication reviews done" labels={labels()} values={series((m) => m.reviewsDone)} />
                    <LineChart title="Patients with a reduced OME" labels={labels()} values={series((m) => m.patientsReduced)} />
                  </div>
                  <p class="muted indicator-durations" data-testid="indicator-durations">
                    How long: two durations, as the national comparators count them. “3–6 months” is on opioids without a break for more than 3 and up to 6 months
                    (use becoming long-term); “over 12 months”, for more than 12 months (long-term use). Someone on opioids for 6 to 12 months is in neither: they
                    are counted in “On opioids”.
                  </p>
                  <p class="muted table-scroll-hint">The table scrolls sideways; the month stays in view.</p>
                  <div class="table-wrap">
                    <table class="medication-table indicator-table">
                      <caption>{d[0].scopeName}: month by month</caption>
                      <thead>
                        <tr>
                          <th scope="col">Month</th>
                          <th scope="col">Registered</th>
                          <th scope="col">On opioids</th>
                          <th scope="col">High dose</th>
                          <th scope="col">With a gabapentinoid</th>
                          <th scope="col">Opioids 3–6 months</th>
                          <th scope="col">Opioids over 12 months</th>
                          <th scope="col">OME per 1,000</th>
                          <th scope="col">High-dose item share</th>
                          <th scope="col">Gabapentinoid DDDs per 1,000</th>
                          <th scope="col">Reviews</th>
                          <th scope="col">Reduced (OME before → after)</th>
                        </tr>
                      </thead>
                      <tbody>
                        <For each={d[0].months}>
                          {(m) => (
                            <tr>
                              <th scope="row">{monthOf(m.month)}</th>
                              <td>{m.registeredPatients.toLocaleString('en-GB')}</td>
                              <td>{m.onOpioid}</td>
                              <td>{m.onHighDoseOpioid}</td>
                              <td>{m.opioidWithGabapentinoid}</td>
                              <td>{m.opioid3To6Months}</td>
                              <td>{m.opioidOver12Months}</td>
                              <td>{m.omePer1000.toLocaleString('en-GB')}</td>
                              <td>{Math.round(m.highDoseItemShare * 100)}%</td>
                              <td>{m.gabapentinoidDddPer1000.toLocaleString('en-GB')}</td>
                              <td>{m.reviewsDone}</td>
                              <td>
                                {m.patientsReduced}
                                <Show when={m.patientsReduced > 0}> ({m.omeBeforeReductions} → {m.omeAfterReductions} mg)</Show>
                              </td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </div>
                </>
              )}
            </ListStates>
          </>
        )}
      </ListStates>
    </div>
  );
}
