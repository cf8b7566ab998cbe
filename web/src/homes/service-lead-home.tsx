import { CoachCapacitiesDocument, ServiceLeadHandoversDocument, type HomeHandoverFragment } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createSignal, For, onCleanup, onMount, Show, type Accessor, type JSX } from 'solid-js';
import { Link } from '../platform/router.js';
import { Badge } from '../ui/badge.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { UrgencyBadge } from '../handover/urgency.js';
import { EscalationActions } from './escalation-actions.js';
import { AcknowledgementStatus, handoverHref, HandoverLine, When } from './handover-status.js';
import { HomePatients } from './home-patients.js';
import { handoverChanges, keepFresh, patientListChanges, sessionChanges } from './keep-fresh.js';

const day = 86_400_000;
/** How long a handover has waited, by band: what the lead scans for first. */
const bands = [
  { label: 'Over a week', from: 7 * day },
  { label: '2 to 7 days', from: 2 * day },
  { label: 'Under 2 days', from: 0 },
] as const;
type Band = (typeof bands)[number];
/**
 * How long `h` has waited at `now`. A note stamped after `now` (sent since the clock last ticked, or by a
 * server whose clock is ahead of this computer's) has waited no time at all: it is the youngest band.
 */
const bandOf = (h: Pick<HomeHandoverFragment, 'createdAt'>, now: number): Band => bands.find((b) => now - Date.parse(h.createdAt) >= b.from) ?? bands[bands.length - 1];
/** The bands move on while the page stays open; a minute is finer than the narrowest band needs. */
const clockTickMs = 60_000;

/**
 * A PCN service lead's home: escalated handovers to act on (and those dealt with lately), every unacknowledged
 * handover by how long it has waited, care-plan reviews due, and each coach's caseload against capacity.
 * Escalations, and escalations dealt with elsewhere (by another lead, or by the care team), update here live;
 * other changes to the handovers within a minute (`keepFresh`).
 */
