import argon2 from 'argon2';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4), as OWASP suggests. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
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
