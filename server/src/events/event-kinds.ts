import { registerEnumType } from 'type-graphql';

/**
 * The payload each kind of event carries: small, and fit for anyone who may read the patient. The events
 * domain declares only its own kind here; every other domain declares its kinds beside its module, in
 * `<domain>.events.ts`, by declaration merging:
 *
 *   declare module '../events/event-kinds.js' { interface EventPayloads extends HandoverEventPayloads {} }
 *
 * and lists them (with what each means) in its module's `eventKinds`, which the composition root turns
 * into the GraphQL enum. Patient-stream kinds are shared with whoever can read the patient.
 */
export interface EventPayloads {
  /** Private to `recipient_id`: a notification was created for them. */
  NOTIFICATION: { notificationId: string; notificationKind: string; title: string; body: string; link: string };
}

/** Every kind of event on the log, from every module. */
export type EventKind = keyof EventPayloads & string;

/** A module's kinds, each with what it means (the enum value's description). */
export type EventKindList = Readonly<Record<string, string>>;

/**
 * Lists a domain's kinds; the record type makes the list exactly the domain's payload interface, so a kind
 * declared without being listed (or listed without a payload) fails to compile.
 */
export function eventKinds<Payloads>(descriptions: { readonly [K in keyof Payloads & string]: string }): EventKindList {
  return descriptions;
}

export const eventsEventKinds = eventKinds<Pick<EventPayloads, 'NOTIFICATION'>>({
  NOTIFICATION: 'A notification was created for one user; private to them.',
});

/**
 * The GraphQL enum `EventKind`. It starts with the events domain's own kind; the composition root adds
 * every module's kinds (registerEventKinds) before the schema is built.
 */
export const EventKindEnum: Record<string, string> = {};
const descriptions: Record<string, { description: string }> = {};
registerEnumType(EventKindEnum, { name: 'EventKind', description: 'What happened; the timeline filters on it.', valuesConfig: descriptions });

export function registerEventKinds(list: EventKindList): void {
  for (const [kind, description] of Object.entries(list)) {
    EventKindEnum[kind] = kind;
    descriptions[kind] = { description };
  }
}

/** A short plain-text excerpt for payloads and notifications. */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + '…';
}
