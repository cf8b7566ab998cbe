import { CreateReferralDocument, ReferralFormOptionsDocument, ReferralPatientDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createEffect, createSignal, on, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link, navigate, searchParams } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { focusFirstInvalid } from '../ui/focus-first-invalid.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { detailFields, detailsInput, emptyDetails, ReferralDetailsFields } from './referral-details-fields.js';
import { patientSearchFieldId, ReferralPatientSearch, type ChosenPatient } from './referral-patient-search.js';
import './referrals.css';

const newPatientFields = ['patientId', 'nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'practiceId'];

/**
 * Refer a patient into the coaching programme: one Cairn holds, or a new one registered with the referral.
 * Opened from a patient's record (`?patient=<id>`), that patient is already chosen and the way back is to them.
 */
export function ReferralFormPage(): JSX.Element {
  document.title = 'Refer a patient – Cairn';
  const [options] = createQuery({ query: ReferralFormOptionsDocument });
  const fromPatient = searchParams().get('patient');
  const [preset] = createQuery({ query: ReferralPatientDocument, variables: () => ({ id: fromPatient ?? '' }), pause: () => !fromPatient });
  const back = fromPatient ? { href: `/patients/${encodeURIComponent(fromPatient)}/referrals`, label: '← The patient’s referrals' } : { href: '/referrals', label: '← Referrals' };
  const [who, setWho] = createSignal<'existing' | 'new'>('existing');
  const [chosen, setChosen] = createSignal<ChosenPatient | null>(null);
  const [person, setPerson] = createSignal({ nhsNumber: '', givenName: '', familyName: '', dateOfBirth: '', practiceId: '' });
  const [details, setDetails] = createSignal(emptyDetails());
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, create] = createMutation(CreateReferralDocument);
  const practices = () => (options.data?.organisations ?? []).filter((o) => o.kind === 'GP_PRACTICE').map((o) => ({ value: o.id, label: o.name }));
  const fieldError = (field: string) => {
    const p = problem();
    return p?.field === field || p?.field === `newPatient.${field}` ? p.message : undefined;
  };

  let form: HTMLFormElement | undefined;
  // Once, when the record's patient arrives, and only if they may be referred by you (else the search, as usual).
  createEffect(
    on(
      () => preset.data?.patient,
      (p) => {
        if (p?.viewerCan.refer && !chosen()) setChosen(p);
      },
      { defer: true },
    ),
  );
  // Before the browser checks the referral's details, so that "Send referral" with nobody chosen takes the
  // keyboard to the search, the form's first field, and says what is missing there.
  createEffect(() => {
    const search = who() === 'existing' ? form?.querySelector<HTMLInputElement>(`#${patientSearchFieldId}`) : null;
    search?.setCustomValidity(chosen() ? '' : 'Find and choose the patient first.');
  });
  // The button pressed goes with the search; the keyboard moves to what replaced it, and back on "Change".
  const choose = (p: ChosenPatient | null) => {
    setChosen(p);
    if (problem()?.field === 'patientId') setProblem(null);
    queueMicrotask(() => form?.querySelector<HTMLElement>(p ? '.referral-form__chosen' : `#${patientSearchFieldId}`)?.focus());
  };
  const refuse = (p: Problem) => {
    setProblem(p);
    focusFirstInvalid(form);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const p = person();
    const input = who() === 'existing'
      ? { patientId: chosen()?.id ?? null, details: detailsInput(details()) }
      : { newPatient: { ...p, practiceId: p.practiceId || practices()[0]?.value || '', conditions: details().conditions }, details: detailsInput(details()) };
    if (who() === 'existing' && !chosen()) return refuse({ code: null, message: 'Find and choose the patient first.', field: 'patientId' });
    const r = await create({ input });
    if (r.error) return refuse(describeError(r.error));
    setProblem(null);
    navigate(`/referrals?sent=${encodeURIComponent(r.data!.createReferral.id)}`);
  };

  const shownElsewhere = () => {
    const f = problem()?.field?.replace(/^newPatient\./, '');
    return !!f && (detailFields.includes(f) || newPatientFields.includes(f));
  };

  return (
    <div class="referral-page">
      <p class="back-link">
        <Link href={back.href}>{back.label}</Link>
      </p>
      <h1>Refer a patient to health &amp; wellbeing coaching</h1>
      <p class="muted">For persistent pain: the PCN's coaches triage every referral and you are told the outcome.</p>
      <form ref={form} class="card referral-form" onSubmit={(e) => void submit(e)} aria-label="Referral">
        <fieldset class="referral-form__who">
          <legend class="field__label">The patient</legend>
          <label class="check">
            <input type="radio" name="who" checked={who() === 'existing'} onChange={() => setWho('existing')} />
            Already in Cairn
          </label>
          <label class="check">
            <input type="radio" name="who" checked={who() === 'new'} onChange={() => setWho('new')} />
            New to Cairn
          </label>
        </fieldset>
        <Show
          when={who() === 'existing'}
          fallback={
            <div class="referral-details__grid">
              <TextField label="NHS number" inputMode="numeric" value={person().nhsNumber} onInput={(v) => setPerson({ ...person(), nhsNumber: v })} error={fieldError('nhsNumber')} required />
              <TextField label="Given name" value={person().givenName} onInput={(v) => setPerson({ ...person(), givenName: v })} error={fieldError('givenName')} required />
              <TextField label="Family name" value={person().familyName} onInput={(v) => setPerson({ ...person(), familyName: v })} error={fieldError('familyName')} required />
              <TextField label="Date of birth" type="date" value={person().dateOfBirth} onInput={(v) => setPerson({ ...person(), dateOfBirth: v })} error={fieldError('dateOfBirth')} required />
              <Select label="GP practice" value={person().practiceId || practices()[0]?.value || ''} options={practices()} onChange={(v) => setPerson({ ...person(), practiceId: v })} error={fieldError('practiceId')} />
            </div>
          }
        >
          {/* Hidden, not removed, while a patient is chosen: "Change" finds the search as it was left. */}
          <div class="referral-form__find" hidden={chosen() !== null}>
            <ReferralPatientSearch error={fieldError('patientId')} onChoose={choose} />
          </div>
          <Show when={chosen()}>
            {(p) => (
              <p class="referral-form__chosen" tabIndex={-1}>
                <strong>{p().name}</strong> · <span class="nhs-number">NHS {p().nhsNumberFormatted}</span> · born {formatIsoDate(p().dateOfBirth)}{' '}
                <Button variant="quiet" onClick={() => choose(null)}>
                  Change
                </Button>
              </p>
            )}
          </Show>
        </Show>
        <ReferralDetailsFields value={details()} onChange={setDetails} fieldError={fieldError} conditionOptions={options.data?.conditionOptions} />
        <Show when={problem() && !shownElsewhere()}>
          <Alert tone="error">{problem()!.message}</Alert>
        </Show>
        <div class="referral-form__buttons">
          <Button type="submit" busy={state.fetching}>
            Send referral
          </Button>
          <Link href={back.href}>Cancel</Link>
        </div>
      </form>
    </div>
  );
}
