import { PatientTimelineDocument, type EventKind, type PatientTimelineQuery } from '@cairn/schema/operations';
import { useClient } from '@urql/solid';
import { createEffect, createSignal, For, on, Show, type JSX } from 'solid-js';
import { formatDateTime, timeAgo } from '../notifications/when.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { LoadFailed } from '../ui/list-states.js';
import { Select } from '../ui/select.js';
import { Spinner } from '../ui/spinner.js';
import { describeEvent } from './event-words.js';
import { followPatientEvents, type LivePatientEvent } from './patient-events.js';
import './timeline.css';

type TimelineEvent = PatientTimelineQuery['timeline']['nodes'][number];

/** The filter's choices: groups of kinds, in the words people use. */
const filters: ReadonlyArray<{ value: string; label: string; empty: string; kinds: EventKind[] | null }> = [
  { value: 'all', label: 'Everything', empty: 'Nothing here yet', kinds: null },
  { value: 'handover', label: 'Handovers', empty: 'No handovers yet', kinds: ['HANDOVER_POSTED', 'HANDOVER_ADDENDUM_ADDED', 'HANDOVER_ACKNOWLEDGED', 'HANDOVER_ESCALATED', 'HANDOVER_ESCALATION_REROUTED', 'HANDOVER_ACTION_DONE'] },
  { value: 'discussion', label: 'Discussions', empty: 'No discussions yet', kinds: ['THREAD_STARTED', 'THREAD_POSTED', 'THREAD_POST_EDITED', 'THREAD_RESOLVED', 'THREAD_REOPENED'] },
  { value: 'care-plan', label: 'Care plan', empty: 'No care-plan changes yet', kinds: ['CARE_PLAN_REVISED', 'CARE_PLAN_SIGNED_OFF'] },
  {
    value: 'medication',
    label: 'Medication',
    empty: 'No medication changes yet',
    kinds: ['MEDICATION_ADDED', 'MEDICATION_CHANGED', 'MEDICATION_STOPPED', 'MEDICATION_REVIEWED', 'MEDICATION_CHANGE_PROPOSED', 'MEDICATION_CHANGE_DECIDED', 'MEDICATION_CHANGE_AGREED', 'MEDICATION_CHANGE_WITHDRAWN', 'TAPER_PAUSED', 'TAPER_RESUMED', 'TAPER_REPLACED', 'TAPER_STEP_DUE'],
  },
  {
    value: 'sessions',
    label: 'Sessions',
    empty: 'No sessions yet',
    kinds: ['SESSION_BOOKED', 'SESSION_REBOOKED', 'SESSION_CANCELLED', 'SESSION_RECORDED', 'SESSION_ADDENDUM_ADDED', 'SESSION_DNA_ALERT', 'PATIENT_DISCHARGED'],
  },
  { value: 'care-team', label: 'Care team', empty: 'No care-team changes yet', kinds: ['CARE_TEAM_MEMBER_ADDED', 'CARE_TEAM_MEMBER_REMOVED', 'CARE_TEAM_LEAD_CHANGED'] },
  { value: 'record', label: 'Details and status', empty: 'No changes to the details or status yet', kinds: ['PATIENT_DETAILS_CHANGED', 'PATIENT_STATUS_CHANGED'] },
  { value: 'referral', label: 'Referrals', empty: 'No referrals or invitations yet', kinds: ['REFERRAL_RECEIVED', 'REFERRAL_TRIAGED', 'INVITATION_SENT', 'INVITATION_ANSWERED'] },
  { value: 'measures', label: 'Measures', empty: 'No measures yet', kinds: ['OUTCOME_RECORDED', 'QUESTIONNAIRE_SENT', 'QUESTIONNAIRE_COMPLETED'] },
  {
    value: 'pain-cafe',
    label: 'Pain Cafés',
    empty: 'No Pain Cafés yet',
    kinds: ['CAFE_INVITED', 'CAFE_REGISTERED', 'CAFE_WAITLISTED', 'CAFE_PLACE_OFFERED', 'CAFE_CANCELLED', 'CAFE_MOVED', 'CAFE_ATTENDED', 'CAFE_DID_NOT_ATTEND'],
  },
];
const pageSize = 20;

