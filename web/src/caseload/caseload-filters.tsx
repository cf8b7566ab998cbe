import { CaseloadFilterOptionsDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, createSignal, createUniqueId, on, onCleanup, type JSX } from 'solid-js';
import { patientStatuses, statusLabel } from '../patients/patient-status.js';
import { Button } from '../ui/button.js';
import { Select, type SelectOption } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import type { CaseloadChoices } from './caseload-params.js';

const searchDelayMs = 350;

const reviewOptions: SelectOption[] = [
  { value: '', label: 'Any review date' },
  { value: 'due', label: 'Review due or overdue' },
];

const sortOptions: SelectOption[] = [
  { value: 'NAME', label: 'Name (A to Z)' },
  { value: 'NEWEST', label: 'Newest first' },
  { value: 'DATE_OF_BIRTH', label: 'Date of birth (oldest first)' },
  { value: 'REVIEW_DATE', label: 'Next review (due first)' },
];

/** Scope, search, filters and sort for the caseload. Search applies as you type (after a pause) or on Enter. */
export function CaseloadFilters(props: { choices: CaseloadChoices; onChange(patch: Partial<CaseloadChoices>): void }): JSX.Element {
  const [options] = createQuery({ query: CaseloadFilterOptionsDocument });
  const [searchText, setSearchText] = createSignal(props.choices.search);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  // Back/forward can change the search under us: follow it.
  createEffect(on(() => props.choices.search, (s) => s !== searchText().trim() && setSearchText(s), { defer: true }));

  const typed = (value: string) => {
    setSearchText(value);
    clearTimeout(timer);
    timer = setTimeout(() => props.onChange({ search: value }), searchDelayMs);
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    clearTimeout(timer);
    props.onChange({ search: searchText() });
  };

  const conditionOptions = (): SelectOption[] => [
    { value: '', label: 'Any condition' },
    ...(options.data?.conditionOptions ?? []).map((c) => ({ value: c, label: c })),
  ];
  const practiceOptions = (): SelectOption[] => [
    { value: '', label: 'Any practice' },
    ...(options.data?.organisations ?? [])
      .filter((o) => o.kind === 'GP_PRACTICE')
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
      .map((o) => ({ value: o.id, label: o.name })),
  ];
  const statusOptions: SelectOption[] = [{ value: '', label: 'Any status' }, ...patientStatuses.map((s) => ({ value: s, label: statusLabel(s) }))];
  // On a phone the filters and sort fold away behind a button, so the list starts on the first screen; the
  // button says how many filters are on, so a narrowed list is never taken for the whole caseload.
  const [unfolded, setUnfolded] = createSignal(false);
  const rowId = createUniqueId();
  const filtersOn = () => [props.choices.condition, props.choices.status, props.choices.practiceId, props.choices.reviewDue].filter(Boolean).length;

  return (
    <div class="caseload-filters">
      <fieldset class="scope-toggle">
        <legend class="visually-hidden">Which patients</legend>
        <label class="scope-toggle__option">
          <input type="radio" name="scope" value="mine" checked={props.choices.scope === 'mine'} onChange={() => props.onChange({ scope: 'mine' })} />
          <span>My patients</span>
        </label>
        <label class="scope-toggle__option">
          <input type="radio" name="scope" value="all" checked={props.choices.scope === 'all'} onChange={() => props.onChange({ scope: 'all' })} />
          <span>All patients I can see</span>
        </label>
      </fieldset>
      <form class="caseload-filters__search" role="search" onSubmit={submit}>
        <TextField
          label="Search by name or NHS number"
          // The example NHS number is never broken across lines (hazard UI-01): no-break spaces.
          hint={'For example, Smith, 999\u00a0123\u00a04567, or the last digits: 4567'}
          type="search"
          name="search"
          autocomplete="off"
          spellcheck={false}
          value={searchText()}
          onInput={typed}
        />
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <button type="button" class="button button--secondary caseload-filters__toggle" aria-expanded={unfolded()} aria-controls={rowId} onClick={() => setUnfolded(!unfolded())}>
        {unfolded() ? 'Hide filters and sort' : `Filters and sort${filtersOn() ? ` (${filtersOn()} on)` : ''}`}
      </button>
      <div id={rowId} class="caseload-filters__row" data-unfolded={unfolded() ? '' : undefined}>
        <Select label="Condition" value={props.choices.condition} options={conditionOptions()} onChange={(condition) => props.onChange({ condition })} />
        <Select label="Status" value={props.choices.status} options={statusOptions} onChange={(status) => props.onChange({ status: status as CaseloadChoices['status'] })} />
        <Select label="Practice" value={props.choices.practiceId} options={practiceOptions()} onChange={(practiceId) => props.onChange({ practiceId })} />
        <Select label="Care-plan review" value={props.choices.reviewDue ? 'due' : ''} options={reviewOptions} onChange={(v) => props.onChange({ reviewDue: v === 'due' })} />
        <Select label="Sort by" class="caseload-filters__sort" value={props.choices.sort} options={sortOptions} onChange={(sort) => props.onChange({ sort: sort as CaseloadChoices['sort'] })} />
      </div>
    </div>
  );
}
