import { HandoversISentDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, onMount, Show, type JSX } from 'solid-js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { AcknowledgementStatus, HandoverLine } from './handover-status.js';
import { HomePatients } from './home-patients.js';
import { handoverChanges, keepFresh } from './keep-fresh.js';

/**
 * A specialist's home: the handovers they sent, each with whether it was acknowledged (by whom, when, and
 * on whose behalf), and the patients their service keeps sight of.
 */
export function SpecialistHome(): JSX.Element {
  const [result, refetch] = createQuery({ query: HandoversISentDocument, requestPolicy: 'cache-and-network' });
  onMount(() => (document.title = 'Your handovers – Cairn'));
  // The author is told of an acknowledgement and of an escalation dealt with, not of the escalation itself.
  keepFresh(() => refetch({ requestPolicy: 'network-only' }), handoverChanges, ['HANDOVER_ACKNOWLEDGED', 'HANDOVER_ESCALATION_HANDLED']);
  const loaded = lastGood(result);
  const sent = () => loaded()?.handoversISent;
  const awaiting = () => sent()?.filter((h) => !h.acknowledgedAt).length ?? 0;

  return (
    <div class="home">
      <div class="page-heading">
        <h1>Your handovers</h1>
        <p class="page-heading__summary" aria-live="polite">
          <Show when={sent()}>{(s) => `${s().length} sent · ${awaiting()} awaiting acknowledgement`}</Show>
        </p>
      </div>
      <section class="card home-section" aria-labelledby="sent-heading">
        <h2 id="sent-heading">Handovers sent</h2>
        <ListStates
          items={sent()}
          error={result.error}
          retry={() => refetch({ requestPolicy: 'network-only' })}
          loadingLabel="Loading your handovers…"
          empty={
            <EmptyState title="No handovers sent yet" headingLevel={3}>
              <p>Handovers you post from a patient's record appear here, with whether the care team has acknowledged them.</p>
            </EmptyState>
          }
        >
          {(list) => (
            <ul class="home-handovers">
              <For each={list}>
                {(h) => (
                  <li class={`home-handover home-handover--${h.urgency.toLowerCase()}`}>
                    <HandoverLine h={h} />
                    <AcknowledgementStatus h={h} />
                  </li>
                )}
              </For>
            </ul>
          )}
        </ListStates>
      </section>
      <HomePatients
        heading="Patients you keep sight of"
        headingId="sight-heading"
        filter={{ mine: false }}
        allHref="/caseload?scope=all"
        allLabel="All patients you can see"
        empty="No patients yet: a patient appears here once referred or handed over to your service"
      />
    </div>
  );
}
