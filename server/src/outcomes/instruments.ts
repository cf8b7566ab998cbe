/**
 * The outcome instruments Cairn records: one definition each, with the wording shown to the patient and the
 * clinician and the citation it comes from. The web app and the patient's link read these through the API,
 * so the wording lives here only. Scoring is in scoring.ts; bands and thresholds in outcome-config.ts.
 */
export const Instrument = {
  PSEQ_10: 'PSEQ_10',
  PSEQ_2: 'PSEQ_2',
  PEG_3: 'PEG_3',
  CONFIDENCE_WITHOUT_MEDICATION: 'CONFIDENCE_WITHOUT_MEDICATION',
  GP_APPOINTMENTS: 'GP_APPOINTMENTS',
  PAM: 'PAM',
  PGIC: 'PGIC',
} as const;
export type Instrument = (typeof Instrument)[keyof typeof Instrument];
export const instrumentCodes = Object.values(Instrument);

/** One question. Answers are whole numbers from min to max, unless `decimals` allows tenths (the PAM score). */
export interface ItemDefinition {
  /** 1-based, as printed on the questionnaire. */
  number: number;
  text: string;
  min: number;
  max: number;
  /** Digits allowed after the decimal point; 0 for every questionnaire item. */
  decimals: 0 | 1;
  /** What the ends of the scale mean, e.g. "Not at all confident". */
  minLabel: string;
  maxLabel: string;
  /** For a scale whose every point is named (PGIC): the names, from min to max. */
  options?: string[];
}

export interface InstrumentDefinition {
  code: Instrument;
  name: string;
  shortName: string;
  /** Where the instrument and its scoring come from. */
  citation: string;
  /** Said to the person answering before the items. */
  instructions: string;
  items: ItemDefinition[];
  scoreMin: number;
  scoreMax: number;
  higherIsBetter: boolean;
  /** May a patient answer it from the questionnaire link (the PAM score comes from its licensed scorer). */
  patientCompletable: boolean;
  /** A count with no natural top (GP appointments): `scoreMax` bounds what is accepted, not what is charted. */
  isCount?: true;
  /** Itself a rating of change since the programme began (PGIC): each answer stands alone, with no baseline. */
  ratesChange?: true;
}

/** What a patient answering GP appointments from a link counts: the months up to the day they answer (`gpQuestionFrom`). */
export const patientGpPeriodMonths = 3;

const PSEQ_SCALE = { min: 0, max: 6, decimals: 0 as const, minLabel: 'Not at all confident', maxLabel: 'Completely confident' };
const PSEQ_INSTRUCTIONS =
  'Please rate how confident you are that you can do the following things at present, despite the pain. ' +
  'To indicate your answer choose one of the numbers from 0 (not at all confident) to 6 (completely confident). ' +
  'Remember, this questionnaire is not asking whether or not you have been doing these things, but rather how confident you are that you can do them at present, despite the pain.';

/** The ten PSEQ items, in their published order (Nicholas 2007). */
const pseqItems: string[] = [
  'I can enjoy things, despite the pain.',
  'I can do most of the household chores (e.g. tidying-up, washing dishes, etc.), despite the pain.',
  'I can socialise with my friends or family members as often as I used to do, despite the pain.',
  'I can cope with my pain in most situations.',
  'I can do some form of work, despite the pain. ("Work" includes housework, paid and unpaid work.)',
  'I can still do many of the things I enjoy doing, such as hobbies or leisure activity, despite pain.',
  'I can cope with my pain without medication.',
  'I can still accomplish most of my goals in life, despite the pain.',
  'I can live a normal lifestyle, despite the pain.',
  'I can gradually become more active, despite the pain.',
];

/** PSEQ-2 is items 5 and 9 of the PSEQ-10 (Nicholas, McGuire & Asghari 2015). */
export const PSEQ2_ITEMS_OF_PSEQ10 = [5, 9] as const;

const PGIC_OPTIONS = ['Very much improved', 'Much improved', 'Minimally improved', 'No change', 'Minimally worse', 'Much worse', 'Very much worse'];

