import type { ContactMethod, ReferralDetailsInput } from '@cairn/schema/operations';
import { createUniqueId, For, Show, type JSX } from 'solid-js';
import { fieldDescription } from '../ui/field-frame.js';
import { Select } from '../ui/select.js';
import { TextArea } from '../ui/text-area.js';
import { TextField } from '../ui/text-field.js';
import { contactWords } from './referral-words.js';

export type ReferralDetails = Required<Omit<ReferralDetailsInput, 'conditions'>> & { conditions: string[] };

export const emptyDetails = (): ReferralDetails => ({
  reason: '',
  wantsHelpWith: '',
  conditions: [],
  consentToContact: false,
  contactMethod: 'PHONE',
  contactTimes: '',
  interpreterNeeded: false,
  interpreterLanguage: '',
  hearingSupport: false,
  largePrint: false,
  accessibilityNotes: '',
});

/** The details as the API takes them: optional text left empty is sent as null. */
export function detailsInput(d: ReferralDetails): ReferralDetailsInput {
  const blankToNull = (s: string | null) => (s?.trim() ? s : null);
  return {
    ...d,
    conditions: d.conditions.length ? d.conditions : null,
    contactTimes: blankToNull(d.contactTimes),
    interpreterLanguage: d.interpreterNeeded ? d.interpreterLanguage : null,
    accessibilityNotes: blankToNull(d.accessibilityNotes),
  };
}

const methods = (Object.keys(contactWords) as ContactMethod[]).map((value) => ({ value, label: contactWords[value] }));

/** What a referral says: why, what the patient wants help with, consent, how to reach them, accessibility needs. */
export function ReferralDetailsFields(props: { value: ReferralDetails; onChange(next: ReferralDetails): void; fieldError(field: string): string | undefined; conditionOptions?: string[] }): JSX.Element {
  const set = <K extends keyof ReferralDetails>(key: K, v: ReferralDetails[K]) => props.onChange({ ...props.value, [key]: v });
  const ids = { consent: createUniqueId() };
  const errorOf = (id: string, key: string) => (
    <Show when={props.fieldError(key)}>
      <p class="field__error" id={`${id}-error`}>
        {props.fieldError(key)}
      </p>
    </Show>
  );
  const textArea = (key: 'reason' | 'wantsHelpWith', label: string, hint: string) => (
    <TextArea label={label} hint={hint} rows={3} value={props.value[key]} onInput={(v) => set(key, v)} error={props.fieldError(key)} required />
  );
  return (
    <div class="referral-details">
      {textArea('reason', 'Reason for referral', 'The pain, how long, what has been tried.')}
      {textArea('wantsHelpWith', 'What the patient wants help with', 'In their words: what matters to them.')}
      <Show when={props.conditionOptions?.length}>
        <fieldset class="referral-details__checks">
          <legend class="field__label">Conditions this referral is for</legend>
          <p class="field__hint">Leave all unticked to use the conditions on the patient's record.</p>
          <For each={props.conditionOptions}>
            {(c) => (
              <label class="check">
                <input type="checkbox" checked={props.value.conditions.includes(c)} onChange={(e) => set('conditions', e.currentTarget.checked ? [...props.value.conditions, c] : props.value.conditions.filter((x) => x !== c))} />
                {c}
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <div class={`field ${props.fieldError('consentToContact') ? 'field--invalid' : ''}`}>
        <label class="check check--strong" for={ids.consent}>
          <input
            id={ids.consent}
            type="checkbox"
            checked={props.value.consentToContact}
            onChange={(e) => set('consentToContact', e.currentTarget.checked)}
            aria-invalid={props.fieldError('consentToContact') ? 'true' : undefined}
            aria-describedby={fieldDescription(ids.consent, undefined, props.fieldError('consentToContact'))}
          />
          The patient agrees to be contacted by the coaching service
        </label>
        {errorOf(ids.consent, 'consentToContact')}
      </div>
      <div class="referral-details__grid">
        <Select label="Preferred contact" value={props.value.contactMethod} options={methods} onChange={(v) => set('contactMethod', v as ContactMethod)} />
        <TextField label="Best times to contact" hint="For example: weekday mornings" value={props.value.contactTimes ?? ''} onInput={(v) => set('contactTimes', v)} error={props.fieldError('contactTimes')} />
      </div>
      <fieldset class="referral-details__checks">
        <legend class="field__label">Accessibility needs</legend>
        <label class="check">
          <input type="checkbox" checked={props.value.interpreterNeeded} onChange={(e) => set('interpreterNeeded', e.currentTarget.checked)} />
          Needs an interpreter
        </label>
        <Show when={props.value.interpreterNeeded}>
          <TextField label="Interpreter language" value={props.value.interpreterLanguage ?? ''} onInput={(v) => set('interpreterLanguage', v)} error={props.fieldError('interpreterLanguage')} required />
        </Show>
        <label class="check">
          <input type="checkbox" checked={props.value.hearingSupport} onChange={(e) => set('hearingSupport', e.currentTarget.checked)} />
          Hearing support
        </label>
        <label class="check">
          <input type="checkbox" checked={props.value.largePrint} onChange={(e) => set('largePrint', e.currentTarget.checked)} />
          Large print
        </label>
        <TextField label="Other needs (optional)" value={props.value.accessibilityNotes ?? ''} onInput={(v) => set('accessibilityNotes', v)} error={props.fieldError('accessibilityNotes')} />
      </fieldset>
    </div>
  );
}

/** Fields the details form shows its own errors for. */
export const detailFields = ['reason', 'wantsHelpWith', 'consentToContact', 'contactTimes', 'interpreterLanguage', 'accessibilityNotes'];
