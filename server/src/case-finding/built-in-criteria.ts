import { badInput } from '../platform/errors.js';
import { sql } from '../platform/sql.js';
import { ukMidnight } from '../platform/uk-dates.js';
import { requireIsoDate, requireText } from '../platform/validate.js';
import { isUuid } from '../access/policy.js';
import type { CriterionDefinition, CriterionRegistry } from './criteria.js';
import { lastContactAt } from './last-contact.js';
import { opioidDoseCriterion } from './opioid-dose.criterion.js';

interface Conditions { kind: 'CONDITIONS'; conditions: string[] }
interface AgeBand { kind: 'AGE_BAND'; from: number | null; to: number | null }
interface Practices { kind: 'PRACTICE'; practiceIds: string[] }
interface NotOnProgramme { kind: 'NOT_ON_PROGRAMME' }
interface NoContactSince { kind: 'NO_CONTACT_SINCE'; date: string }

const conditions: CriterionDefinition<Conditions> = {
  kind: 'CONDITIONS',
  label: 'Has any of these conditions',
  fields: { values: 'The conditions (any of them)' },
  parse: ({ values }) => {
    const list = [...new Set((values ?? []).map((v) => requireText('criteria.conditions', v, 80, 'each condition')))];
    if (list.length === 0) throw badInput('criteria', 'Name at least one condition.');
    return { kind: 'CONDITIONS', conditions: list };
  },
  toSql: (c) => sql`p.conditions && ${c.conditions}::text[]`,
  toFields: (c) => ({ values: c.conditions, min: null, max: null, date: null }),
  describe: (c) => `Has ${c.conditions.join(' or ')}`,
};

const ageBand: CriterionDefinition<AgeBand> = {
  kind: 'AGE_BAND',
  label: 'Aged between',
  fields: { min: 'From this age (years, inclusive)', max: 'To this age (years, inclusive)' },
  parse: ({ min, max }) => {
    const whole = (n: number | null | undefined, field: string) => {
      if (n === null || n === undefined) return null;
      if (!Number.isInteger(n) || n < 0 || n > 120) throw badInput(`criteria.${field}`, 'An age is a whole number of years from 0 to 120.');
      return n;
    };
    const from = whole(min, 'min');
    const to = whole(max, 'max');
    if (from === null && to === null) throw badInput('criteria', 'Give the youngest age, the oldest age or both.');
    if (from !== null && to !== null && from > to) throw badInput('criteria.max', 'The oldest age is below the youngest.');
    return { kind: 'AGE_BAND', from, to };
  },
  toSql: (c, { today }) => {
    const age = sql`extract(year from age(${today}::date, p.date_of_birth))`;
    return sql`(${age} >= ${c.from ?? 0} and ${age} <= ${c.to ?? 200})`;
  },
  toFields: (c) => ({ values: [], min: c.from, max: c.to, date: null }),
  describe: (c) => (c.from !== null && c.to !== null ? `Aged ${c.from}–${c.to}` : c.from !== null ? `Aged ${c.from} or over` : `Aged ${c.to} or under`),
};

const practice: CriterionDefinition<Practices> = {
  kind: 'PRACTICE',
  label: 'Registered at',
  fields: { values: 'The practices (ids; any of them)' },
  parse: ({ values }) => {
    const ids = [...new Set(values ?? [])];
    if (ids.length === 0 || !ids.every(isUuid)) throw badInput('criteria', 'Choose at least one practice.');
    return { kind: 'PRACTICE', practiceIds: ids };
  },
  toSql: (c) => sql`p.practice_id = any(${c.practiceIds}::uuid[])`,
  toFields: (c) => ({ values: c.practiceIds, min: null, max: null, date: null }),
  describe: (c) => `At ${c.practiceIds.length === 1 ? 'one practice' : `${c.practiceIds.length} practices`}`,
};

const notOnProgramme: CriterionDefinition<NotOnProgramme> = {
  kind: 'NOT_ON_PROGRAMME',
  label: 'Not on the programme',
  fields: {},
  parse: () => ({ kind: 'NOT_ON_PROGRAMME' }),
  // Not ACTIVE, and no referral awaiting triage.
  toSql: () => sql`(p.status <> 'ACTIVE' and not exists (select 1 from referral r where r.patient_id = p.id and r.status = 'RECEIVED'))`,
  toFields: () => ({ values: [], min: null, max: null, date: null }),
  describe: () => 'Not on the programme',
};

const noContactSince: CriterionDefinition<NoContactSince> = {
  kind: 'NO_CONTACT_SINCE',
  label: 'No contact since',
  fields: { date: 'YYYY-MM-DD: last contact before this day (or never)' },
  parse: ({ date }) => ({ kind: 'NO_CONTACT_SINCE', date: requireIsoDate('criteria.date', date ?? '', { label: 'The "no contact since" date' }) }),
  // From the day's start in the UK, not in the database's own time zone (UTC here: an hour out in summer).
  toSql: (c) => sql`coalesce(${lastContactAt}, '-infinity'::timestamptz) < ${ukMidnight(c.date).toISOString()}::timestamptz`,
  toFields: (c) => ({ values: [], min: null, max: null, date: c.date }),
  describe: (c) => `No contact since ${c.date}`,
};

/** Adds Cairn's criteria to `registry`: the issue's five and the analgesia review's opioid dose. */
export function registerBuiltInCriteria(registry: CriterionRegistry): CriterionRegistry {
  return registry.register(conditions).register(ageBand).register(practice).register(notOnProgramme).register(noContactSince).register(opioidDoseCriterion);
}
