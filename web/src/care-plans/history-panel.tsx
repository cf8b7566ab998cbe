import { type CarePlanSection, CarePlanAtDocument, CarePlanDiffDocument, CarePlanHistoryDocument, RestoreCarePlanRevisionDocument, type CarePlanHistoryQuery } from '@cairn/schema/operations';
import { listInWords } from '@cairn/schema/words';
import { createQuery } from '@urql/solid';
import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { formatDateTime } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { randomId } from './base64.js';
import { usePlan } from './plan-context.js';
import { sectionLabels, type PlanView } from './plan-doc.js';
import { PlanReadOnly } from './plan-read-only.js';
import { wordDiff } from './word-diff.js';
import { useSession } from '../auth/session.js';

/** SafeInt arrives untyped from codegen; seqs are plain numbers here. */
type Revision = Omit<CarePlanHistoryQuery['carePlanRevisions'][number], 'seq' | 'beforeSeq'> & { seq: number; beforeSeq: number };
type Detail = { kind: 'view'; seq: number; label: string } | { kind: 'diff'; from: number; to: number; label: string } | null;

/** Every author of a revision, by name, in the order they began: "Coach, Physio and Pharmacist". None is ever left out. */
function authorNames(authors: ReadonlyArray<{ name: string }>): string {
  return listInWords(authors.map((a) => a.name));
}

