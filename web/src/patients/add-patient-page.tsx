import { AddPatientOptionsDocument, CreatePatientDocument, ViewerMayDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { useSession } from '../auth/session.js';
import { ukToday } from '../platform/dates.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link, navigate } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { Select } from '../ui/select.js';
import { Spinner } from '../ui/spinner.js';
import { TextField } from '../ui/text-field.js';
import { ColleaguePicker, type Colleague } from './colleague-picker.js';
import { statusLabel } from './patient-status.js';
import './patients.css';

const shownBeside = ['nhsNumber', 'givenName', 'familyName', 'dateOfBirth', 'practiceId', 'leadUserId', 'leadTeamRole', 'conditions'];

/**
 * Registers a patient (createPatient) and opens their record. Offered to whom the policy lets register
 * patients (viewerMay.createPatient). The care team starts with its lead: you, or (for a service lead, who
 * registers on a clinician's behalf) the colleague chosen.
 */
export function AddPatientPage(): JSX.Element {
  document.title = 'Add a patient – Cairn';
  const session = useSession();
  const me = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user : undefined;
  };
  const [may] = createQuery({ query: ViewerMayDocument });
  const [options] = createQuery({ query: AddPatientOptionsDocument });
  const [person, setPerson] = createSignal({ nhsNumber: '', givenName: '', familyName: '', dateOfBirth: '', practiceId: '' });
  const [conditions, setConditions] = createSignal<string[]>([]);
  const [status, setStatus] = createSignal<'REFERRED' | 'ACTIVE'>('REFERRED');
  const [lead, setLead] = createSignal<Colleague | null>(null);
  const [leadTeamRole, setLeadTeamRole] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, create] = createMutation(CreatePatientDocument);
  const practices = () => (options.data?.organisations ?? []).filter((o) => o.kind === 'GP_PRACTICE').map((o) => ({ value: o.id, label: o.name }));
  const fieldError = (f: string) => (problem()?.field === f ? problem()!.message : undefined);
  const mustChooseLead = () => me()?.role === 'SERVICE_LEAD';
  const set = (patch: Partial<ReturnType<typeof person>>) => setPerson({ ...person(), ...patch });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (mustChooseLead() && !lead()) return setProblem({ code: 'BAD_USER_INPUT', field: 'leadUserId', message: 'Choose the clinician who will lead the care team.' });
    const p = person();
    const r = await create({
      input: {
        ...p,
        practiceId: p.practiceId || practices()[0]?.value || '',
        conditions: conditions(),
        status: status(),
        leadUserId: lead()?.id ?? null,
        leadTeamRole: leadTeamRole().trim() || null,
      },
    });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    navigate(`/patients/${encodeURIComponent(r.data!.createPatient.id)}`);
  };

  return (
    <div class="add-patient">
      <p class="back-link">
        <Link href="/">← Back to caseload</Link>
      </p>
      <Show when={may.data} fallback={<Show when={may.error} fallback={<Spinner label="Loading…" />}>{<Alert tone="error">{describeError(may.error!).message}</Alert>}</Show>}>
        <Show
          when={may.data!.viewerMay.createPatient}
          fallback={
            <EmptyState headingLevel={1} title="Your role does not add patients" action={<Link href="/">Go to your caseload</Link>}>
              <p>Patients are added by the clinicians and service leads of a Primary Care Network.</p>
            </EmptyState>
          }
        >
          <h1>Add a patient</h1>
          <p class="muted">Register a patient with Cairn. You can add the rest of their care team from their record.</p>
          <form class="card add-patient__form" onSubmit={(e) => void submit(e)} aria-label="New patient">
            <fieldset class="add-patient__section">
              <legend class="add-patient__legend">Who they are</legend>
              <div class="details-form__grid">
                <TextField label="NHS number" hint={'10 digits, e.g. 999\u00a0123\u00a04567'} inputMode="numeric" autocomplete="off" value={person().nhsNumber} onInput={(v) => set({ nhsNumber: v })} error={fieldError('nhsNumber')} required />
                <TextField label="Given name" value={person().givenName} onInput={(v) => set({ givenName: v })} error={fieldError('givenName')} required maxLength={100} />
                <TextField label="Family name" value={person().familyName} onInput={(v) => set({ familyName: v })} error={fieldError('familyName')} required maxLength={100} />
                <TextField label="Date of birth" type="date" value={person().dateOfBirth} onInput={(v) => set({ dateOfBirth: v })} error={fieldError('dateOfBirth')} max={ukToday()} required />
                <Select label="GP practice" value={person().practiceId || practices()[0]?.value || ''} options={practices()} onChange={(v) => set({ practiceId: v })} />
              </div>
              <Show when={fieldError('practiceId')}>{(m) => <p class="field__error">{m()}</p>}</Show>
            </fieldset>
            <fieldset class="add-patient__section">
              <legend class="add-patient__legend">Conditions</legend>
              <div class="add-patient__checks">
                <For each={options.data?.conditionOptions ?? []}>
                  {(c) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={conditions().includes(c)}
                        onChange={(e) => setConditions(e.currentTarget.checked ? [...conditions(), c] : conditions().filter((x) => x !== c))}
                      />
                      {c}
                    </label>
                  )}
                </For>
              </div>
              <Show when={fieldError('conditions')}>{(m) => <p class="field__error">{m()}</p>}</Show>
            </fieldset>
            <fieldset class="add-patient__section">
              <legend class="add-patient__legend">Status</legend>
              <For each={['REFERRED', 'ACTIVE'] as const}>
                {(s) => (
                  <label class="check">
                    <input type="radio" name="new-patient-status" checked={status() === s} onChange={() => setStatus(s)} />
                    {statusLabel(s)}
                    <span class="muted"> — {s === 'REFERRED' ? 'waiting to start' : 'their care has started'}</span>
                  </label>
                )}
              </For>
            </fieldset>
            <fieldset class="add-patient__section">
              <legend class="add-patient__legend">Who leads their care team</legend>
              <Show
                when={lead()}
                fallback={
                  <>
                    <Show when={!mustChooseLead()}>
                      <p>
                        You will lead the care team{me() ? ` as ${roleLabel(me()!.role)}` : ''}, unless you choose a colleague.
                      </p>
                    </Show>
                    <ColleaguePicker
                      label={mustChooseLead() ? 'Find the clinician who will lead' : 'Or find a colleague to lead (optional)'}
                      error={fieldError('leadUserId')}
                      onChoose={(c) => {
                        setLead(c);
                        setLeadTeamRole(roleLabel(c.role));
                        if (problem()?.field === 'leadUserId') setProblem(null);
                      }}
                    />
                  </>
                }
              >
                {(l) => (
                  <p>
                    <strong>{l().name}</strong> <span class="muted">({roleLabel(l().role)}, {l().organisation.name})</span> will lead.{' '}
                    <Button variant="quiet" onClick={() => setLead(null)}>
                      Change<span class="visually-hidden"> the lead</span>
                    </Button>
                  </p>
                )}
              </Show>
              <TextField
                label="The lead's role on this team (optional)"
                hint="Their part in this patient's care; their usual role if left empty."
                value={leadTeamRole()}
                onInput={setLeadTeamRole}
                maxLength={80}
                error={fieldError('leadTeamRole')}
              />
            </fieldset>
            <Show when={problem() && !shownBeside.includes(problem()!.field ?? '')}>
              <Alert tone="error">{problem()!.message}</Alert>
            </Show>
            <div class="details-form__buttons">
              <Button type="submit" busy={state.fetching}>
                Add patient
              </Button>
              <Link href="/">Cancel</Link>
            </div>
          </form>
        </Show>
      </Show>
    </div>
  );
}
