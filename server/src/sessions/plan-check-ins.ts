import type { CarePlanView } from '@cairn/schema/care-plan';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { createCarePlanDoc } from '../care-plans/care-plan.doc.js';
import type { CarePlanStore } from '../care-plans/care-plan.store.js';

export interface CheckIn {
  goalId: string;
  rating: number;
  note: string;
}

/**
 * Records check-ins on the care plan's goals through the care-plan store, as an edit by `actorId` like any
 * other (validated, attributed, on the plan's history, live to everyone editing). The store makes the same
 * clientUpdateId harmless a second time, so a session's check-ins reach its plan at most once.
 */
export async function addCheckInsToPlan(store: CarePlanStore, patientId: string, actorId: string, date: string, checkIns: readonly CheckIn[], clientUpdateId: string, requestId: string): Promise<void> {
  if (checkIns.length === 0) return;
  const { state } = await store.read(patientId);
  const doc = createCarePlanDoc(state); // a fresh Yjs client id, which the store binds to the actor
  try {
    const before = Y.encodeStateVector(doc);
    doc.transact(() => {
      for (const goal of doc.getArray('goals').toArray()) {
        if (!(goal instanceof Y.Map)) continue;
        const wanted = checkIns.filter((c) => c.goalId === goal.get('id'));
        if (wanted.length === 0) continue;
        let list = goal.get('checkIns');
        if (!(list instanceof Y.Array)) {
          const earlier = Array.isArray(list) ? (list as unknown[]) : [];
          list = new Y.Array<unknown>();
          (list as Y.Array<unknown>).push(earlier);
          goal.set('checkIns', list);
        }
        (list as Y.Array<unknown>).push(wanted.map((c) => ({ date, rating: c.rating, note: c.note })));
      }
    });
    await store.apply(patientId, actorId, Y.encodeStateAsUpdate(doc, before), clientUpdateId, requestId);
  } finally {
    doc.destroy();
  }
}

/**
 * The clientUpdateId of a session's check-ins: the session's id and a digest of what they say. A recording
 * that wrote them to the plan and then failed before the session itself was stored leaves them there; a
 * retry saying the same, by anyone, finds them (`CarePlanStore.holdsUpdate`) and adds nothing, while one
 * saying otherwise adds its own.
 */
export function sessionCheckInsId(sessionId: string, date: string, checkIns: readonly CheckIn[]): string {
  const said = JSON.stringify([date, checkIns.map((c) => [c.goalId, c.rating, c.note])]);
  return `session-check-ins:${sessionId}:${createHash('sha256').update(said).digest('base64url').slice(0, 22)}`;
}

/** The plan's goals and strategies by id, for checking what a session names. */
export function planIndex(view: CarePlanView): { goals: Map<string, string>; strategies: Map<string, string> } {
  return {
    goals: new Map(view.goals.map((g) => [g.id, g.what])),
    strategies: new Map(view.strategies.map((s) => [s.id, s.what])),
  };
}
