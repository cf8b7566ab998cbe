import { InvitePatientToPainCafeDocument, PainCafePatientSearchDocument, RegisterPatientForPainCafeDocument } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createSignal, For, Show, type JSX } from 'solid-js';
import { describeError, type Problem } from '../platform/errors.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { TextField } from '../ui/text-field.js';

/** Finds a patient on your caseload by name or NHS number, and registers (or invites) them. */
export function RegisterPatient(props: { cafeId: string; full: boolean; onRegistered(notice: string): void }): JSX.Element {
  const [typed, setTyped] = createSignal('');
  const [search, setSearch] = createSignal('');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [found] = createQuery({ query: PainCafePatientSearchDocument, variables: () => ({ search: search() }), pause: () => search().length < 2, requestPolicy: 'network-only' });
  const [registering, register] = createMutation(RegisterPatientForPainCafeDocument);
  const [inviting, invite] = createMutation(InvitePatientToPainCafeDocument);
  const patients = () => (found.data?.patients.nodes ?? []).filter((p) => p.viewerCan.manageCafePlaces);

  const doRegister = async (patient: { id: string; name: string }) => {
    const r = await register({ cafeId: props.cafeId, patientId: patient.id });
    if (r.error || !r.data) return setProblem(r.error ? describeError(r.error) : { code: null, message: 'Not registered. Please try again.' });
    setProblem(null);
    setTyped('');
    setSearch('');
    const reg = r.data.registerPatientForPainCafe;
    props.onRegistered(reg.status === 'REGISTERED' ? `${patient.name} has a place.` : `The café is full: ${patient.name} is number ${reg.waitlistPosition} on the waiting list.`);
  };
  const doInvite = async (patient: { id: string; name: string }) => {
    const r = await invite({ cafeId: props.cafeId, patientId: patient.id });
    if (r.error) return setProblem(describeError(r.error));
    setProblem(null);
    setTyped('');
    setSearch('');
    props.onRegistered(`${patient.name} is invited; register them when they say yes.`);
  };

  return (
    <section class="card cafe-register" aria-labelledby="register-heading">
      <h2 id="register-heading">Register a patient</h2>
      <p class="muted">{props.full ? 'The café is full: a patient registered now joins the waiting list.' : 'Patients registered take a place while places remain.'}</p>
      <form
        class="cafe-register__search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed().trim());
        }}
      >
        <TextField label="Find a patient on your caseload" hint="Name or NHS number" type="search" value={typed()} onInput={setTyped} autocomplete="off" />
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <Show when={problem()}>
        <Alert tone="error">{problem()!.message}</Alert>
      </Show>
      <Show when={search().length >= 2 && found.data}>
        <Show when={patients().length > 0} fallback={<p class="muted">No patient on your caseload matches “{search()}”.</p>}>
          <ul class="place-list" aria-label="Patients found">
            <For each={patients()}>
              {(p) => (
                <li class="place">
                  <div class="place__who">
                    <span>{p.name}</span> · <span class="nhs-number muted">NHS {p.nhsNumberFormatted}</span>
                  </div>
                  <div class="place__actions">
                    <Button busy={registering.fetching} onClick={() => void doRegister(p)} aria-label={`Register ${p.name}`}>
                      Register
                    </Button>
                    <Button variant="secondary" busy={inviting.fetching} onClick={() => void doInvite(p)} aria-label={`Invite ${p.name}`}>
                      Invite
                    </Button>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
