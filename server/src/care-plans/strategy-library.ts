import { StrategyCategory } from '@cairn/schema/care-plan';

export interface Suggestion {
  id: string;
  category: StrategyCategory;
  what: string;
  howOften: string;
  /** Patient activation levels (1 = lowest confidence) the suggestion suits: low levels get small, concrete steps. */
  levels: number[];
}

const S = StrategyCategory;

/** A built-in starting library for the plan's strategies; clinicians edit what they insert. */
export const strategyLibrary: readonly Suggestion[] = [
  { id: 'breath-3', category: S.BREATHING, what: 'Three slow breaths, out longer than in, when pain rises', howOften: 'Whenever you notice pain rising', levels: [1, 2] },
  { id: 'breath-box', category: S.BREATHING, what: 'Box breathing (in 4, hold 4, out 4, hold 4)', howOften: '5 minutes, twice a day', levels: [2, 3] },
  { id: 'breath-routine', category: S.BREATHING, what: 'Diaphragmatic breathing practice before activity', howOften: '10 minutes daily', levels: [3, 4] },
  { id: 'mind-notice', category: S.MINDFULNESS, what: 'Notice five things you can see, hear or feel', howOften: 'Once a day, at a set time', levels: [1, 2] },
  { id: 'mind-body-scan', category: S.MINDFULNESS, what: 'Guided body scan recording', howOften: '10–15 minutes, most days', levels: [2, 3] },
  { id: 'mind-course', category: S.MINDFULNESS, what: 'Join an 8-week mindfulness for pain course', howOften: 'Weekly sessions plus home practice', levels: [3, 4] },
  { id: 'pace-timer', category: S.ACTIVITY_PACING, what: 'Use a timer: stop a task for a short rest before the pain tells you to', howOften: 'For one chosen task each day', levels: [1, 2] },
  { id: 'pace-walk', category: S.ACTIVITY_PACING, what: 'A short walk at a comfortable distance, the same on good and bad days', howOften: 'Daily; add a little each week', levels: [2, 3] },
  { id: 'pace-plan', category: S.ACTIVITY_PACING, what: 'Plan the week: balance demanding, restful and enjoyable activities; set baselines and build up', howOften: 'Weekly plan, reviewed each Sunday', levels: [3, 4] },
  { id: 'sleep-wake', category: S.SLEEP, what: 'Get up at the same time every day', howOften: 'Every day, weekends too', levels: [1, 2, 3] },
  { id: 'sleep-winddown', category: S.SLEEP, what: 'A 30-minute wind-down without screens before bed', howOften: 'Nightly', levels: [2, 3] },
  { id: 'sleep-cbti', category: S.SLEEP, what: 'Work through a sleep (CBT-I) programme', howOften: 'As the programme sets out', levels: [3, 4] },
  { id: 'diet-water', category: S.DIET, what: 'A glass of water with each meal', howOften: 'Each meal', levels: [1, 2] },
  { id: 'diet-meals', category: S.DIET, what: 'Regular meals with fruit or vegetables at each', howOften: 'Daily', levels: [2, 3] },
  { id: 'diet-plan', category: S.DIET, what: 'Plan and prepare meals for the week, with a dietitian if helpful', howOften: 'Weekly', levels: [3, 4] },
  { id: 'med-list', category: S.MEDICATION, what: 'Keep a list of your medicines and when to take them', howOften: 'Check each morning', levels: [1, 2] },
  { id: 'med-diary', category: S.MEDICATION, what: 'Note pain and medicine taken in a diary to discuss at review', howOften: 'Daily for two weeks before review', levels: [2, 3, 4] },
  { id: 'social-call', category: S.SOCIAL_WORK, what: 'Call or message one friend or family member', howOften: 'Twice a week', levels: [1, 2] },
  { id: 'social-group', category: S.SOCIAL_WORK, what: 'Try a local group or peer support session', howOften: 'Once a week', levels: [2, 3] },
  { id: 'social-work', category: S.SOCIAL_WORK, what: 'Discuss a phased return or adjustments with your employer', howOften: 'Plan before next review', levels: [3, 4] },
  { id: 'other-enjoy', category: S.OTHER, what: 'Do one small thing you enjoy', howOften: 'Every day', levels: [1, 2, 3, 4] },
];

/** Suggestions suited to an activation level (1–4), optionally in one category. */
export function suggestionsFor(level: number, category?: StrategyCategory | null): Suggestion[] {
  return strategyLibrary.filter((s) => s.levels.includes(level) && (!category || s.category === category));
}
