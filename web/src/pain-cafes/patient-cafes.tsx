import { PatientPainCafesDocument, type PatientPainCafesQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { For, Show, type JSX } from 'solid-js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { Badge, type BadgeTone } from '../ui/badge.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { cafeLink } from './cafe-words.js';

type Place = NonNullable<PatientPainCafesQuery['patient']>['painCafes'][number];


/** In UK time, as the café was arranged, whatever the computer's zone. */
const when = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** Where the patient stands at a café, in words: attendance once recorded, otherwise their place. */
export function placeWords(p: Pick<Place, 'status' | 'attendance' | 'waitlistPosition'>): { label: string; tone: BadgeTone } {
  if (p.attendance === 'ATTENDED') return { label: 'Attended', tone: 'success' };
  if (p.attendance === 'DID_NOT_ATTEND') return { label: 'Did not attend', tone: 'warning' };
  switch (p.status) {
    case 'REGISTERED':
      return { label: 'Has a place', tone: 'info' };
    case 'WAITLISTED':
      return { label: p.waitlistPosition ? `Waiting list, number ${p.waitlistPosition}` : 'Waiting list', tone: 'neutral' };
    case 'INVITED':
      return { label: 'Invited', tone: 'neutral' };
    case 'CANCELLED':
      return { label: 'Place cancelled', tone: 'neutral' };
  }
}

/** The patient's Pain Cafés beside their coaching sessions: places held, waited for, and attendance. */
export function PatientCafes(props: { patientId: string }): JSX.Element {
  const [result, refetch] = createQuery({ query: PatientPainCafesDocument, variables: () => ({ patientId: props.patientId }) });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  followPatientEvents(() => props.patientId, (e) => (e.kind.startsWith('CAFE_') ? reload() : undefined), reload);
  // The cafés shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);
  const places = () => loaded()?.patient?.painCafes;
  return (
    <section aria-labelledby="patient-cafes-heading">
      <h3 id="patient-cafes-heading">Pain Cafés</h3>
      <ListStates items={places()} error={result.error} retry={reload} loadingLabel="Loading Pain Cafés…" empty={<p class="muted">Not invited to a Pain Café yet.</p>}>
        {(items) => (
          <ul class="session-list">
            <For each={items}>
              {(p) => (
                <li class="session-item">
                  <div class="session-item__heading">
                    <p class="session-item__when">
                      <strong>{when.format(new Date(p.cafe.startsAt))}</strong> <Badge tone={placeWords(p).tone}>{placeWords(p).label}</Badge>
                      <Show when={p.cafe.status === 'CANCELLED'}>
                        {' '}
                        <Badge tone="warning">Café cancelled</Badge>
                      </Show>
                    </p>
                    <p class="muted">
                      Group session: <a href={cafeLink(p.cafe.id)}>{p.cafe.title}</a>
                    </p>
                  </div>
                </li>
              )}
            </For>
          </ul>
        )}
      </ListStates>
    </section>
  );
}
