import type { Instrument } from './instruments.js';

/**
 * Severity bands and the meaningful-change rules, as configuration: a service that adopts another
 * convention changes it here (and the tests that pin the published values tell it so). Every figure
 * names its source.
 */

/** A named range of scores, inclusive at both ends. Bands of one instrument cover its whole range without gaps. */
export interface Band {
  label: string;
  from: number;
  to: number;
}

/** How a change from baseline is judged clinically meaningful. */
export type MeaningfulChangeRule =
  /** At least `minPoints` in either direction and, if `requireBandChange`, a move into another band. */
  | { kind: 'POINTS_AND_BAND'; minPoints: number; requireBandChange: boolean; description: string }
  /** At least `minPercent` of the baseline score in either direction (no rule when the baseline is 0). */
  | { kind: 'PERCENT'; minPercent: number; description: string };

export interface InstrumentScoring {
  bands: Band[];
  meaningfulChange: MeaningfulChangeRule | null;
  /** Minimal detectable change in points: shown beside the rule, never used to decide it. */
  minimalDetectableChange: number | null;
}

export const outcomeConfig: Record<Instrument, InstrumentScoring> = {
  PSEQ_10: {
    // Bands as used by the Australasian electronic Persistent Pain Outcomes Collaboration (ePPOC) in its
    // reports: 0–19 severe, 20–30 moderate, 31–40 mild, 41–60 minimal (higher is better).
    bands: [
      { label: 'Severe', from: 0, to: 19 },
      { label: 'Moderate', from: 20, to: 30 },
      { label: 'Mild', from: 31, to: 40 },
      { label: 'Minimal', from: 41, to: 60 },
    ],
    // ePPOC's clinically significant change for the PSEQ: a change of at least 7 points that also moves the
    // patient into another severity band (ePPOC information series, "PSEQ").
    meaningfulChange: { kind: 'POINTS_AND_BAND', minPoints: 7, requireBandChange: true, description: 'ePPOC: at least 7 points and a move into another severity band' },
    // Minimal detectable change 11.5 points, as the product owner set it (issue 12); the service's evaluation
    // quotes 8.5–11.5 as the range of a significant change for a patient. Check against the literature
    // (e.g. the PSEQ's test–retest studies) before relying on it clinically.
    minimalDetectableChange: 11.5,
  },
  // No published bands or change rule for the two-item form: change is shown in points and percent only.
  PSEQ_2: { bands: [], meaningfulChange: null, minimalDetectableChange: null },
  PEG_3: {
    bands: [],
    // IMMPACT: a 30 % reduction in pain intensity is a moderately important change (Dworkin RH, et al.
    // J Pain 2008;9(2):105–121); Krebs 2009 reports the PEG as responsive on the same scale.
    meaningfulChange: { kind: 'PERCENT', minPercent: 30, description: 'IMMPACT: a change of at least 30% of the baseline score' },
    minimalDetectableChange: null,
  },
  // A single item the service reports as a mean percentage change; it defines no threshold.
  CONFIDENCE_WITHOUT_MEDICATION: { bands: [], meaningfulChange: null, minimalDetectableChange: null },
  GP_APPOINTMENTS: { bands: [], meaningfulChange: null, minimalDetectableChange: null },
  PAM: {
    // The four activation levels of the licensed PAM scorer (Insignia Health; Hibbard et al. 2005):
    // level 1 ≤ 47.0, level 2 47.1–55.1, level 3 55.2–72.4, level 4 ≥ 72.5. Scores carry one decimal.
    bands: [
      { label: 'Level 1', from: 0, to: 47.0 },
      { label: 'Level 2', from: 47.1, to: 55.1 },
      { label: 'Level 3', from: 55.2, to: 72.4 },
      { label: 'Level 4', from: 72.5, to: 100 },
    ],
    meaningfulChange: null,
    minimalDetectableChange: null,
  },
  // PGIC is itself a rating of change (1 very much improved … 7 very much worse); it has no baseline rule.
  PGIC: { bands: [], meaningfulChange: null, minimalDetectableChange: null },
};
