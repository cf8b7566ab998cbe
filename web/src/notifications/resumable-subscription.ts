import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';

/** A live stream from the event log that carries a cursor (`seq`) on every item. */
export interface ResumableOptions<Result, Variables> {
  ws: WsClient;
  document: TypedDocumentNode<Result, Variables>;
  /** The subscription's variables, resuming after `cursor` (null: from now). */
  variables(cursor: string | null): Variables;
  /** The cursor an item carries. */
  cursorOf(result: Result): string;
  /** Where to start: the newest cursor already shown, or null for "from now". */
  cursor: string | null;
  onItem(result: Result): void;
  /**
   * The server said this client fell too far behind (RESYNC_REQUIRED), or the stream could not be
   * resumed: reload what is shown and answer the cursor to go on from (null: from now).
   */
  onResync(): Promise<string | null>;
}

const resyncCode = 'RESYNC_REQUIRED';
const retryDelaysMs = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Subscribes and keeps subscribing: after a dropped connection it starts again from the last cursor it
 * handed on (so nothing is missed), skips anything at or before that cursor (so nothing is shown twice),
 * and on a resync signal asks its owner to reload before going on. Answers a function that stops it.
 */
export function resumableSubscription<Result, Variables>(options: ResumableOptions<Result, Variables>): () => void {
  let cursor = options.cursor;
  let stopped = false;
  let failures = 0;
  let unsubscribe: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const query = print(options.document);

  const restart = (delayMs: number) => {
    unsubscribe?.();
    unsubscribe = null;
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(start, delayMs);
  };

  const resync = async () => {
    unsubscribe?.();
    unsubscribe = null;
    try {
      cursor = await options.onResync();
      restart(0);
    } catch {
      restart(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
    }
  };

  function start(): void {
    if (stopped) return;
    const variables = options.variables(cursor) as Record<string, unknown>;
    unsubscribe = options.ws.subscribe<Result>(
      { query, variables },
      {
        next(result) {
          if (result.errors?.length) {
            void resync();
            return;
          }
          if (!result.data) return;
          const seq = options.cursorOf(result.data as Result);
          if (cursor !== null && BigInt(seq) <= BigInt(cursor)) return;
          cursor = seq;
          options.onItem(result.data as Result);
        },
        error(error) {
          if (stopped) return;
          const codes = Array.isArray(error) ? error.map((e: { extensions?: { code?: unknown } }) => e.extensions?.code) : [];
          if (codes.includes(resyncCode)) void resync();
          else restart(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
        },
        complete() {
          // The server ends streams when it shuts down; carry on from the cursor on the next instance.
          if (!stopped) restart(retryDelaysMs[Math.min(failures++, retryDelaysMs.length - 1)]!);
        },
      },
    );
  }

  // graphql-ws re-sends a subscription's first variables after a reconnect; start over from the latest
  // cursor instead, so a long-lived stream does not replay everything since it was opened.
  const offClosed = options.ws.on('closed', () => {
    if (!stopped && unsubscribe) restart(failures === 0 ? 0 : retryDelaysMs[Math.min(failures, retryDelaysMs.length - 1)]!);
    failures++;
  });
  const offConnected = options.ws.on('connected', () => (failures = 0));

  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    offClosed();
    offConnected();
    unsubscribe?.();
    unsubscribe = null;
  };
}
