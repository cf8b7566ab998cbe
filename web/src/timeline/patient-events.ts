import { PatientEventsLiveDocument, PatientTimelineDocument, type PatientEventsLiveSubscription } from '@cairn/schema/operations';
import { createEffect, onCleanup } from 'solid-js';
import { useSession } from '../auth/session.js';
import { resumableSubscription } from '../notifications/resumable-subscription.js';

export type LivePatientEvent = PatientEventsLiveSubscription['patientEvents'];

/**
 * Follows a patient's events while the calling component lives, so a tab can refetch (or append) as
 * others write. It starts after the newest event on the timeline, so a dropped connection (even before
 * the first live event) resumes without a gap. After a resync signal the caller reloads in `onResync`
 * and the stream goes on from now.
 */
export function followPatientEvents(patientId: () => string, onEvent: (event: LivePatientEvent) => void, onResync: () => void): void {
  const session = useSession();
  createEffect(() => {
    const id = patientId();
    let stop: (() => void) | undefined;
    let cancelled = false;
    onCleanup(() => {
      cancelled = true;
      stop?.();
    });
    void session
      .connection()
      .urql.query(PatientTimelineDocument, { patientId: id, first: 1 })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        stop = resumableSubscription({
          ws: session.connection().ws,
          document: PatientEventsLiveDocument,
          variables: (after) => ({ patientId: id, after }),
          cursorOf: (r) => r.patientEvents.seq,
          cursor: result.data?.timeline.nodes[0]?.seq ?? null,
          onItem: (r) => onEvent(r.patientEvents),
          onResync: async () => {
            onResync();
            return null;
          },
        });
      });
  });
}