export function ServiceLeadHome(): JSX.Element {
  const [handovers, refetch] = createQuery({ query: ServiceLeadHandoversDocument, requestPolicy: 'cache-and-network' });
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  onMount(() => (document.title = 'Service overview – Cairn'));
  // Escalations reach every service lead of the PCN; a posted or acknowledged handover only one on its care team
  // or its author, so the other leads' lists follow on keepFresh's steady refresh.
  keepFresh(refresh, handoverChanges, ['HANDOVER_ESCALATED', 'HANDOVER_ESCALATION_HANDLED', 'HANDOVER_ACKNOWLEDGED', 'HANDOVER_POSTED']);

  const loaded = lastGood(handovers);
  const escalated = () => loaded()?.escalatedHandovers;
  const open = () => escalated()?.filter((h) => h.escalationOpen) ?? [];
  const unacknowledged = () => loaded()?.unacknowledgedHandovers;

  return (
    <div class="home">
      <div class="page-heading">
        <h1>Service overview</h1>
        <p class="page-heading__summary" aria-live="polite">
          <Show when={escalated() && unacknowledged()}>
            {open().length === 1 ? '1 escalation to act on' : `${open().length} escalations to act on`} · {unacknowledged()!.length === 1 ? '1 unacknowledged handover' : `${unacknowledged()!.length} unacknowledged handovers`}
          </Show>
        </p>
      </div>

      <section class="card home-section" aria-labelledby="escalated-heading">
        <h2 id="escalated-heading">Escalated handovers</h2>
        <ListStates
          items={escalated()}
          error={handovers.error}
          retry={refresh}
          loadingLabel="Loading escalations…"
          empty={
            <EmptyState title="No escalations" headingLevel={3}>
              <p>A handover is escalated to you when the care team has not acknowledged it in time.</p>
            </EmptyState>
          }
        >
          {(list) => (
            <ul class="home-handovers" aria-live="polite">
              <For each={list}>
                {(h) => (
                  <li class={`home-handover home-handover--${h.urgency.toLowerCase()} ${h.escalationOpen ? 'home-handover--open' : 'home-handover--handled'}`} data-handover={h.id}>
                    <HandoverLine h={h} from />
                    <p class="home-handover__meta">
                      Escalated <When iso={h.escalatedAt!} /> · lead: {h.patient.careTeam.find((m) => m.isLead)?.user.name ?? 'none'}
                    </p>
                    <Show when={h.escalationOpen} fallback={<AcknowledgementStatus h={h} handled />}>
                      <EscalationActions h={h} onDone={refresh} />
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          )}
        </ListStates>
      </section>

      <section class="card home-section" aria-labelledby="unacknowledged-heading">
        <h2 id="unacknowledged-heading">Unacknowledged handovers by age</h2>
        <ListStates
          items={unacknowledged()}
          error={handovers.error}
          retry={refresh}
          loadingLabel="Loading handovers…"
          empty={<EmptyState title="Every handover has been acknowledged" headingLevel={3} />}
        >
          {(list) => <ByAge list={list} />}
        </ListStates>
      </section>

      <HomePatients
        heading="Care-plan reviews due"
        headingId="reviews-heading"
        filter={{ mine: false, reviewDue: true }}
        sort="REVIEW_DATE"
        allHref="/caseload?scope=all&review=due&sort=REVIEW_DATE"
        allLabel="Every patient with a review due"
        empty="No care-plan reviews are due"
      />

      <TeamCaseloads />
    </div>
  );
}

function ByAge(props: { list: readonly HomeHandoverFragment[] }): JSX.Element {
  const now = ticking(clockTickMs);
  const count = (label: string) => props.list.filter((h) => bandOf(h, now()).label === label).length;
  return (
    <>
      <p class="muted">{bands.map((b) => `${b.label}: ${count(b.label)}`).join(' · ')}</p>
      <div class="table-wrap">
        <table class="inbox-table">
          <caption class="visually-hidden">Unacknowledged handovers, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Waiting</th>
              <th scope="col">Urgency</th>
              <th scope="col">Handover</th>
              <th scope="col">Patient</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.list}>
              {(h) => (
                <tr class={`inbox-table__row inbox-table__row--${h.urgency.toLowerCase()}`}>
                  <td class="nowrap">
                    <strong>{bandOf(h, now()).label}</strong>
                    <span class="inbox-table__from">
                      sent <When iso={h.createdAt} />
                    </span>
                  </td>
                  <td>
                    <UrgencyBadge urgency={h.urgency} />
                  </td>
                  <th scope="row" class="inbox-table__summary">
                    <Link href={handoverHref(h)}>{h.summary}</Link>
                    <span class="inbox-table__from">
                      From {h.author.name}, {h.sourceService}
                    </span>
                    <Show when={h.escalationOpen}>
                      <Badge tone="info">Escalated</Badge>
                    </Show>
                    <Show when={h.escalationOutcome === 'LEAD_REASSIGNED'}>
                      <Badge tone="warning">Awaiting the new lead</Badge>
                    </Show>
                  </th>
                  <td>
                    <span class="inbox-table__patient">{h.patient.name}</span>
                    <span class="nhs-number inbox-table__nhs">{h.patient.nhsNumberFormatted}</span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The time now, read again every `ms` until the component goes. */
function ticking(ms: number): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), ms);
  onCleanup(() => clearInterval(tick));
  return now;
}

/** Each coach's active caseload and this week's sessions against capacity: the capacity page's own figures. */
function TeamCaseloads(): JSX.Element {
  const [result, refetch] = createQuery({ query: CoachCapacitiesDocument, requestPolicy: 'cache-and-network' });
  keepFresh(() => refetch({ requestPolicy: 'network-only' }), [...patientListChanges, ...sessionChanges]);
  const loaded = lastGood(result);
  const over = (value: number, of: number | null) => of !== null && value > of;
  return (
    <section class="card home-section" aria-labelledby="caseloads-heading">
      <div class="home-section__head">
        <h2 id="caseloads-heading">Team caseloads</h2>
        <Link href="/capacity">Capacity and diaries</Link>
      </div>
      <ListStates items={loaded()?.coachCapacities} error={result.error} retry={() => refetch({ requestPolicy: 'network-only' })} loadingLabel="Loading caseloads…" empty={<p class="muted">No coaches in this PCN yet.</p>}>
        {(rows) => (
          <ul class="home-list home-caseloads">
            <For each={rows}>
              {(r) => (
                <li>
                  <strong>{r.coach.name}</strong>
                  <span class="home-list__meta">
                    Active caseload {r.activeCaseload}
                    {r.caseloadSize !== null ? ` of ${r.caseloadSize}` : ' (capacity not set)'} · sessions this week {r.sessionsThisWeek}
                    {r.sessionsPerWeek !== null ? ` of ${r.sessionsPerWeek}` : ''}
                  </span>
                  <Show when={over(r.activeCaseload, r.caseloadSize) || over(r.sessionsThisWeek, r.sessionsPerWeek)}>
                    <span>
                      <Badge tone="warning">Over capacity</Badge>
                    </span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        )}
      </ListStates>
    </section>
  );
}
