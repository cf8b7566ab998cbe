import { PatientEventsLiveDocument } from '@cairn/schema/operations';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { lastCommittedSeq } from '../server/src/events/event-log.js';
import { useTestServer } from '../server/src/test-support/harness.js';
import { burst, range } from '../server/src/test-support/live.js';
import { makeWorld, signInAs } from '../server/src/test-support/world.js';
import { resumableSubscription } from '../web/src/notifications/resumable-subscription.js';


/** Resolves once `check` holds, looking every 20 ms; fails after `ms`. */
async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the web app's live stream when it falls too far behind", () => {
  const server = useTestServer({ eventQueueLimit: 40 });

  it('is told to resync, reloads, and goes on from the cursor it reloaded to: nothing shown twice, nothing missed after it', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const token = await signInAs(server().url, world.users.coach);
    const sockets: WebSocket[] = [];
    // The web app's graphql-ws client over `ws`, whose sockets the test can stop reading from.
    class RecordedSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const ws = createClient({ url: server().wsUrl, webSocketImpl: RecordedSocket, connectionParams: { token }, lazy: false, retryAttempts: 5 });
    const shown: Array<{ label: string; seq: bigint }> = [];
    const reloads: Array<{ cursor: bigint; shownBefore: number }> = [];
    const stop = resumableSubscription({
      ws,
      document: PatientEventsLiveDocument,
      variables: (after) => ({ patientId: patient.id, after }),
      cursorOf: (r) => r.patientEvents.seq,
      cursor: String(await lastCommittedSeq(server().orm.em.fork())),
      onItem: (r) => shown.push({ label: String((r.patientEvents.payload as { threadId: string }).threadId), seq: BigInt(r.patientEvents.seq) }),
      // What the timeline does: reload what it shows, then go on from the newest event it loaded.
      onResync: async () => {
        const cursor = await lastCommittedSeq(server().orm.em.fork());
        reloads.push({ cursor: BigInt(cursor), shownBefore: shown.length });
        return String(cursor);
      },
    });
    try {
      await burst(server().orm.em, patient.id, ['before']);
      await until(() => shown.length === 1);
      const hub = server().running.services.events;
      const subscribers = hub.subscriberCount;
      sockets[0].pause(); // the app stops reading: its socket's buffers fill and its queue overflows

      const padding = 'x'.repeat(4000);
      for (let round = 0; round < 60 && hub.subscriberCount === subscribers; round++) await burst(server().orm.em, patient.id, range(`r${round}-`, 200), padding);
      expect(hub.subscriberCount).toBe(subscribers - 1);
      sockets[0].resume();
      await until(() => reloads.length === 1);
      await until(() => hub.subscriberCount === subscribers); // subscribed again, from the reloaded cursor

      await burst(server().orm.em, patient.id, ['after-1', 'after-2']);
      const labels = () => shown.map((s) => s.label);
      await until(() => labels().includes('after-2'));
      expect(reloads).toHaveLength(1);
      // After the reload: only what came after its cursor, once each, in order.
      expect(shown.slice(reloads[0].shownBefore).map((s) => s.label)).toEqual(['after-1', 'after-2']);
      expect(shown.slice(reloads[0].shownBefore).every((s) => s.seq > reloads[0].cursor)).toBe(true);
      expect(new Set(labels()).size).toBe(shown.length);
    } finally {
      stop();
      await ws.dispose();
    }
  }, 180_000); // fills a paused socket's buffers first: thousands of events on a busy machine
});
