import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { SUBSCRIPTION } from '../fanout/baseline-event.js';
import { postMany } from '../fanout/catch-up.js';
import { sleep } from '../support/sleep.js';
import { collectGarbage } from '../fanout/process-tools.js';
import { marker, now } from '../fanout/protocol.js';
import { startCairnTarget, type CairnTarget } from '../fanout/targets.js';
import { table } from '../support/stats.js';

/**
 * `npm run bench -- kept-events`: the memory a Cairn server holds for each event it keeps for replay
 * (events/recent-events.ts keeps a patient stream's latest events, each with its result, encoded once).
 * K subscribers watch one patient while E events are posted (E within what a stream keeps, so every one
 * is kept); the server's JS heap and array buffers are read through the inspector after a full GC, once
 * the subscribers are live and again after the last delivery. Baseline, in the same run: the results' own
 * bytes, as the subscribers received them, the least a kept result can take.
 */
const SUBSCRIBERS = Number(process.env.KEPT_SUBSCRIBERS ?? 20);
const EVENTS = Number(process.env.KEPT_EVENTS ?? 1000);

export async function keptEventsBenchmark(): Promise<void> {
  const target = await startCairnTarget(SUBSCRIBERS);
  const clients: Client[] = [];
  try {
    let received = 0;
    let resultBytes = 0;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const client = createClient({ url: target.wsUrl, webSocketImpl: WebSocket, connectionParams: { token: target.tokens[i % target.tokens.length] }, lazy: false, retryAttempts: 0 });
      client.subscribe(
        { query: SUBSCRIPTION, variables: { patientId: target.patientId } },
        {
          next: (result) => {
            received++;
            if (i === 0) resultBytes += Buffer.byteLength(JSON.stringify(result)) + 1; // with the `}` that closes its message
          },
          error: (e) => console.error('a subscriber failed', e),
          complete: () => undefined,
        },
      );
      clients.push(client);
    }
    await untilLive(target, () => received, SUBSCRIBERS);
    const before = await collectGarbage(target.inspector);
    received = 0;
    resultBytes = 0;
    await postMany(target, EVENTS, 4, 0);
    const deadline = Date.now() + 60_000;
    while (received < SUBSCRIBERS * EVENTS && Date.now() < deadline) await sleep(100);
    if (received < SUBSCRIBERS * EVENTS) throw new Error(`only ${received} of ${SUBSCRIBERS * EVENTS} deliveries arrived`);
    const after = await collectGarbage(target.inspector);
    const perEvent = (bytes: number) => `${(bytes / EVENTS / 1024).toFixed(2)} KB`;
    console.log(`${EVENTS} events posted to one patient, each delivered to ${SUBSCRIBERS} subscribers; memory after a full GC, per kept event`);
    table([
      { measure: "array buffers (the results' encoded bytes, and whatever they hold on to)", 'per kept event': perEvent(after.arrayBuffers - before.arrayBuffers) },
      { measure: 'JS heap (the event and its result, as objects)', 'per kept event': perEvent(after.heapUsed - before.heapUsed) },
      { measure: "baseline: a result's own bytes, as received", 'per kept event': perEvent(resultBytes) },
    ]);
  } finally {
    for (const client of clients) await client.dispose();
    await target.stop();
  }
}

/** Posts one event at a time until every subscriber has one: a graphql-ws subscribe is not acknowledged. */
async function untilLive(target: CairnTarget, received: () => number, subscribers: number): Promise<void> {
  for (let i = 0; received() < subscribers; i++) {
    if (i >= 100) throw new Error('the subscribers never went live');
    await target.post(marker(-1, now()));
    await sleep(100);
  }
}
