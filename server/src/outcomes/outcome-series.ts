import { Instrument, instrumentCodes, instruments } from './instruments.js';
import type { Band } from './outcome-config.js';
import { bandOf, changeFromBaseline, type Change } from './scoring.js';

/** What a series needs of a stored record: a completed, current (not superseded) one. */
export interface ScoredRecord {
  id: string;
  instrument: Instrument;
  score: number;
  pseq2: number | null;
  measuredOn: string;
  createdAt: Date;
  completedBy: string;
}

export interface SeriesPoint {
  recordId: string;
  measuredOn: string;
  score: number;
  band: Band | null;
  isBaseline: boolean;
  completedBy: string;
  /** A PSEQ-2 point taken from a PSEQ-10's items 5 and 9. */
  fromPseq10: boolean;
  /** Null on the baseline itself. */
  change: Change | null;
}

export interface Series {
  instrument: Instrument;
  points: SeriesPoint[];
}

/**
 * Each instrument's scores over one episode, oldest first, the first being the baseline and every later one
 * carrying its change from it; an instrument that rates change itself (PGIC) has neither. A PSEQ-2 series takes the PSEQ-2 of each PSEQ-10 as well (the same 0–12
 * scale); the PSEQ-10 series never takes a PSEQ-2, so trends never mix the two scales.
 */
export function seriesOf(records: readonly ScoredRecord[]): Series[] {
  const ordered = [...records].sort((a, b) => a.measuredOn.localeCompare(b.measuredOn) || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  return instrumentCodes.map((instrument) => {
    const raw = ordered.flatMap((r) => {
      if (r.instrument === instrument) return [{ r, score: r.score, fromPseq10: false }];
      if (instrument === Instrument.PSEQ_2 && r.instrument === Instrument.PSEQ_10 && r.pseq2 !== null) return [{ r, score: r.pseq2, fromPseq10: true }];
      return [];
    });
    // A rating of change (PGIC) measured from its first answer would be a change in a change: "−2 points
    // from baseline" when the patient went from "No change" to "Much improved".
    const baseline = instruments[instrument].ratesChange ? undefined : raw[0]?.score;
    const points = raw.map(({ r, score, fromPseq10 }, i) => ({
      recordId: r.id,
      measuredOn: r.measuredOn,
      score,
      band: bandOf(instrument, score),
      isBaseline: i === 0 && baseline !== undefined,
      completedBy: r.completedBy,
      fromPseq10,
      change: i === 0 || baseline === undefined ? null : changeFromBaseline(instrument, baseline, score),
    }));
    return { instrument, points };
  });
}
