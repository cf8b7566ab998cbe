import { CoachCapacitiesDocument, CoachDiaryDocument, ViewerMayNavDocument, type CoachDiaryQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, For, Show, type JSX } from 'solid-js';
import { describeError } from '../platform/errors.js';
import { Link, navigate, searchParams } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { LoadFailed } from '../ui/list-states.js';
import { Spinner } from '../ui/spinner.js';
import { addDays, dayTitle, modeLabels, statusLabels, timeOnly, ukDateOf } from './session-words.js';
import './sessions.css';

type Entry = CoachDiaryQuery['coachDiary']['weekSessions'][number];

/**
 * A coach's diary: the day it opened on first (today, unless `?date=` picks another), then that day's week day
 * by day, each session opening its patient. `?coach=` picks another coach. Only today is ever called today.
 * Someone who keeps no diary of their own (a service lead) picks one of their PCN's coaches instead.
 */
export function DiaryPage(): JSX.Element {
  const coachId = () => searchParams().get('coach');
  const date = () => searchParams().get('date');
  const [abilities] = createQuery({ query: ViewerMayNavDocument });
  const choosing = () => !coachId() && abilities.data?.viewerMay.keepDiary === false;
  // Without a coach named, wait to know whose diary to ask for: asking for a lead's own was refused.
  const paused = () => !coachId() && abilities.data?.viewerMay.keepDiary !== true;
  const [result, refetch] = createQuery({ query: CoachDiaryDocument, variables: () => ({ coachId: coachId(), date: date() }), requestPolicy: 'cache-and-network', pause: paused });
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
      <Show when={choosing()}>
        <CoachChoice canChoose={abilities.data?.viewerMay.viewCapacity === true} />
      </Show>
      <Show when={result.error}>{(error) => <LoadFailed error={error()} retry={() => refetch({ requestPolicy: 'network-only' })} />}</Show>
      <Show when={diary()} fallback={<Show when={!result.error && !choosing()}><Spinner label="Loading the diary…" /></Show>}>
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
                    {/* The day opened is listed in full in the card above; listing it again here doubled it. */}
                    <Show when={day !== d().day} fallback={<p class="muted">{sessionsAbove(on(day).length)}</p>}>
                      <DayList entries={on(day)} empty="Nothing booked." />
                    </Show>
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

const sessionsAbove = (n: number) => (n === 0 ? 'Nothing booked.' : `${n} ${n === 1 ? 'session' : 'sessions'}, listed above.`);

/** For a service lead: their PCN's coaches, each opening that coach's diary (capacity lists the same coaches). */
function CoachChoice(props: { canChoose: boolean }): JSX.Element {
  const [coaches] = createQuery({ query: CoachCapacitiesDocument, requestPolicy: 'cache-and-network', pause: () => !props.canChoose });
  return (
    <Show when={props.canChoose} fallback={<p>A diary belongs to a coach. Coaches keep their own; a service lead opens the diaries of their PCN's coaches.</p>}>
      <section class="card" aria-labelledby="coach-choice-heading">
        <h2 id="coach-choice-heading">Whose diary?</h2>
        <Show when={coaches.error}>{(error) => <Alert tone="error">{describeError(error()).message}</Alert>}</Show>
        <Show when={coaches.data?.coachCapacities} fallback={<Show when={!coaches.error}><Spinner label="Loading your coaches…" /></Show>}>
          {(rows) => (
            <Show when={rows().length > 0} fallback={<p class="muted">No coaches in this PCN yet.</p>}>
              <ul class="coach-choice">
                <For each={rows()}>
                  {(row) => (
                    <li>
                      <Link href={`/diary?coach=${encodeURIComponent(row.coach.id)}`}>{row.coach.name}</Link>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </section>
    </Show>
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
