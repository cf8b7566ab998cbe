import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../auth/user.entity.js';
import { conflict } from '../platform/errors.js';
import { PainCafe, PainCafeStatus } from './pain-cafe.entity.js';

/** Who is writing, for the audit trail. */
export interface By {
  actor: User;
  requestId: string;
}

/** The café row, locked until the transaction ends: every change to its places takes this lock first. */
export async function lockCafe(tx: EntityManager, cafeId: string): Promise<PainCafe> {
  return tx.findOneOrFail(PainCafe, { id: cafeId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** A café can be changed, and places on it taken or given up, until it starts (and unless it was cancelled). */
export function requireOpen(cafe: PainCafe, now: Date, what: string): void {
  if (cafe.status === PainCafeStatus.CANCELLED) throw conflict(`This café was cancelled; it cannot be ${what}.`);
  if (cafe.startsAt.getTime() <= now.getTime()) throw conflict(`This café has already started; it cannot be ${what}.`);
}

