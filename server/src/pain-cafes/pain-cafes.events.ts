import { eventKinds } from '../events/event-kinds.js';

/** What every café event names: the place, the café and when it meets (ISO). */
export interface CafePlaceRef {
  cafeId: string;
  registrationId: string;
  title: string;
  startsAt: string;
}

/** The events on a patient's timeline about their places on Pain Cafés. */
export interface PainCafeEventPayloads {
  CAFE_INVITED: CafePlaceRef;
  CAFE_REGISTERED: CafePlaceRef;
  CAFE_WAITLISTED: CafePlaceRef & { position: number };
  CAFE_PLACE_OFFERED: CafePlaceRef;
  /** The patient's place (or invitation, or spot on the waiting list) ended; `cafeCancelled` when the café itself was. */
  CAFE_CANCELLED: CafePlaceRef & { previousStatus: string; reason: string | null; cafeCancelled: boolean };
  /** The café moved to another time or place (`startsAt` and `where` are the new ones). */
  CAFE_MOVED: CafePlaceRef & { where: string; previousStartsAt: string; previousWhere: string };
  CAFE_ATTENDED: CafePlaceRef & { corrected: boolean };
  CAFE_DID_NOT_ATTEND: CafePlaceRef & { corrected: boolean };
}

declare module '../events/event-kinds.js' {
  interface EventPayloads extends PainCafeEventPayloads {}
}

/** Kind → what it means (the GraphQL enum's descriptions). */
export const painCafeEventKinds = eventKinds<PainCafeEventPayloads>({
  CAFE_INVITED: 'A coach invited the patient to a Pain Café.',
  CAFE_REGISTERED: 'The patient took a place on a Pain Café.',
  CAFE_WAITLISTED: "The Pain Café was full: the patient joined its waiting list.",
  CAFE_PLACE_OFFERED: 'A place on a Pain Café freed up and passed to the patient from the waiting list.',
  CAFE_CANCELLED: "The patient's place on a Pain Café (or their invitation or waiting) was cancelled.",
  CAFE_MOVED: 'A Pain Café the patient has a place on, is invited to or waits for moved to another time or place.',
  CAFE_ATTENDED: 'The patient attended a Pain Café.',
  CAFE_DID_NOT_ATTEND: 'The patient did not attend a Pain Café they were registered for.',
});
