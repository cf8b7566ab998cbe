import argon2 from 'argon2';

/** argon2id cost. Verification reads the cost from the stored hash, so each hash keeps its own. */
export interface HashCost {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** The library's defaults (m=64 MiB, t=3, p=4), in line with OWASP's guidance. */
export const defaultCost: HashCost = { memoryCost: 65536, timeCost: 3, parallelism: 4 };

export function hashPassword(password: string, cost: HashCost = defaultCost): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

/** Verified against when the email is unknown, so both failures take the same time. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('cairn-decoy-password-never-matches');
  return decoy;
}
