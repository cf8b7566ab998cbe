import { DashboardFilterOptionsDocument, ServiceDashboardCsvDocument, ServiceDashboardDocument, type DashboardGroup, type DashboardRowFieldsFragment } from '@cairn/schema/operations';
import { signedNumber } from '@cairn/schema/words';
import { createQuery, useClient } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { formatDateTime, ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { BarChart } from '../ui/bar-chart.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import './outcomes.css';

type Row = DashboardRowFieldsFragment;
type Figure = Row['pseqChangePoints'];

/** A figure, a dash when there is nothing to compute it over, or "withheld" when it is over too few patients to show. */
function show(f: Figure, unit: string, withSign = true): string {
  if (f.withheld) return 'withheld';
  return f.value === null ? '—' : `${withSign ? signedNumber(f.value) : f.value}${unit}`;
}
/**
 * The evaluation in one sentence. A figure with nothing to compute it over is said in words ("no follow-up
 * PSEQ yet"), never as a dash standing in for a number mid-sentence.
 */
function headline(t: Row): string {
  const part = (f: Figure, none: string, said: (value: string) => string, withSign = true) => (f.value === null && !f.withheld ? none : `${said(show(f, '%', withSign))} (N = ${f.n})`);
  return [
    `${t.patients} ${t.patients === 1 ? 'patient' : 'patients'}`,
    part(t.pseqChangePercent, 'no follow-up PSEQ yet', (v) => `PSEQ ${v}`),
    part(t.confidenceChangePercent, 'no follow-up confidence rating yet', (v) => `confidence without medication ${v}`),
    part(t.noGpVisitPercent, 'no GP visit counts yet', (v) => `${v} no GP visit`, false),
  ].join('; ') + '.';
}
/** A bar's value: none for a withheld figure, whose note says so (its N is in the table; the chart has room for one word). */
const bar = (label: string, f: Figure) => ({ label, value: f.withheld ? null : f.value, note: f.withheld ? 'withheld' : `N = ${f.n}` });

/**
 * The service's figures for a service lead (their PCN) or a coach (their caseload): the evaluation as the
 * service publishes it, the figures by group with N beside each, charts, definitions and a CSV export.
 */
export function DashboardPage(): JSX.Element {
  document.title = 'Service dashboard – Cairn';
  const urql = useClient();
  const [groupBy, setGroupBy] = createSignal<DashboardGroup>('PRACTICE');
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  const [condition, setCondition] = createSignal('');
  const [practiceId, setPracticeId] = createSignal('');
  const [coachId, setCoachId] = createSignal('');
  const [exportProblem, setExportProblem] = createSignal<Problem | null>(null);
  const filter = () => ({ groupBy: groupBy(), from: from() || null, to: to() || null, condition: condition() || null, practiceId: practiceId() || null, coachId: coachId() || null });
  const [options] = createQuery({ query: DashboardFilterOptionsDocument });
  const choices = (all: string, items: ReadonlyArray<{ id: string; name: string }> | undefined) => [{ value: '', label: all }, ...(items ?? []).map((i) => ({ value: i.id, label: i.name }))];
  const [result] = createQuery({ query: ServiceDashboardDocument, variables: () => ({ filter: filter() }) });
  const d = () => result.data?.serviceDashboard;

  const exportCsv = async () => {
    setExportProblem(null);
    const res = await urql.query(ServiceDashboardCsvDocument, { filter: filter() }).toPromise();
    if (res.error) return setExportProblem(describeError(res.error));
    const url = URL.createObjectURL(new Blob([res.data!.serviceDashboardCsv], { type: 'text/csv;charset=utf-8' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `cairn-outcomes-${ukToday()}.csv` });
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div class="dashboard">
      <h1>Service dashboard</h1>
      <form class="dashboard__filters card" onSubmit={(e) => e.preventDefault()}>
        <Select
          label="Group by"
          value={groupBy()}
          onChange={(v) => setGroupBy(v as DashboardGroup)}
          options={[
            { value: 'PRACTICE', label: 'Practice' },
            { value: 'COACH', label: 'Care-team lead' },
            { value: 'CONDITION', label: 'Condition' },
            { value: 'NONE', label: 'No grouping' },
          ]}
        />
        <Select label="Practice" value={practiceId()} onChange={setPracticeId} options={choices('All practices', options.data?.dashboardFilterOptions.practices)} />
        <Select label="Care-team lead" value={coachId()} onChange={setCoachId} options={choices('All leads', options.data?.dashboardFilterOptions.leads)} />
        <Select
          label="Condition"
          value={condition()}
          onChange={setCondition}
          options={[{ value: '', label: 'All conditions' }, ...(options.data?.dashboardFilterOptions.conditions ?? []).map((c) => ({ value: c, label: c }))]}
        />
        <TextField label="Period from" type="date" value={from()} onInput={setFrom} />
        <TextField label="to" type="date" value={to()} onInput={setTo} />
        <Button variant="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </Button>
      </form>
      <Show when={exportProblem()}>{(p) => <Alert tone="error">{p().message}</Alert>}</Show>
      <Show when={result.error}>{(e) => <Alert tone="error">{describeError(e()).message}</Alert>}</Show>
      <Show when={d()} fallback={<Show when={!result.error}><Spinner label="Computing the figures…" /></Show>}>
        {(dash) => (
          <>
            <section class="card dashboard__evaluation" aria-labelledby="evaluation-heading">
              <h2 id="evaluation-heading">The evaluation</h2>
              <p class="dashboard__headline" data-testid="evaluation-line">
                {headline(dash().total)}
              </p>
              <p class="muted">
                Computed from the records at {formatDateTime(dash().computedAt)} (UK time). N is the number of patients each figure is computed over; a figure over too few patients to show is withheld
                (see “Withheld figures” below).
              </p>
            </section>
            <ProgrammeFigures rows={dash().rows} total={dash().total} />
            <section class="card" aria-labelledby="figures-heading">
              <h2 id="figures-heading">Outcomes</h2>
              <p class="muted table-scroll-hint">The table scrolls sideways.</p>
              <div class="dashboard__table-wrap">
                <table class="dashboard__table">
                  <thead>
                    <tr>
                      <th scope="col">Group</th>
                      <th scope="col">Patients</th>
                      <th scope="col">Referred / active / discharged</th>
                      <th scope="col">PSEQ change (points)</th>
                      <th scope="col">PSEQ change (%)</th>
                      <th scope="col">Change of means (%)</th>
                      <th scope="col">Significant PSEQ improvement</th>
                      <th scope="col">Confidence without medication (%)</th>
                      <th scope="col">No GP visit</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={[...dash().rows, { ...dash().total, label: 'Total' }]}>
                      {(r) => (
                        <tr class={r.label === 'Total' ? 'dashboard__total' : ''}>
                          <th scope="row">{r.label}</th>
                          <td>{r.patients}</td>
                          <td>
                            {r.referred} / {r.active} / {r.discharged}
                          </td>
                          <FigureCell f={r.pseqChangePoints} unit="" />
                          <FigureCell f={r.pseqChangePercent} unit="%" />
                          <FigureCell f={r.pseqChangeOfMeansPercent} unit="%" />
                          <FigureCell f={r.pseqMeaningfulPercent} unit="%" plain />
                          <FigureCell f={r.confidenceChangePercent} unit="%" />
                          <td>
                            {show(r.noGpVisitPercent, '%', false)} <span class="muted dashboard__n">N = {r.noGpVisitPercent.n}</span>
                            <Show when={r.gpCountsBeforeProgramme > 0}>
                              <span class="muted dashboard__n">
                                {r.gpCountsBeforeProgramme} {r.gpCountsBeforeProgramme === 1 ? 'count' : 'counts'} from before the programme left out
                              </span>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </section>
            <Show when={dash().rows.length > 0}>
              <section class="card" aria-labelledby="charts-heading">
                <h2 id="charts-heading">Charts</h2>
                <h3>PSEQ change from baseline (%)</h3>
                <BarChart unit="%" description="PSEQ change from baseline in percent, by group" bars={dash().rows.map((r) => bar(r.label, r.pseqChangePercent))} />
                <h3>No GP visit for pain (%)</h3>
                <BarChart unit="%" signed={false} max={100} description="Share of patients with no GP visit for pain, by group" bars={dash().rows.map((r) => bar(r.label, r.noGpVisitPercent))} />
              </section>
            </Show>
            <section class="card" aria-labelledby="definitions-heading">
              <h2 id="definitions-heading">What each figure means</h2>
              <dl class="dashboard__definitions">
                <For each={dash().definitions}>
                  {(x) => (
                    <>
                      <dt>{x.term}</dt>
                      <dd>{x.text}</dd>
                    </>
                  )}
                </For>
              </dl>
            </section>
          </>
        )}
      </Show>
    </div>
  );
}

function FigureCell(props: { f: Figure; unit: string; plain?: boolean }): JSX.Element {
  return (
    <td>
      {show(props.f, props.unit, !props.plain)} <span class="muted dashboard__n">N = {props.f.n}</span>
    </td>
  );
}

/** The programme's activity in the period: referrals, sessions and their DNA rate, Pain Café attendance. */
function ProgrammeFigures(props: { rows: readonly Row[]; total: Row }): JSX.Element {
  return (
    <section class="card" aria-labelledby="programme-heading">
      <h2 id="programme-heading">The programme</h2>
      <p class="muted table-scroll-hint">The table scrolls sideways.</p>
      <div class="dashboard__table-wrap">
        <table class="dashboard__table">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Referrals received / accepted</th>
              <th scope="col">Sessions delivered</th>
              <th scope="col">DNA rate</th>
              <th scope="col">Pain Café places attended (patients)</th>
            </tr>
          </thead>
          <tbody>
            <For each={[...props.rows, { ...props.total, label: 'Total' }]}>
              {(r) => (
                <tr class={r.label === 'Total' ? 'dashboard__total' : ''}>
                  <th scope="row">{r.label}</th>
                  <td>
                    {r.referralsReceived} / {r.referralsAccepted}
                  </td>
                  <td>{r.sessionsAttended}</td>
                  <td>
                    {show(r.dnaRatePercent, '%', false)} <span class="muted dashboard__n">of {r.dnaRatePercent.n} sessions</span>
                  </td>
                  <td>
                    {r.cafeAttendances} ({r.cafePatients})
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={props.rows.length > 0}>
        <h3>Sessions delivered</h3>
        <BarChart unit="" signed={false} description="Coaching sessions delivered, by group" bars={props.rows.map((r) => ({ label: r.label, value: r.sessionsAttended, note: `${r.sessionsDna} DNA` }))} />
        <h3>DNA rate (%)</h3>
        <BarChart unit="%" signed={false} max={100} description="Share of recorded sessions the patient did not attend, by group" bars={props.rows.map((r) => ({ label: r.label, value: r.dnaRatePercent.value, note: `of ${r.dnaRatePercent.n}` }))} />
      </Show>
    </section>
  );
}
