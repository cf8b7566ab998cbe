import type { CaseCriterionInput } from '@cairn/schema/operations';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { TextField } from '../ui/text-field.js';

/** The search's criteria as the form holds them; each ticked part becomes one typed criterion. */
export interface CriteriaForm {
  conditions: string[];
  ageFrom: string;
  ageTo: string;
  practiceIds: string[];
  notOnProgramme: boolean;
  noContactSince: string;
  opioidAtLeast: string;
}

export const emptyCriteria = (): CriteriaForm => ({ conditions: [], ageFrom: '', ageTo: '', practiceIds: [], notOnProgramme: true, noContactSince: '', opioidAtLeast: '' });

/** The form's parts as the API's criteria (the server checks each). */
export function criteriaInput(f: CriteriaForm): CaseCriterionInput[] {
  const out: CaseCriterionInput[] = [];
  if (f.conditions.length) out.push({ kind: 'CONDITIONS', values: f.conditions });
  if (f.ageFrom.trim() || f.ageTo.trim()) out.push({ kind: 'AGE_BAND', min: f.ageFrom.trim() ? Number(f.ageFrom) : null, max: f.ageTo.trim() ? Number(f.ageTo) : null });
  if (f.practiceIds.length) out.push({ kind: 'PRACTICE', values: f.practiceIds });
  if (f.notOnProgramme) out.push({ kind: 'NOT_ON_PROGRAMME' });
  if (f.noContactSince) out.push({ kind: 'NO_CONTACT_SINCE', date: f.noContactSince });
  if (f.opioidAtLeast.trim()) out.push({ kind: 'OPIOID_DOSE_AT_LEAST', min: Number(f.opioidAtLeast) });
  return out;
}

/** Conditions, age band, practice, not on the programme, last contact and opioid dose. */
export function CriteriaBuilder(props: { value: CriteriaForm; onChange(f: CriteriaForm): void; conditions: string[]; practices: Array<{ id: string; name: string }> }): JSX.Element {
  const set = <K extends keyof CriteriaForm>(k: K, v: CriteriaForm[K]) => props.onChange({ ...props.value, [k]: v });
  const toggle = (list: string[], item: string, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));
  const [showAllConditions, setShowAllConditions] = createSignal(false);
  const shownConditions = () => (showAllConditions() ? props.conditions : props.conditions.slice(0, 8));
  return (
    <div class="criteria">
      <fieldset class="criteria__group">
        <legend class="field__label">Has any of these conditions</legend>
        <div class="criteria__checks">
          <For each={shownConditions()}>
            {(c) => (
              <label class="check">
                <input type="checkbox" checked={props.value.conditions.includes(c)} onChange={(e) => set('conditions', toggle(props.value.conditions, c, e.currentTarget.checked))} />
                {c}
              </label>
            )}
          </For>
        </div>
        <Show when={props.conditions.length > 8 && !showAllConditions()}>
          <button type="button" class="button button--quiet" onClick={() => setShowAllConditions(true)}>
            Show all {props.conditions.length} conditions
          </button>
        </Show>
      </fieldset>
      <fieldset class="criteria__group">
        <legend class="field__label">Age band</legend>
        <div class="criteria__pair">
          <TextField label="From age" type="number" min="0" max="120" inputMode="numeric" value={props.value.ageFrom} onInput={(v) => set('ageFrom', v)} />
          <TextField label="To age" type="number" min="0" max="120" inputMode="numeric" value={props.value.ageTo} onInput={(v) => set('ageTo', v)} />
        </div>
      </fieldset>
      <fieldset class="criteria__group">
        <legend class="field__label">Registered at</legend>
        <p class="field__hint">None ticked: every practice of your PCN.</p>
        <div class="criteria__checks">
          <For each={props.practices}>
            {(p) => (
              <label class="check">
                <input type="checkbox" checked={props.value.practiceIds.includes(p.id)} onChange={(e) => set('practiceIds', toggle(props.value.practiceIds, p.id, e.currentTarget.checked))} />
                {p.name}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <fieldset class="criteria__group">
        <legend class="field__label">Programme and contact</legend>
        <label class="check">
          <input type="checkbox" checked={props.value.notOnProgramme} onChange={(e) => set('notOnProgramme', e.currentTarget.checked)} />
          Not on the programme (not active, no referral awaiting triage)
        </label>
        <div class="criteria__pair">
          <TextField label="No contact since" hint="Last entry on the record before this day, or none" type="date" value={props.value.noContactSince} onInput={(v) => set('noContactSince', v)} />
          <TextField label="Opioid dose at or above" hint="mg oral morphine equivalent a day" type="number" min="1" inputMode="decimal" value={props.value.opioidAtLeast} onInput={(v) => set('opioidAtLeast', v)} />
        </div>
      </fieldset>
    </div>
  );
}
