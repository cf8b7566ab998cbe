import { ReferablePatientDocument, ReferralPatientSearchDocument, type ReferablePatientQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError } from '../platform/errors.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';

/** The patient a referral is for, as the form shows them once chosen. */
export interface ChosenPatient {
  id: string;
  name: string;
  nhsNumberFormatted: string;
  dateOfBirth: string;
}

type Referable = NonNullable<ReferablePatientQuery['referablePatient']>;

/** The search field's id, for giving the keyboard back to it. */
export const patientSearchFieldId = 'referral-patient-search';

/** Ten digits once spaces and dashes are gone: a whole NHS number, looked up as such. */
function wholeNhsNumber(term: string): string | null {
  const digits = term.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** Why a patient found by NHS number cannot be referred now, or null when they can. */
function notReferableNow(p: Referable): string | null {
  if (p.onProgramme) return 'On the programme already: no referral needed';
  if (p.awaitingTriage) return 'A referral awaits triage: no new referral needed';
  return null;
}

/**
 * Finds the patient to refer: by name among the patients you may open, or by their whole NHS number among
 * all you may refer (a GP's practice, a coach's PCN), who may be on no care team of yours.
 */
export function ReferralPatientSearch(props: { error?: string; onChoose(patient: ChosenPatient): void }): JSX.Element {
  const [term, setTerm] = createSignal('');
  const [searched, setSearched] = createSignal('');
  const nhsNumber = () => wholeNhsNumber(searched());
  const [byName] = createQuery({ query: ReferralPatientSearchDocument, variables: () => ({ search: searched() }), pause: () => searched().length < 2 || nhsNumber() !== null });
  const [byNhsNumber] = createQuery({ query: ReferablePatientDocument, variables: () => ({ nhsNumber: nhsNumber() ?? '' }), pause: () => nhsNumber() === null });
  const searchError = () => (byNhsNumber.error && nhsNumber() ? describeError(byNhsNumber.error).message : undefined);
  const find = () => setSearched(term().trim());

  return (
    <>
      <div class="referral-form__search">
        <TextField
          id={patientSearchFieldId}
          label="Find the patient"
          hint="Their name, or their whole NHS number to find any patient you may refer"
          value={term()}
          onInput={setTerm}
          error={props.error ?? searchError()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              find();
            }
          }}
        />
        <Button variant="secondary" onClick={find}>
          Find
        </Button>
      </div>
      {/* Present before anything is found, so what is found is read out. */}
      <div class="referral-form__results" aria-live="polite">
        <Show when={nhsNumber() && byNhsNumber.data}>
          <Show
            when={byNhsNumber.data!.referablePatient}
            fallback={<p class="muted">No patient you can refer has this NHS number. Check it; if they are new to Cairn, choose “New to Cairn” above.</p>}
          >
            {(p) => (
              <ul class="referral-form__matches" aria-label="Patient with this NHS number">
                <li>
                  <span>
                    <strong>{p().name}</strong> · born {formatIsoDate(p().dateOfBirth)} · <span class="nhs-number">NHS {p().nhsNumberFormatted}</span> · {p().practiceName}
                  </span>
                  <Show when={notReferableNow(p())} fallback={<Button variant="secondary" onClick={() => props.onChoose(p())}>Choose</Button>}>
                    {(why) => <span class="muted">{why()}</span>}
                  </Show>
                </li>
              </ul>
            )}
          </Show>
        </Show>
        <Show when={!nhsNumber() && searched().length >= 2 && byName.data}>
          <ul class="referral-form__matches" aria-label="Matching patients">
            <For each={byName.data!.patients.nodes} fallback={<li class="muted">No patient under your care matches “{searched()}”; their whole NHS number finds any patient you may refer.</li>}>
              {(p) => (
                <li>
                  <span>
                    {p.name} · NHS {p.nhsNumberFormatted} · {p.status.toLowerCase()}
                  </span>
                  <Button variant="secondary" disabled={!p.viewerCan.refer} onClick={() => props.onChoose(p)}>
                    Choose
                  </Button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </>
  );
}
