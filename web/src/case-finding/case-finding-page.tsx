import { CaseFindingHomeDocument, SaveCaseSearchDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link, navigate } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { CriteriaBuilder, criteriaInput, emptyCriteria } from './criteria-builder.js';
import { ProgrammeNav } from '../referrals/programme-nav.js';
import '../referrals/referrals.css';
import './case-finding.css';

/** Case finding: your saved searches over the PCN's patients, and a new one. */
export function CaseFindingPage(): JSX.Element {
  document.title = 'Case finding – Cairn';
  const [home] = createQuery({ query: CaseFindingHomeDocument, requestPolicy: 'cache-and-network' });
  const [name, setName] = createSignal('');
  const [criteria, setCriteria] = createSignal(emptyCriteria());
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, save] = createMutation(SaveCaseSearchDocument);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await save({ input: { name: name(), criteria: criteriaInput(criteria()) } });
    if (r.error) return setProblem(describeError(r.error));
    navigate(`/case-finding/${encodeURIComponent(r.data!.saveCaseSearch.id)}`);
  };

  return (
    <div class="case-finding-page">
      <ProgrammeNav />
      <h1>Case finding</h1>
      <p class="muted">Search your PCN's practice lists for patients who may benefit from coaching, then record the invitations you send. Cairn records invitations; it sends nothing.</p>
      <Show when={home.error}>
        <Alert tone="error">{describeError(home.error!).message}</Alert>
      </Show>
      <Show when={home.data} fallback={<Show when={!home.error}><Spinner label="Loading…" /></Show>}>
        {(d) => (
          <>
            <section aria-labelledby="saved-heading">
              <h2 id="saved-heading">Your saved searches</h2>
              <Show when={d().myCaseSearches.length > 0} fallback={<p class="muted">None yet.</p>}>
                <ul class="saved-searches">
                  <For each={d().myCaseSearches}>
                    {(s) => (
                      <li>
                        <Link href={`/case-finding/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
            <form class="card case-search-form" onSubmit={(e) => void submit(e)} aria-labelledby="new-heading">
              <h2 id="new-heading">New search</h2>
              <TextField label="Name" hint="For example: Fibromyalgia, not on the programme" value={name()} onInput={setName} error={problem()?.field === 'name' ? problem()!.message : undefined} required />
              <CriteriaBuilder
                value={criteria()}
                onChange={setCriteria}
                conditions={d().conditionOptions}
                practices={d().organisations.filter((o) => o.kind === 'GP_PRACTICE')}
              />
              <Show when={problem() && problem()!.field !== 'name'}>
                <Alert tone="error">{problem()!.message}</Alert>
              </Show>
              <div>
                <Button type="submit" busy={state.fetching}>
                  Save and search
                </Button>
              </div>
            </form>
          </>
        )}
      </Show>
    </div>
  );
}
