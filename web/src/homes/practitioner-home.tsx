import { HandoverInboxDocument, MedicationWorklistsDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, onMount, Show, type JSX } from 'solid-js';
import { formatDueDate } from '../notifications/when.js';
import { formatIsoDate } from '../platform/dates.js';
import { Link } from '../platform/router.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { UrgencyBadge } from '../handover/urgency.js';
import { handoverHref } from './handover-status.js';
import { HomePatients } from './home-patients.js';
import { handoverChanges, keepFresh, medicationChanges } from './keep-fresh.js';

const shown = 5;

/**
 * A pain management practitioner's home: what is asked of them (handover actions assigned to them,
 * handovers to acknowledge, medication reviews due), then their patients. The medication worklists and the
 * handover inbox stay the full lists; this shows the first few of each and links there.
 */
export function PractitionerHome(): JSX.Element {
  const [inbox, refetchInbox] = createQuery({ query: HandoverInboxDocument, variables: { includeDone: false }, requestPolicy: 'cache-and-network' });
  const [medication, refetchMedication] = createQuery({ query: MedicationWorklistsDocument, requestPolicy: 'cache-and-network' });
  onMount(() => (document.title = 'Your day – Cairn'));
  keepFresh(() => refetchInbox({ requestPolicy: 'network-only' }), handoverChanges, ['HANDOVER_POSTED', 'HANDOVER_REROUTED', 'HANDOVER_ACKNOWLEDGED', 'HANDOVER_ACTION_DONE_FOR_YOU']);
  // A request for approval, or its withdrawal, goes to the team's GPs, never to a practitioner.
  keepFresh(() => refetchMedication({ requestPolicy: 'network-only' }), medicationChanges, ['MEDICATION_CHANGE_DECIDED']);

  const inboxShown = lastGood(inbox);
  const medicationShown = lastGood(medication);
  const actions = () => inboxShown()?.myHandoverActions;
  const awaiting = () => inboxShown()?.handoversAwaitingMyAcknowledgement ?? [];
  const due = () => medicationShown()?.medicationReviewsDue;

  return (
    <div class="home">
      <div class="page-heading">
        <h1>Your day</h1>
        <p class="page-heading__summary" aria-live="polite">
          <Show when={actions() && due()}>
            {actions()!.length === 1 ? '1 action for you' : `${actions()!.length} actions for you`} · {due()!.length === 1 ? '1 medication review due' : `${due()!.length} medication reviews due`}
          </Show>
        </p>
      </div>

      <div class="home-columns">
        <section class="card home-section" aria-labelledby="actions-heading">
          <div class="home-section__head">
            <h2 id="actions-heading">Actions for you</h2>
            <Link href="/handovers">Handover inbox</Link>
          </div>
          <ListStates items={actions()} error={inbox.error} retry={() => refetchInbox({ requestPolicy: 'network-only' })} loadingLabel="Loading your actions…" empty={<p class="muted">No recommended actions are assigned to you.</p>}>
            {(list) => (
              <ul class="home-list">
                <For each={list.slice(0, shown)}>
                  {(a) => (
                    <li>
                      <span class="home-list__title">
                        <UrgencyBadge urgency={a.handover.urgency} /> <strong>{a.description}</strong>
                      </span>
                      <span class="home-list__meta">
                        {a.handover.patient.name} · <Link href={handoverHref(a.handover)}>{a.handover.summary}</Link> · {a.dueDate ? `due ${formatDueDate(a.dueDate)}` : 'no due date'}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </ListStates>
          <Show when={awaiting().length > 0}>
            <p class="home-section__more">
              <Link href="/handovers">{awaiting().length === 1 ? '1 handover awaits your acknowledgement' : `${awaiting().length} handovers await your acknowledgement`}</Link>
            </p>
          </Show>
        </section>

        <section class="card home-section" aria-labelledby="medication-heading">
          <div class="home-section__head">
            <h2 id="medication-heading">Medication reviews due</h2>
            <Link href="/medication-reviews">All medication reviews</Link>
          </div>
          <ListStates items={due()} error={medication.error} retry={() => refetchMedication({ requestPolicy: 'network-only' })} loadingLabel="Loading reviews…" empty={<p class="muted">No medication reviews are due.</p>}>
            {(list) => (
              <ul class="home-list">
                <For each={list.slice(0, shown)}>
                  {(r) => (
                    <li>
                      <Link href={`/patients/${encodeURIComponent(r.patient.id)}/medication`}>{r.patient.name}</Link>
                      <span class="home-list__meta">
                        {r.nextReviewDue ? `Due ${formatIsoDate(r.nextReviewDue)}` : 'On an opioid, never reviewed'}
                        {r.lastReviewedOn ? ` · last reviewed ${formatIsoDate(r.lastReviewedOn)}` : ''}
                      </span>
                    </li>
                  )}
                </For>
              </ul>
            )}
          </ListStates>
          <Show when={(due()?.length ?? 0) > shown}>
            <p class="home-section__more">
              <Link href="/medication-reviews">{due()!.length - shown} more</Link>
            </p>
          </Show>
        </section>
      </div>

      <HomePatients heading="Your patients" headingId="patients-heading" filter={{ mine: true }} allHref="/caseload" allLabel="Your whole caseload" empty="You are not on any care team yet" />
    </div>
  );
}
