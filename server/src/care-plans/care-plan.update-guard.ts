import { CarePlanSection, topLevelOf } from '@cairn/schema/care-plan';
import * as Y from 'yjs';
import { badInput } from '../platform/errors.js';
import { badCharacterIn } from '../platform/input-gate.js';
import { initialCarePlanUpdate } from './care-plan.doc.js';

/**
 * What a care-plan update may claim. A Yjs struct names its author by client id and clock, and a document
 * takes a range it already holds as done: an update that writes a range of someone else's client id (an
 * item, or a GC or Skip struct, which stand for "removed" or "not sent" content) makes that person's
 * next edits, acknowledged as stored, disappear on every replica. So an update may write only items
 * (never GC or Skip, which only a replica makes of its own store), under client ids that are its
 * author's on this plan (see `ownerConflict`), holding text PostgreSQL can store, and must change
 * something. Its shape as a care plan is care-plan.doc.ts's business.
 */

/** What the store keeps of an update's structs once they have been read. */
export interface UpdateFacts {
  /**
   * Each Yjs client id the update writes items under, with the clock its items reach. Only a client
   * whose clock goes past what the plan holds is claimed: structs a plan already holds change nothing
   * (a client may send its whole state), and deleting others' items claims nothing.
   */
  reach: Map<number, number>;
}

/** Owner of the client ids of every plan's initial structure: the server, which is no user. */
const SERVER_OWNER = 'server';
const serverClients = new Set(Y.decodeUpdate(initialCarePlanUpdate).structs.map((s) => s.id.client));

/** The nested types a plan is made of; anything else (XML nodes, sub-documents) has no place in one. */
const planTypes = new Set<unknown>([Y.Array, Y.Map, Y.Text]);

/** Reads an update's structs and refuses what no editor may send (BAD_USER_INPUT on `update`). */
export function inspectUpdate(update: Uint8Array): UpdateFacts {
  let structs: Array<Y.Item | Y.GC | Y.Skip>;
  try {
    structs = Y.decodeUpdate(update).structs;
  } catch {
    throw unreadable();
  }
  const reach = new Map<number, number>();
  for (const struct of structs) {
    if (struct instanceof Y.GC || struct instanceof Y.Skip) {
      throw badInput('update', 'This edit marks part of the plan as removed or missing without saying what; send the edit itself.');
    }
    if (!(struct instanceof Y.Item)) throw unreadable();
    checkContent(struct);
    const end = struct.id.clock + struct.length;
    if (end > (reach.get(struct.id.client) ?? 0)) reach.set(struct.id.client, end);
  }
  return { reach };
}

/** The client ids `facts` writes new structs under, against the document as it is now. */
export function claimedClients(facts: UpdateFacts, doc: Y.Doc): number[] {
  return [...facts.reach].filter(([client, end]) => end > Y.getState(doc.store, client)).map(([client]) => client);
}

/**
 * Who owns each client id a group meets on a plan: the initial structure's belong to the server; every other
 * client id is bound to the first user who wrote with it on the plan (care_plan_client), for good. The owners
 * already known are looked up, not copied (a group met them on every write of a hot plan), and the group's own
 * new bindings are kept apart until it commits.
 */
export class ClientOwners {
  private readonly bound = new Map<number, string>();

  constructor(private readonly known: ReadonlyMap<number, string> = new Map()) {}

  get(clientId: number): string | undefined {
    return serverClients.has(clientId) ? SERVER_OWNER : (this.known.get(clientId) ?? this.bound.get(clientId));
  }

  /** `clientId` is now `userId`'s on the plan, if the group commits. */
  bind(clientId: number, userId: string): void {
    this.bound.set(clientId, userId);
  }
}

/** A client id of every plan's initial structure: no user's, never looked up. */
export function isServerClient(clientId: number): boolean {
  return serverClients.has(clientId);
}

/** The first of `clients` already bound to someone else on this plan, if any. */
export function ownerConflict(clients: readonly number[], userId: string, owners: Pick<ClientOwners, 'get'>): number | undefined {
  return clients.find((c) => {
    const owner = owners.get(c);
    return owner !== undefined && owner !== userId;
  });
}

export const clientIdTaken = () =>
  badInput('update', 'This edit is written under a Yjs client id that belongs to someone else on this plan. Reload the plan and make the edit again.');

export const changesNothing = () => badInput('update', 'This edit changes nothing in the plan (it is empty, or already stored).');

