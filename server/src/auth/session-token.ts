import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'cairn_session';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this hash is stored, so a copy of the database cannot be used to sign in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The session token from `Authorization: Bearer …` or the session cookie. */
export function tokenFromHeaders(headers: { authorization?: string; cookie?: string }): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return cookieValue(headers.cookie, SESSION_COOKIE);
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodedOrNull(v.join('='));
  }
  return null;
}

/**
 * A cookie whose value is not valid percent-encoding (another site's on the same domain, a hand-edited one)
 * holds no token Cairn set: it is no session, as a wrong token is, not a failure of the request.
 */
function decodedOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
