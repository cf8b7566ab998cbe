import { PainCafesDocument, type PainCafeFillFragment } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { refreshOnNotifications } from '../notifications/refresh-on-notifications.js';
import { describeError } from '../platform/errors.js';
import { Link, navigate } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { FillBar } from '../ui/fill-bar.js';
import { Spinner } from '../ui/spinner.js';
import { attendanceSummary, cafeKinds, cafeLink, cafeWhen, cafeWhere, registerSummary } from './cafe-words.js';
import { CreateCafeForm } from './create-cafe-form.js';
import './pain-cafes.css';

/** The PCN's Pain Cafés: the upcoming ones and how full each is, on one screen; the past ones below. */
export function PainCafesPage(): JSX.Element {
  document.title = 'Pain Cafés – Cairn';
  const [result, refetch] = createQuery({ query: PainCafesDocument, requestPolicy: 'cache-and-network' });
  const [creating, setCreating] = createSignal(false);
  refreshOnNotifications(cafeKinds, () => refetch({ requestPolicy: 'network-only' }));
  return (
    <div class="pain-cafes">
      <div class="page-heading">
        <h1>Pain Cafés</h1>
        <Show when={result.data?.canArrangePainCafes && !creating()}>
          <Button onClick={() => setCreating(true)}>Arrange a café</Button>
        </Show>
      </div>
      <Show when={creating()}>
        <CreateCafeForm
          onCreated={(id) => {
            setCreating(false);
            refetch({ requestPolicy: 'network-only' });
            navigate(cafeLink(id));
          }}
          onCancel={() => setCreating(false)}
        />
      </Show>
      <Show when={result.error}>
        <Alert tone="error">{describeError(result.error!).message}</Alert>
      </Show>
      <Show when={result.data} fallback={<Show when={!result.error}><Spinner label="Loading Pain Cafés…" /></Show>}>
        {(d) => (
          <>
            <Show when={onNow(d().upcoming).length > 0}>
              <section aria-labelledby="on-now-heading">
                <h2 id="on-now-heading">On now</h2>
                <ul class="cafe-list">
                  <For each={onNow(d().upcoming)}>{(c) => <CafeCard cafe={c} phase="now" />}</For>
                </ul>
              </section>
            </Show>
            <section aria-labelledby="upcoming-heading">
              <h2 id="upcoming-heading">Upcoming</h2>
              <Show when={toCome(d().upcoming).length > 0} fallback={<p class="muted">No cafés are arranged. {d().canArrangePainCafes ? 'Arrange one to start inviting patients.' : ''}</p>}>
                <ul class="cafe-list">
                  <For each={toCome(d().upcoming)}>{(c) => <CafeCard cafe={c} phase="upcoming" />}</For>
                </ul>
              </Show>
            </section>
            <Show when={d().past.length > 0}>
              <section aria-labelledby="past-heading">
                <h2 id="past-heading">Past cafés</h2>
                <ul class="cafe-list cafe-list--past">
                  <For each={d().past}>{(c) => <CafeCard cafe={c} phase="past" />}</For>
                </ul>
              </section>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}

/**
 * The server lists every café not yet ended as upcoming; one that has started is on now, and its card shows
 * its register rather than places left to book (the café's page takes bookings only before it starts).
 */
const hasStarted = (c: PainCafeFillFragment, now: number) => new Date(c.startsAt).getTime() <= now;
const onNow = (cafes: readonly PainCafeFillFragment[], now = Date.now()) => cafes.filter((c) => hasStarted(c, now));
const toCome = (cafes: readonly PainCafeFillFragment[], now = Date.now()) => cafes.filter((c) => !hasStarted(c, now));

function CafeCard(props: { cafe: PainCafeFillFragment; phase: 'upcoming' | 'now' | 'past' }): JSX.Element {
  const c = () => props.cafe;
  const cancelled = () => c().status === 'CANCELLED';
  return (
    <li class="card cafe-card">
      <div class="cafe-card__head">
        <h3 class="cafe-card__title">
          <Link href={cafeLink(c().id)}>{c().title}</Link>
        </h3>
        <Show when={cancelled()} fallback={<Show when={props.phase === 'now'}><Badge tone="info">On now</Badge></Show>}>
          <Badge tone="muted">Cancelled</Badge>
        </Show>
      </div>
      <p class="cafe-card__when">{cafeWhen(c().startsAt, c().endsAt)}</p>
      <p class="cafe-card__where muted">{cafeWhere(c())}</p>
      {/* Places left and the waiting list only for cafés to come; one that has started shows its register. */}
      <Show when={!cancelled() && props.phase === 'upcoming'}>
        <FillBar taken={c().registeredCount} capacity={c().capacity} label={`Places taken on ${c().title}`} overflow={c().waitlistCount} overflowLabel="on the waiting list" />
      </Show>
      <Show when={!cancelled() && props.phase !== 'upcoming'}>
        <p class="cafe-card__attendance">{props.phase === 'now' ? registerSummary(c()) : attendanceSummary(c())}</p>
      </Show>
    </li>
  );
}