export const clientUpdateIdTaken = () =>
  badInput('clientUpdateId', 'This clientUpdateId was already used by another person editing this plan. Send the edit again with a new id.');

/** What applying an update did to a document. */
export interface Applied {
  /** It added a struct the document did not hold, or deleted something not yet deleted. */
  changed: boolean;
  /** The items it added (each once, as integrated), for checks that need look only at what is new. */
  added: Y.Item[];
}

/**
 * Applies `update` to `doc`: whether it changed anything (structs waiting for missing ones change
 * nothing yet; the shape check refuses those), and the items it added. Refuses an update that puts
 * another text in place of one of the plan's shared flare-up texts: concurrent edits to the replaced
 * text, acknowledged, would be hidden with it.
 */
export function applyUpdate(doc: Y.Doc, update: Uint8Array): Applied {
  const applied: Applied = { changed: false, added: [] };
  const observe = (tr: Y.Transaction) => {
    if (tr.deleteSet.clients.size > 0) applied.changed = true;
    for (const [client, clock] of tr.afterState) {
      const before = tr.beforeState.get(client) ?? 0;
      if (clock <= before) continue;
      applied.changed = true;
      // Read before the transaction's clean-up merges neighbouring structs.
      const structs = doc.store.clients.get(client) ?? [];
      for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i].id.clock < clock; i++) {
        const struct = structs[i];
        if (struct instanceof Y.Item) applied.added.push(struct);
      }
    }
  };
  const fixed = fixedTexts(doc);
  const before = new Map(fixed._map);
  doc.on('afterTransaction', observe);
  try {
    Y.applyUpdate(doc, update);
  } finally {
    doc.off('afterTransaction', observe);
  }
  for (const [key, item] of fixed._map) {
    if (before.get(key) !== item) throw badInput('update', `This edit replaces the flare-up plan's ${key} text rather than editing it.`);
  }
  return applied;
}

/**
 * The flare-up plan's texts are part of every plan's initial structure and are edited in place; a value
 * set under one of its keys is a replacement.
 */
function fixedTexts(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(topLevelOf[CarePlanSection.FLARE_UP]);
}

/** A client's state vector (BAD_USER_INPUT on `stateVector` unless it reads as one, to its last byte). */
export function parseStateVector(bytes: Uint8Array): Uint8Array {
  let entries: Map<number, number>;
  try {
    entries = Y.decodeStateVector(bytes);
  } catch {
    throw badInput('stateVector', 'The stateVector is not a Yjs state vector.');
  }
  // Re-encoded, a state vector is as long as it was: trailing bytes or a client twice mean it was something else.
  if (Y.encodeStateVector(entries).byteLength !== bytes.byteLength) throw badInput('stateVector', 'The stateVector is not a Yjs state vector.');
  return bytes;
}

function unreadable() {
  return badInput('update', 'This is not a care-plan edit the server can read.');
}

/** Every string the item carries (text, values, keys, formatting) must be one PostgreSQL can store. */
function checkContent(item: Y.Item): void {
  if (item.parentSub !== null) checkString(item.parentSub);
  if (typeof item.parent === 'string') checkString(item.parent);
  const c = item.content;
  if (c instanceof Y.ContentString) checkString(c.str);
  else if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON) checkValues(c.arr);
  else if (c instanceof Y.ContentEmbed) checkValues([c.embed]);
  else if (c instanceof Y.ContentFormat) checkValues([c.key, c.value]);
  else if (c instanceof Y.ContentType) {
    if (!planTypes.has(c.type.constructor)) throw badInput('update', 'A care plan holds only texts, lists and sets of fields.');
  } else if (!(c instanceof Y.ContentDeleted)) throw badInput('update', 'A care plan holds only texts, lists and sets of fields.');
}

/** Walks nested values without recursion (a value may nest deeply), checking strings and object keys. */
function checkValues(values: unknown[]): void {
  const stack = [...values];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') checkString(v);
    else if (Array.isArray(v)) for (const item of v) stack.push(item); // no spread: an array may be longer than a call's arguments
    else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const [key, value] of Object.entries(v)) {
        checkString(key);
        stack.push(value);
      }
    }
  }
}

/** The edge's input gate checks arguments; strings inside a Yjs update are binary to it, so they are checked here. */
function checkString(s: string): void {
  const bad = badCharacterIn(s);
  if (bad) throw badInput('update', `This edit ${bad}.`);
}
