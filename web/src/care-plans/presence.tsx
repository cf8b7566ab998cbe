import {
  CarePlanHeartbeatDocument,
  CarePlanPresenceChangedDocument,
  LeaveCarePlanDocument,
  type CarePlanPresenceFieldsFragment,
  type CarePlanSection,
} from '@cairn/schema/operations';
import type { Client } from '@urql/core';
import { createEffect, createSignal, For, on, onCleanup, Show, type Accessor, type JSX } from 'solid-js';
import type { Role } from '@cairn/schema/operations';
import { roleLabel } from '@cairn/schema/words';
import { randomId } from './base64.js';

export type PresenceEntry = CarePlanPresenceFieldsFragment;

/** Heartbeats well inside the server's 25 s expiry, so a live tab never flickers out. */
const heartbeatMs = 10_000;

export interface Presence {
  /** Everyone else here now (this person's other tabs are left out too). */
  others: Accessor<PresenceEntry[]>;
  /** Call when focus or a click moves within the plan. */
  focus(section: CarePlanSection | null, editing: boolean): void;
}

/**
 * Tells the server which section this tab is in (a heartbeat, and at once on a change) and follows who
 * else is where. Leaves when the tab closes or the plan is left; the server forgets anyone silent for 25 s.
 */
export function createPresence(urql: Client, patientId: string, myUserId: string, canEdit: boolean): Presence {
  const clientId = randomId();
  const [where, setWhere] = createSignal<{ section: CarePlanSection | null; editing: boolean }>({ section: null, editing: false }, {
    equals: (a, b) => a.section === b.section && a.editing === b.editing,
  });
  const [entries, setEntries] = createSignal<PresenceEntry[]>([]);

  const beat = () => {
    const { section, editing } = where();
    void urql.mutation(CarePlanHeartbeatDocument, { patientId, section, activity: canEdit && editing ? 'EDITING' : 'VIEWING', clientId }).toPromise();
  };
  createEffect(on(where, beat));
  const timer = setInterval(beat, heartbeatMs);
  const subscription = urql.subscription(CarePlanPresenceChangedDocument, { patientId }).subscribe((result) => {
    if (result.data) setEntries(result.data.carePlanPresenceChanged);
  });
  const leave = () => void urql.mutation(LeaveCarePlanDocument, { patientId, clientId }).toPromise();
  window.addEventListener('pagehide', leave);
  onCleanup(() => {
    clearInterval(timer);
    subscription.unsubscribe();
    window.removeEventListener('pagehide', leave);
    leave();
  });

  return {
    others: () => entries().filter((e) => e.userId !== myUserId),
    focus: (section, editing) => setWhere({ section, editing }),
  };
}

const palette = ['#12506b', '#6b2d5c', '#2d5f2e', '#7a3d00', '#3b4a8c', '#8a1c3b', '#00606b', '#5a4200'];

function colourFor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return palette[h % palette.length]!;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

/** Round initials for the people in one section; the words (name, role, viewing or editing) are in the label. */
export function PresenceAvatars(props: { entries: PresenceEntry[]; label?: string }): JSX.Element {
  // One avatar per person, editing wins over viewing.
  const people = () => {
    const byUser = new Map<string, PresenceEntry>();
    for (const e of props.entries) if (!byUser.has(e.userId) || e.activity === 'EDITING') byUser.set(e.userId, e);
    return [...byUser.values()];
  };
  const describe = (e: PresenceEntry) => `${e.name} (${roleLabel(e.role as Role) ?? e.role}) is ${e.activity === 'EDITING' ? 'editing' : 'viewing'}`;
  return (
    <Show when={people().length > 0}>
      <ul class="presence" aria-label={props.label ?? 'Also here'}>
        <For each={people()}>
          {(e) => (
            <li class={`presence__avatar ${e.activity === 'EDITING' ? 'presence__avatar--editing' : ''}`} style={{ 'background-color': colourFor(e.userId) }} title={describe(e)}>
              <span aria-hidden="true">{initials(e.name)}</span>
              <span class="visually-hidden">{describe(e)}</span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