/** The plan's history as revisions (a co-editing session is one, naming everyone in it): who, when, which sections; open one, compare two, or restore one. */
export function HistoryPanel(props: { onClose(): void }): JSX.Element {
  const { sync, canEdit, agreements } = usePlan();
  const patientId = sync.patientId;
  const [result, refetch] = createQuery({ query: CarePlanHistoryDocument, variables: () => ({ patientId }) });
  // Follow edits while the panel is open, without refetching on every keystroke.
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(sync.version, () => {
    clearTimeout(timer);
    timer = setTimeout(() => refetch(), 2000);
  }, { defer: true }));
  onCleanup(() => clearTimeout(timer));
  createEffect(on(agreements, () => refetch({ requestPolicy: 'network-only' }), { defer: true }));

  const revisions = (): Revision[] => (result.data?.carePlanRevisions ?? []).map((r) => ({ ...r, seq: Number(r.seq), beforeSeq: Number(r.beforeSeq) }));
  const [detail, setDetail] = createSignal<Detail>(null);
  const [confirming, setConfirming] = createSignal<Revision | null>(null);
  const [from, setFrom] = createSignal<number | null>(null);
  const [to, setTo] = createSignal<number | null>(null);
  // To the second: co-editing sessions a few seconds apart would otherwise read alike.
  const label = (r: Revision) => `${authorNames(r.authors)}, ${formatDateTime(r.endedAt, { seconds: true })}`;
  const options = () => [...revisions().map((r) => ({ seq: r.seq, label: label(r) })), { seq: 0, label: 'The empty plan' }];
  const compareFrom = () => from() ?? revisions()[1]?.seq ?? 0;
  const compareTo = () => to() ?? revisions()[0]?.seq ?? 0;
  const labelOf = (seq: number) => options().find((o) => o.seq === seq)?.label ?? `revision ${seq}`;

  return (
    <section class="history card" aria-labelledby="history-heading">
      <div class="history__head">
        <h3 id="history-heading">History</h3>
        <Button variant="quiet" onClick={() => props.onClose()}>
          Close history
        </Button>
      </div>
      <Show when={result.error}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
        </Alert>
      </Show>
      <Show when={result.data} fallback={<Spinner label="Loading history…" />}>
        <Show when={revisions().length > 0} fallback={<p class="muted">No changes have been made to this plan yet.</p>}>
          <form
            class="history__compare"
            onSubmit={(e) => {
              e.preventDefault();
              setDetail({ kind: 'diff', from: compareFrom(), to: compareTo(), label: `Changes from ${labelOf(compareFrom())} to ${labelOf(compareTo())}` });
            }}
          >
            <RevisionSelect id="compare-from" label="Compare" value={compareFrom()} options={options()} onChange={setFrom} />
            <RevisionSelect id="compare-to" label="with" value={compareTo()} options={options()} onChange={setTo} />
            <Button type="submit" variant="secondary">
              Show differences
            </Button>
          </form>
          <ol class="revisions">
            <For each={revisions()}>
              {(r, i) => (
                <li class="revision">
                  <div class="revision__who">
                    <strong>{authorNames(r.authors)}</strong>
                    <span class="muted nowrap"> {formatDateTime(r.endedAt, { seconds: true })}</span>
                    <Show when={r.signedOff}>
                      {' '}
                      <span class="badge badge--success">Agreed with the patient</span>
                    </Show>
                  </div>
                  <div class="revision__sections">
                    <Show when={r.sections.length > 0} fallback={<span class="muted">No visible change</span>}>
                      <span class="visually-hidden">Changed: </span>
                      <For each={r.sections}>{(s) => <span class="tag">{sectionLabels[s]}</span>}</For>
                    </Show>
                  </div>
                  <div class="revision__actions">
                    <Button variant="quiet" onClick={() => setDetail({ kind: 'view', seq: r.seq, label: label(r) })} aria-label={`Open the plan as it was after ${label(r)}`}>
                      Open
                    </Button>
                    <Button variant="quiet" onClick={() => setDetail({ kind: 'diff', from: r.beforeSeq, to: r.seq, label: `What changed in ${label(r)}` })} aria-label={`What changed in ${label(r)}`}>
                      What changed
                    </Button>
                    <Show when={canEdit && i() > 0}>
                      <Button variant="quiet" onClick={() => setConfirming(r)} aria-label={`Restore the plan to how it was after ${label(r)}`}>
                        Restore…
                      </Button>
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </Show>
      <Show when={confirming()}>{(r) => <RestoreConfirm revision={r()} label={label(r())} onDone={() => (setConfirming(null), refetch())} />}</Show>
      <Show when={detail()} keyed>
        {(d) => (
          <div class="history__detail" role="region" aria-label={d.label}>
            <div class="history__head">
              <h4>{d.kind === 'view' ? `The plan after ${d.label}` : d.label}</h4>
              <Button variant="quiet" onClick={() => setDetail(null)}>
                {d.kind === 'view' ? 'Close this version' : 'Close the comparison'}
              </Button>
            </div>
            <Switch>
              <Match when={d.kind === 'view' && d}>{(v) => <RevisionView seq={v().seq} />}</Match>
              <Match when={d.kind === 'diff' && d}>{(v) => <DiffView from={v().from} to={v().to} />}</Match>
            </Switch>
          </div>
        )}
      </Show>
    </section>
  );
}

function RevisionSelect(props: { id: string; label: string; value: number; options: Array<{ seq: number; label: string }>; onChange(seq: number): void }): JSX.Element {
  return (
    <div class="field">
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
      <select id={props.id} class="field__input field__select" onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
        <For each={props.options}>{(o) => <option value={String(o.seq)} selected={o.seq === props.value}>{o.label}</option>}</For>
      </select>
    </div>
  );
}

function RestoreConfirm(props: { revision: Revision; label: string; onDone(): void }): JSX.Element {
  const { sync } = usePlan();
  const { connection } = useSession();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  // One id per confirmation, so a retried click is stored once.
  const clientUpdateId = `web-restore-${randomId()}`;
  let confirmButton!: HTMLButtonElement;
  const restore = async () => {
    setBusy(true);
    const res = await connection().urql.mutation(RestoreCarePlanRevisionDocument, { patientId: sync.patientId, seq: props.revision.seq, clientUpdateId }).toPromise();
    setBusy(false);
    if (res.error) setProblem(describeError(res.error).message);
    else props.onDone();
  };
  queueMicrotask(() => confirmButton?.focus());
  return (
    <div class="restore-confirm" role="alertdialog" aria-labelledby="restore-title" aria-describedby="restore-body">
      <p id="restore-title">
        <strong>Restore the plan to how it was after {props.label}?</strong>
      </p>
      <p id="restore-body">This makes a new change in your name that brings that content back. Nothing is deleted: the current version stays in the history.</p>
      <Show when={problem()}>
        <Alert tone="error">
          <p>{problem()}</p>
        </Alert>
      </Show>
      <div class="restore-confirm__actions">
        <Button ref={confirmButton} busy={busy()} onClick={() => void restore()}>
          Restore this version
        </Button>
        <Button variant="secondary" onClick={() => props.onDone()}>
          Cancel
        </Button>
      </div>
    </div>
  );
}

function RevisionView(props: { seq: number }): JSX.Element {
  const { sync, careTeam } = usePlan();
  const [result] = createQuery({ query: CarePlanAtDocument, variables: () => ({ patientId: sync.patientId, seq: props.seq }) });
  return (
    <Switch fallback={<Spinner label="Loading that version…" />}>
      <Match when={result.error}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
        </Alert>
      </Match>
      <Match when={result.data}>{(d) => <PlanReadOnly view={d().carePlanAt.view as PlanView} careTeam={careTeam} level={5} />}</Match>
    </Switch>
  );
}

function DiffView(props: { from: number; to: number }): JSX.Element {
  const { sync } = usePlan();
  const [result] = createQuery({ query: CarePlanDiffDocument, variables: () => ({ patientId: sync.patientId, fromSeq: props.from, toSeq: props.to }) });
  const changed = () => result.data?.carePlanDiff.filter((d) => d.changed) ?? [];
  const same = () => result.data?.carePlanDiff.filter((d) => !d.changed) ?? [];
  return (
    <Switch fallback={<Spinner label="Comparing…" />}>
      <Match when={result.error}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
        </Alert>
      </Match>
      <Match when={result.data}>
        <Show when={changed().length > 0} fallback={<p class="muted">These two versions are the same.</p>}>
          <For each={changed()}>
            {(d) => (
              <div class="diff-section">
                <h5>{sectionLabels[d.section]}</h5>
                <ul class="diff-changes">
                  <For each={d.changes}>{(change) => <li>{change}</li>}</For>
                </ul>
                {/* Text sections read best word by word; lists and dates read best as the sentences above. */}
                <details class="diff-words" open={proseSections.includes(d.section)}>
                  <summary>Word by word</summary>
                  <DiffText before={d.before} after={d.after} />
                </details>
              </div>
            )}
          </For>
        </Show>
        <Show when={same().length > 0}>
          <p class="muted">No change: {same().map((d) => sectionLabels[d.section]).join(', ')}.</p>
        </Show>
      </Match>
    </Switch>
  );
}

const proseSections: CarePlanSection[] = ['WHAT_MATTERS', 'FLARE_UP', 'MEDICATION'];

/** Word-level changes inline: removed words struck through, added words underlined (and named for screen readers). */
function DiffText(props: { before: string; after: string }): JSX.Element {
  const parts = () => wordDiff(props.before, props.after);
  return (
    <Show
      when={parts()}
      fallback={
        <div class="diff-columns">
          <div>
            <strong>Before</strong>
            <p class="diff-text">{props.before}</p>
          </div>
          <div>
            <strong>After</strong>
            <p class="diff-text">{props.after}</p>
          </div>
        </div>
      }
    >
      {(list) => (
        <p class="diff-text">
          <For each={list()}>
            {(p) =>
              p.kind === 'same' ? (
                <span>{p.text}</span>
              ) : p.kind === 'removed' ? (
                <del>
                  <span class="visually-hidden">[removed: </span>
                  {p.text}
                  <span class="visually-hidden">]</span>
                </del>
              ) : (
                <ins>
                  <span class="visually-hidden">[added: </span>
                  {p.text}
                  <span class="visually-hidden">]</span>
                </ins>
              )
            }
          </For>
        </p>
      )}
    </Show>
  );
}
