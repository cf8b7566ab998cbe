import type { EntityManager } from '@mikro-orm/postgresql';
import { patientSeries } from '../outcomes/outcome.service.js';
import { runSql, sql, sqlText } from '../platform/sql.js';
import { inLatestEpisode } from '../referrals/referral.service.js';
import { defaultCadenceSettings, suggestCadence, type CadenceSession, type CadenceSettings, type SelfEfficacyMeasure } from './cadence.js';
import type { CadenceSuggestion } from './session.types.js';
import { ukDate } from '../platform/uk-dates.js';

/** The cadence suggestion for a patient from their recorded sessions and PSEQ scores (see cadence.ts). */
export async function cadenceFor(em: EntityManager, patientId: string, settings: CadenceSettings = defaultCadenceSettings): Promise<CadenceSuggestion> {
  return suggestCadence(await recordedSessions(em, patientId), await selfEfficacy(em, patientId), settings);
}

/** Attended and DNA sessions of the patient's current episode, oldest first, with their goal ratings. */
export async function recordedSessions(em: EntityManager, patientId: string): Promise<CadenceSession[]> {
  const rows = await runSql<{ starts_at: string; status: 'ATTENDED' | 'DNA'; flare_up: boolean | null; activation_level: number | null; reviews: Array<{ goalId: string; goalWhat: string; rating: number }> }>(
    em,
    sql`select s.starts_at, s.status, s.flare_up, s.activation_level,
               coalesce((select jsonb_agg(jsonb_build_object('goalId', r.goal_id, 'goalWhat', r.goal_what, 'rating', r.rating) order by r.goal_id)
                           from session_goal_review r where r.session_id = s.id), '[]'::jsonb) as reviews
          from coaching_session s
         where s.patient_id = ${patientId} and s.status in ('ATTENDED', 'DNA') and ${inLatestEpisode(sqlText('s.starts_at'), patientId)}
         order by s.starts_at`,
  );
  return rows.map((r) => ({ date: ukDate(new Date(r.starts_at)), outcome: r.status, flareUp: r.flare_up ?? false, activationLevel: r.activation_level, goalRatings: r.reviews }));
}

/** PSEQ-10 scores, and PSEQ-2 scores taken on their own, from the outcomes domain's series. */
async function selfEfficacy(em: EntityManager, patientId: string): Promise<SelfEfficacyMeasure[]> {
  const series = await patientSeries(em, patientId);
  return series.flatMap((s) =>
    s.instrument === 'PSEQ_10' || s.instrument === 'PSEQ_2'
      ? s.points.filter((p) => !p.fromPseq10).map((p) => ({ instrument: s.instrument as 'PSEQ_10' | 'PSEQ_2', measuredOn: p.measuredOn, score: p.score }))
      : [],
  );
}
