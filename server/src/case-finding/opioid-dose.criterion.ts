import { badInput } from '../platform/errors.js';
import { sql } from '../platform/sql.js';
import type { CriterionDefinition } from './criteria.js';

interface OpioidDose {
  kind: 'OPIOID_DOSE_AT_LEAST';
  mgOmePerDay: number;
}

/**
 * The analgesia review's criterion: a current total daily oral morphine equivalent at or above N mg, from the
 * medications domain's rows (each medicine's OME worked out when it was recorded; current = started and not
 * yet stopped today, as `medicationSummary` counts them).
 */
export const opioidDoseCriterion: CriterionDefinition<OpioidDose> = {
  kind: 'OPIOID_DOSE_AT_LEAST',
  label: 'Opioid dose at or above (mg OME a day)',
  fields: { min: 'mg of oral morphine equivalent a day' },
  parse: ({ min }) => {
    if (min === null || min === undefined || !Number.isFinite(min) || min <= 0 || min > 10_000) throw badInput('criteria.min', 'Give a daily dose in mg OME above 0.');
    return { kind: 'OPIOID_DOSE_AT_LEAST', mgOmePerDay: min };
  },
  toSql: (c, { today }) =>
    sql`(select coalesce(sum(m.ome_mg_per_day), 0) from medication m
          where m.patient_id = p.id and m.start_date <= ${today}::date and (m.stop_date is null or m.stop_date > ${today}::date)) >= ${c.mgOmePerDay}`,
  toFields: (c) => ({ values: [], min: c.mgOmePerDay, max: null, date: null }),
  describe: (c) => `Opioids at or above ${c.mgOmePerDay} mg OME a day`,
};