/** Everything that has happened in this record, newest first, a page at a time; new events appear at the top. */
export function TimelineTab(props: { patientId: string }): JSX.Element {
  const urql = useClient();
  const [filter, setFilter] = createSignal('all');
  const [events, setEvents] = createSignal<TimelineEvent[]>([]);
  const [more, setMore] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const kinds = () => filters.find((f) => f.value === filter())?.kinds ?? null;
  const emptyTitle = () => filters.find((f) => f.value === filter())?.empty ?? 'Nothing here yet';
  let generation = 0;

  /** Loads the first page (`before` null) or the next older one. */
  const load = async (before: string | null) => {
    const mine = before === null ? ++generation : generation;
    setLoading(true);
    const r = await urql.query(PatientTimelineDocument, { patientId: props.patientId, kinds: kinds(), before, first: pageSize }, { requestPolicy: 'network-only' }).toPromise();
    if (mine !== generation) return;
    setLoading(false);
    if (!r.data) {
      setProblem(r.error ? describeError(r.error) : { code: null, message: 'The history did not load. Please try again.' });
      return;
    }
    setProblem(null);
    setEvents(before === null ? r.data.timeline.nodes : [...events(), ...r.data.timeline.nodes]);
    setMore(r.data.timeline.pageInfo.hasNextPage ? r.data.timeline.pageInfo.endCursor : null);
  };

  createEffect(on([() => props.patientId, filter], () => void load(null)));

  followPatientEvents(
    () => props.patientId,
    (event: LivePatientEvent) => {
      const k = kinds();
      if (event.kind === 'NOTIFICATION' || (k && !k.includes(event.kind))) return;
      if (events().some((e) => e.seq === event.seq)) return;
      setEvents([event, ...events()]);
    },
    () => void load(null),
  );

  return (
    <div class="timeline">
      <div class="timeline__toolbar">
        <Select label="Show" value={filter()} options={filters} onChange={setFilter} class="timeline__filter" />
        <p class="muted timeline__summary" aria-live="polite">
          {loading() || events().length === 0 ? '' : `${events().length} ${events().length === 1 ? 'event' : 'events'} shown${more() ? ', more available' : ''}`}
        </p>
      </div>
      <Show when={problem()}>{(p) => <LoadFailed error={p()} stale={events().length > 0} retry={() => void load(null)} />}</Show>
      <Show when={!loading() || events().length > 0} fallback={<Spinner label="Loading history…" />}>
        <Show
          when={events().length > 0}
          fallback={
            <Show when={!problem()}>
              <EmptyState title={emptyTitle()} headingLevel={3}>
                <p>Handovers, discussions, care-plan changes and care-team changes are listed here as they happen.</p>
              </EmptyState>
            </Show>
          }
        >
          <ol class="timeline__list" aria-label="History, newest first">
            <For each={events()}>
              {(e) => {
                const words = describeEvent(e);
                return (
                  <li class={`timeline__event timeline__event--${words.group}`}>
                    <span class="timeline__marker" aria-hidden="true" />
                    <div class="timeline__content">
                      <p class="timeline__what">
                        <strong>{e.actorName ?? 'Cairn'}</strong> {words.action}
                      </p>
                      <Show when={words.detail}>
                        <p class="timeline__detail">{words.detail}</p>
                      </Show>
                      <p class="timeline__when">
                        <time datetime={e.createdAt} title={formatDateTime(e.createdAt)}>
                          {formatDateTime(e.createdAt)}
                        </time>{' '}
                        · {timeAgo(e.createdAt)}
                      </p>
                    </div>
                  </li>
                );
              }}
            </For>
          </ol>
          <Show when={more()}>
            <Button variant="secondary" busy={loading()} onClick={() => void load(more())}>
              Show older events
            </Button>
          </Show>
        </Show>
      </Show>
    </div>
  );
}
