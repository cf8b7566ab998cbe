/**
 * Catch-up: a subscriber that missed 1,000 events reconnects with its cursor. Timed from the moment it
 * starts reconnecting (socket, authentication, subscribe, replay from the log) until it has every missed
 * event, and until it has also received a new event posted at that same moment: then it is live.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { SUBSCRIPTION } from './baseline-event.js';
import { marker, now, readMarker } from './protocol.js';
import type { CairnTarget } from './targets.js';

export interface CatchUpRun {
  replayed: number;
  /** Reconnect start → the last missed event received. */
  replayMs: number;
  /** Reconnect start → the event posted at reconnect start received. */
  liveMs: number;
  duplicatesOrGaps: number;
  /** Reconnect start → the post of the live event answered. */
  postMs: number;
}

/** Posts `count` events, `concurrency` at a time. */
export async function postMany(target: CairnTarget, count: number, concurrency: number, firstIndex: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const k = next++;
        await target.post(marker(firstIndex + k, now()));
      }
    }),
  );
}

/**
 * Reconnects after `cursor` expecting exactly `missed` events, posting one more event as it starts.
 * Returns the timings and the seq of the first event it replayed (the next run's cursor).
 */
export async function catchUpOnce(target: CairnTarget, cursor: string, missed: number, liveIndex: number, timeoutMs = 30_000): Promise<CatchUpRun & { firstSeq: string }> {
  let replayed = 0;
  let firstSeq = '';
  let lastSeq = BigInt(cursor);
  let anomalies = 0;
  let replayMs = NaN;
  let liveMs = NaN;
  const t0 = now();
  let postMs = NaN;
  const posting = target.post(marker(liveIndex, now())).then(() => {
    postMs = now() - t0;
  });
  const client = createClient({ url: target.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: target.tokens[0] }, lazy: false, retryAttempts: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`catch-up incomplete after ${timeoutMs} ms: ${replayed} replayed`)), timeoutMs);
      client.subscribe<{ patientEvents: { seq: string; payload: { summary?: string } } }>(
        { query: SUBSCRIPTION, variables: { patientId: target.patientId, after: cursor } },
        {
          next: (result) => {
            const at = now();
            const event = result.data?.patientEvents;
            if (!event) return reject(new Error(JSON.stringify(result.errors)));
            const seq = BigInt(event.seq);
            if (seq <= lastSeq) anomalies++;
            lastSeq = seq;
            if (readMarker(event.payload.summary)?.index === liveIndex) {
              liveMs = at - t0;
              if (replayed < missed) anomalies++;
              clearTimeout(timer);
              resolve();
              return;
            }
            if (replayed++ === 0) firstSeq = event.seq;
            if (replayed === missed) replayMs = at - t0;
          },
          error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
          complete: () => reject(new Error('subscription completed')),
        },
      );
    });
    await posting;
  } finally {
    await client.dispose();
  }
  return { replayed, replayMs, liveMs, postMs, duplicatesOrGaps: anomalies + Math.abs(replayed - missed), firstSeq };
}
