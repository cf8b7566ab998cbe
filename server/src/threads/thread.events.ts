import { eventKinds } from '../events/event-kinds.js';

/** What MDT discussions put on the log. */
export interface ThreadEventPayloads {
  THREAD_STARTED: { threadId: string; title: string; topic: string };
  THREAD_POSTED: { threadId: string; postId: string; parentPostId: string | null; excerpt: string };
  THREAD_POST_EDITED: { threadId: string; postId: string; excerpt: string };
  THREAD_RESOLVED: { threadId: string };
  THREAD_REOPENED: { threadId: string };
}
declare module '../events/event-kinds.js' {
  interface EventPayloads extends ThreadEventPayloads {}
}

export const threadEventKinds = eventKinds<ThreadEventPayloads>({
  THREAD_STARTED: 'An MDT discussion was started.',
  THREAD_POSTED: 'Someone posted or replied in a discussion.',
  THREAD_POST_EDITED: 'A post in a discussion was edited.',
  THREAD_RESOLVED: 'A discussion was marked resolved.',
  THREAD_REOPENED: 'A resolved discussion was reopened.',
});
