import { createParameterDecorator, ID } from 'type-graphql';
import { isUuid } from './policy.js';

/**
 * A patient id as Cairn compares it everywhere: a UUID in lower case, as PostgreSQL spells it. Code that
 * keys memory by patient id (plans, live streams, presence) compares strings, so an id must be spelt one
 * way before it goes further. Anything that is not a UUID passes unchanged and the policy answers NOT_FOUND.
 */
export function canonicalPatientId(id: unknown): string {
  const text = String(id);
  return isUuid(text) ? text.toLowerCase() : text;
}

/** `@Arg(name, () => ID)` for a patient id, handing the resolver its canonical spelling. */
export function PatientIdArg(name = 'patientId'): ReturnType<typeof createParameterDecorator> {
  return IdArg(name);
}

/**
 * `@Arg(name, () => ID)` for any id the resolver compares as a string (with the signed-in user's, say), handing
 * it the canonical spelling: PostgreSQL finds the row whatever the letter case, a string comparison does not.
 */
export function IdArg(name: string): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator(({ args }) => canonicalPatientId(args[name]), { arg: { name, typeFunc: () => ID } });
}
