import { PatientHandoversDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, createSignal, For, on, Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { HandoverNoteCard } from './handover-note.js';
import { PostHandoverForm } from './post-handover-form.js';
import './handover.css';

type Patient = PatientWorkspaceQuery['patient'];

/** The patient's handover notes, in the server's order (unacknowledged first, most urgent first), kept live; post, acknowledge and add addenda here. */
export function HandoverTab(props: { patient: Patient; focusHandoverId?: string | undefined }): JSX.Element {
  const [result, refetch] = createQuery({ query: PatientHandoversDocument, variables: () => ({ patientId: props.patient.id }) });
  const [posting, setPosting] = createSignal(false);
  const [posted, setPosted] = createSignal(false);
  const session = useSession();
  const myId = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user.id : '';
  };
  const abilities = () => ({
    canPost: props.patient.viewerCan.postHandover,
    // Not a note of my own (checked per note below): its author cannot acknowledge it for the team.
    canAcknowledge: props.patient.viewerCan.acknowledgeHandover,
    // An action assigned to me is mine to mark done; anyone else's (or nobody's) is the lead's.
    canMarkDone: (assigneeId: string | null) => (assigneeId !== null && assigneeId === myId() ? props.patient.viewerCan.completeOwnHandoverAction : props.patient.viewerCan.completeHandoverAction),
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  // The notes shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);

  followPatientEvents(
    () => props.patient.id,
    (event) => {
      if (event.kind.startsWith('HANDOVER_')) reload();
    },
    reload,
  );

  // A link to one note (from a notification or the inbox) scrolls to it and puts focus there.
  createEffect(
    on([() => props.focusHandoverId, () => loaded()], ([id, data]) => {
      if (!id || !data) return;
      queueMicrotask(() => {
        const el = document.getElementById(`handover-${id}`);
        el?.scrollIntoView({ block: 'start' });
        el?.focus({ preventScroll: true });
      });
    }),
  );

  const notes = () => loaded()?.patientHandovers;

  return (
    <div class="handover-tab">
      <div class="tab-toolbar">
        <p class="muted tab-toolbar__lede">Advice handed over by specialist pain services and the care team. Posted notes never change; corrections are addenda.</p>
        <Show when={abilities().canPost && !posting()}>
          <Button
            onClick={() => {
              setPosted(false);
              setPosting(true);
            }}
          >
            Post a handover
          </Button>
        </Show>
      </div>
      <Show when={posted()}>
        <Alert tone="success">Your handover has been posted and the care team has been told.</Alert>
      </Show>
      <Show when={posting()}>
        <PostHandoverForm
          patientId={props.patient.id}
          careTeam={props.patient.careTeam}
          onPosted={() => {
            setPosting(false);
            setPosted(true);
            reload();
          }}
          onCancel={() => setPosting(false)}
        />
      </Show>
      <ListStates
        items={notes()}
        error={result.error}
        retry={reload}
        loadingLabel="Loading handover notes…"
        empty={
          <EmptyState title="No handover notes yet" headingLevel={3}>
            <p>When a specialist pain service or a colleague hands over advice about this patient, it appears here for the lead to acknowledge.</p>
          </EmptyState>
        }
      >
        {(items) => (
          <div class="handover-list">
            <For each={items}>
              {(note) => (
                <HandoverNoteCard
                  note={note}
                  canAcknowledge={abilities().canAcknowledge && note.author.id !== myId()}
                  canAddAddendum={abilities().canPost}
                  canMarkDone={abilities().canMarkDone}
                  highlighted={note.id === props.focusHandoverId}
                  onChanged={reload}
                />
              )}
            </For>
          </div>
        )}
      </ListStates>
    </div>
  );
}