export const instruments: Record<Instrument, InstrumentDefinition> = {
  PSEQ_10: {
    code: Instrument.PSEQ_10,
    name: 'Pain Self-Efficacy Questionnaire',
    shortName: 'PSEQ-10',
    citation: 'Nicholas MK. The pain self-efficacy questionnaire: taking pain into account. Eur J Pain 2007;11(2):153–163.',
    instructions: PSEQ_INSTRUCTIONS,
    items: pseqItems.map((text, i) => ({ number: i + 1, text, ...PSEQ_SCALE })),
    scoreMin: 0,
    scoreMax: 60,
    higherIsBetter: true,
    patientCompletable: true,
  },
  PSEQ_2: {
    code: Instrument.PSEQ_2,
    name: 'Pain Self-Efficacy Questionnaire, two-item form',
    shortName: 'PSEQ-2',
    citation: 'Nicholas MK, McGuire BE, Asghari A. A 2-item short form of the Pain Self-efficacy Questionnaire: development and psychometric evaluation of PSEQ-2. J Pain 2015;16(2):153–163.',
    instructions: PSEQ_INSTRUCTIONS,
    items: PSEQ2_ITEMS_OF_PSEQ10.map((n, i) => ({ number: i + 1, text: pseqItems[n - 1], ...PSEQ_SCALE })),
    scoreMin: 0,
    scoreMax: 12,
    higherIsBetter: true,
    patientCompletable: true,
  },
  PEG_3: {
    code: Instrument.PEG_3,
    name: 'Pain, Enjoyment of life and General activity scale',
    shortName: 'PEG-3',
    citation: 'Krebs EE, Lorenz KA, Bair MJ, et al. Development and initial validation of the PEG, a three-item scale assessing pain intensity and interference. J Gen Intern Med 2009;24(6):733–738.',
    instructions: 'Choose the one number that best describes the past week.',
    items: [
      { number: 1, text: 'What number best describes your pain on average in the past week?', min: 0, max: 10, decimals: 0, minLabel: 'No pain', maxLabel: 'Pain as bad as you can imagine' },
      { number: 2, text: 'What number best describes how, during the past week, pain has interfered with your enjoyment of life?', min: 0, max: 10, decimals: 0, minLabel: 'Does not interfere', maxLabel: 'Completely interferes' },
      { number: 3, text: 'What number best describes how, during the past week, pain has interfered with your general activity?', min: 0, max: 10, decimals: 0, minLabel: 'Does not interfere', maxLabel: 'Completely interferes' },
    ],
    scoreMin: 0,
    scoreMax: 10,
    higherIsBetter: false,
    patientCompletable: true,
  },
  CONFIDENCE_WITHOUT_MEDICATION: {
    code: Instrument.CONFIDENCE_WITHOUT_MEDICATION,
    name: 'Confidence in managing pain without medication',
    shortName: 'Confidence without medication',
    citation: "The coaching service's own single-item measure, reported in its evaluation as \"confidence in managing without medication\" (0–10).",
    instructions: 'Choose the one number that best describes how you feel now.',
    items: [{ number: 1, text: 'How confident are you that you can manage your pain without medication?', min: 0, max: 10, decimals: 0, minLabel: 'Not at all confident', maxLabel: 'Completely confident' }],
    scoreMin: 0,
    scoreMax: 10,
    higherIsBetter: true,
    patientCompletable: true,
  },
  GP_APPOINTMENTS: {
    code: Instrument.GP_APPOINTMENTS,
    name: 'GP appointments for pain',
    shortName: 'GP appointments',
    citation: "The coaching service's evaluation: the share of patients with no GP appointment for their pain while on the programme.",
    instructions: 'Count the appointments with a GP about pain between the two dates.',
    items: [{ number: 1, text: 'How many GP appointments for pain were there in this period?', min: 0, max: 99, decimals: 0, minLabel: 'None', maxLabel: '99' }],
    scoreMin: 0,
    scoreMax: 99,
    higherIsBetter: false,
    patientCompletable: true,
    isCount: true,
  },
  PAM: {
    code: Instrument.PAM,
    name: 'Patient Activation Measure (licensed score)',
    shortName: 'PAM',
    citation: 'Hibbard JH, Mahoney ER, Stockard J, Tusler M. Development and testing of a short form of the patient activation measure. Health Serv Res 2005;40(6 Pt 1):1918–1930. Scored by its licensed scorer (Insignia Health); Cairn records the score.',
    instructions: 'Enter the activation score (0–100, one decimal place) that the licensed PAM scorer reported.',
    items: [{ number: 1, text: 'Licensed PAM score', min: 0, max: 100, decimals: 1, minLabel: '0', maxLabel: '100' }],
    scoreMin: 0,
    scoreMax: 100,
    higherIsBetter: true,
    patientCompletable: false,
  },
  PGIC: {
    code: Instrument.PGIC,
    name: "Patient Global Impression of Change",
    shortName: 'PGIC',
    citation: 'Guy W. ECDEU Assessment Manual for Psychopharmacology (CGI-Improvement, 7 points), 1976; as a patient rating in pain: Farrar JT, Young JP, LaMoreaux L, et al. Pain 2001;94(2):149–158.',
    instructions: 'Think about how your pain condition is now compared with when you started on the programme.',
    items: [{ number: 1, text: 'Since you started on the programme, how would you describe the change in your pain condition overall?', min: 1, max: 7, decimals: 0, minLabel: PGIC_OPTIONS[0], maxLabel: PGIC_OPTIONS[6], options: PGIC_OPTIONS }],
    scoreMin: 1,
    scoreMax: 7,
    higherIsBetter: false,
    patientCompletable: true,
    ratesChange: true,
  },
};

export function isInstrument(value: string): value is Instrument {
  return (instrumentCodes as string[]).includes(value);
}
