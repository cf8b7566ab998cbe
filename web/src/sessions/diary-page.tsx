import { CoachDiaryDocument, type CoachDiaryQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, For, Show, type JSX } from 'solid-js';
import { describeError } from '../platform/errors.js';
import { Link, navigate, searchParams } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Spinner } from '../ui/spinner.js';
import { addDays, dayTitle, modeLabels, statusLabels, timeOnly, ukDateOf } from './session-words.js';
import './sessions.css';

type Entry = CoachDiaryQuery['coachDiary']['weekSessions'][number];

/**
 * A coach's diary: the day it opened on first (today, unless `?date=` picks another), then that day's week day
 * by day, each session opening its patient. `?coach=` picks another coach. Only today is ever called today.
 */
export function DiaryPage(): JSX.Element {
  const coachId = () => searchParams().get('coach');
  const date = () => searchParams().get('date');
  const [result, refetch] = createQuery({ query: CoachDiaryDocument, variables: () => ({ coachId: coachId(), date: date() }), requestPolicy: 'cache-and-network' });
  const diary = () => result.data?.coachDiary;
  createEffect(() => (document.title = diary() ? `Diary: ${diary()!.coach.name} – Cairn` : 'Diary – Cairn'));
  const days = () => {
    const d = diary();
    return d ? Array.from({ length: 7 }, (_, i) => addDays(d.weekStart, i)) : [];
  };
  const on = (day: string) => (diary()?.weekSessions ?? []).filter((e) => ukDateOf(e.session.startsAt) === day);
  const go = (day: string) => navigate(`/diary?${new URLSearchParams({ ...(coachId() ? { coach: coachId()! } : {}), date: day }).toString()}`);
  const thisWeek = () => ukDateOf(new Date());

  return (
    <div class="diary-page">
      <h1>{diary() ? `Diary: ${diary()!.coach.name}` : 'Diary'}</h1>
      <Show when={result.error}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
          <button class="button button--secondary" type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </button>
        </Alert>
      </Show>
      <Show when={diary()} fallback={<Show when={!result.error}><Spinner label="Loading the diary…" /></Show>}>
        {(d) => (
          <>
            <nav class="diary-nav" aria-label="Weeks">
              <button class="button button--secondary" type="button" onClick={() => go(addDays(d().weekStart, -7))}>
                ← Previous week
              </button>
              <span class="diary-nav__week">Week of {dayTitle(d().weekStart)}</span>
              <button class="button button--secondary" type="button" onClick={() => go(thisWeek())}>
                This week
              </button>
              <button class="button button--secondary" type="button" onClick={() => go(addDays(d().weekStart, 7))}>
                Next week →
              </button>
            </nav>
            <section class="card diary-today" aria-labelledby="today-heading">
              <h2 id="today-heading">{d().day === d().today ? `Today, ${dayTitle(d().day)}` : dayTitle(d().day)}</h2>
              <DayList entries={on(d().day)} empty={d().day === d().today ? 'Nothing booked today.' : 'Nothing booked that day.'} />
            </section>
            <section class="diary-week" aria-labelledby="week-heading">
              <h2 id="week-heading">The week</h2>
              <For each={days()}>
                {(day) => (
                  <section class={`diary-day ${day === d().today ? 'diary-day--today' : ''}`} aria-labelledby={`day-${day}`}>
                    <h3 id={`day-${day}`} class="diary-day__title">
                      {dayTitle(day)}
                      {day === d().today ? ' (today)' : ''}
                    </h3>
                    <DayList entries={on(day)} empty="Nothing booked." />
                  </section>
                )}
              </For>
            </section>
          </>
        )}
      </Show>
    </div>
  );
}

function DayList(props: { entries: Entry[]; empty: string }): JSX.Element {
  return (
    <Show when={props.entries.length > 0} fallback={<p class="muted">{props.empty}</p>}>
      <ul class="diary-list">
        <For each={props.entries}>
          {(e) => (
            <li class={`diary-entry diary-entry--${e.session.status.toLowerCase()}`}>
              <span class="diary-entry__time">
                {timeOnly(e.session.startsAt)}–{timeOnly(e.session.endsAt)}
              </span>
              <span class="diary-entry__who">
                <Link href={`/patients/${encodeURIComponent(e.patient.id)}/sessions`}>{e.patient.name}</Link>
                <span class="muted"> · </span>
                <span class="muted diary-entry__nhs">{e.patient.nhsNumberFormatted}</span>
              </span>
              <span class="diary-entry__what">
                {modeLabels[e.session.mode]}
                {e.session.location ? ` at ${e.session.location}` : ''} · {e.session.purpose}
              </span>
              <span class="diary-entry__status">
                <Badge tone={statusLabels[e.session.status].tone}>{statusLabels[e.session.status].label}</Badge>
              </span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
