import type { PatientFilter, PatientSort, PatientStatus } from '@cairn/schema/operations';
import { patientStatuses } from '../patients/patient-status.js';

/**
 * The caseload's choices live in the address bar, so going back from a patient returns to the same list
 * and a filtered view can be bookmarked. Only non-default values are written.
 */
export interface CaseloadChoices {
  /** "My patients" (my care teams) or everyone I can see. */
  scope: 'mine' | 'all';
  search: string;
  condition: string;
  status: PatientStatus | '';
  practiceId: string;
  /** Only patients whose care-plan review is due (today or past). */
  reviewDue: boolean;
  sort: PatientSort;
}

export const defaultChoices: CaseloadChoices = { scope: 'mine', search: '', condition: '', status: '', practiceId: '', reviewDue: false, sort: 'NAME' };

const sorts: readonly PatientSort[] = ['NAME', 'NEWEST', 'DATE_OF_BIRTH', 'REVIEW_DATE'];

export function choicesFrom(params: URLSearchParams): CaseloadChoices {
  const status = params.get('status') ?? '';
  const sort = params.get('sort') ?? '';
  return {
    scope: params.get('scope') === 'all' ? 'all' : 'mine',
    search: params.get('q') ?? '',
    condition: params.get('condition') ?? '',
    status: (patientStatuses as readonly string[]).includes(status) ? (status as PatientStatus) : '',
    practiceId: params.get('practice') ?? '',
    reviewDue: params.get('review') === 'due',
    sort: (sorts as readonly string[]).includes(sort) ? (sort as PatientSort) : 'NAME',
  };
}

export function queryStringFor(choices: CaseloadChoices): string {
  const params = new URLSearchParams();
  if (choices.scope === 'all') params.set('scope', 'all');
  if (choices.search.trim()) params.set('q', choices.search.trim());
  if (choices.condition) params.set('condition', choices.condition);
  if (choices.status) params.set('status', choices.status);
  if (choices.practiceId) params.set('practice', choices.practiceId);
  if (choices.reviewDue) params.set('review', 'due');
  if (choices.sort !== 'NAME') params.set('sort', choices.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function filterFor(choices: CaseloadChoices): PatientFilter {
  return {
    mine: choices.scope === 'mine',
    ...(choices.search.trim() ? { search: choices.search.trim() } : {}),
    ...(choices.condition ? { condition: choices.condition } : {}),
    ...(choices.status ? { status: choices.status } : {}),
    ...(choices.practiceId ? { practiceId: choices.practiceId } : {}),
    ...(choices.reviewDue ? { reviewDue: true } : {}),
  };
}

/** True when something narrows the list beyond the scope (search or a filter). */
export function isNarrowed(choices: CaseloadChoices): boolean {
  return Boolean(choices.search.trim() || choices.condition || choices.status || choices.practiceId || choices.reviewDue);
}
