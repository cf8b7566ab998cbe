import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { seedWorld, signInAll, startCairn } from '../support/cairn.js';
import { driveLoad, inBatches, LoadRecorder, Typist, type LoadEditor, type LoadOptions, type LoadResult } from './load.js';

export const APPLY = `mutation($p: ID!, $u: String!, $c: String!) { applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: $c) { seq duplicate } }`;
export const UPDATES = `subscription($p: ID!, $sv: String) { carePlanUpdates(patientId: $p, stateVector: $sv) { kind update seq clientUpdateId } }`;

interface UpdateEvent {
  kind: 'SYNC' | 'UPDATE';
  update: string;
  seq: number;
  clientUpdateId: string | null;
}

/** A graphql-ws connection as Cairn's web client opens it (bearer token in the connection params). */
export function connectSocket(wsUrl: string, token: string, onError: (e: unknown) => void): Promise<Client> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { token },
      on: {
        connected: () => ((connected = true), resolve(client)),
        closed: (event) => (connected ? onError(event) : reject(new Error(`socket closed before it connected: ${JSON.stringify(event)}`))),
      },
      onNonLazyError: (e) => (connected ? onError(e) : reject(e)),
    });
  });
}

/**
 * One clinician editing a plan the way Cairn's web client does: a Y.Doc subscribed to carePlanUpdates
 * (starting from its state vector), each local edit sent at once as applyCarePlanUpdate on the same socket.
 */
class CairnEditor implements LoadEditor {
  private readonly doc = new Y.Doc();
  private readonly text = this.doc.getText('whatMatters');
  private readonly own = new Set<string>();
  private client!: Client;
  private unsubscribe: (() => void) | undefined;
  private counter = 0;

  constructor(
    private readonly id: string,
    private readonly patientId: string,
    private readonly recorder: LoadRecorder,
    private readonly typist: Typist,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.send(update);
    });
  }

  async connect(wsUrl: string, token: string): Promise<void> {
    this.client = await connectSocket(wsUrl, token, (e) => this.recorder.onError(e));
    await new Promise<void>((resolve, reject) => {
      let synced = false;
      this.unsubscribe = this.client.subscribe<{ carePlanUpdates: UpdateEvent }>(
        { query: UPDATES, variables: { p: this.patientId, sv: Buffer.from(Y.encodeStateVector(this.doc)).toString('base64') } },
        {
          next: ({ data, errors }) => {
            if (errors?.length || !data) return synced ? this.recorder.onError(errors) : reject(new Error(errors?.[0]?.message));
            const event = data.carePlanUpdates;
            const id = event.clientUpdateId;
            if (id !== null && this.own.delete(id)) return; // our own update, echoed
            Y.applyUpdate(this.doc, Buffer.from(event.update, 'base64'), 'remote');
            if (event.kind === 'SYNC') (synced = true), resolve();
            else if (id !== null) this.recorder.onSeen(id);
          },
          error: (e) => (synced ? this.recorder.onError(e) : reject(e)),
          complete: () => undefined,
        },
      );
    });
  }

  type(): void {
    this.doc.transact(() => this.typist.edit(this.text));
  }

  private send(update: Uint8Array): void {
    const clientUpdateId = `${this.id}-${++this.counter}`;
    this.own.add(clientUpdateId);
    this.recorder.onSent(clientUpdateId);
    this.client.subscribe<{ applyCarePlanUpdate: { seq: number } }>(
      { query: APPLY, variables: { p: this.patientId, u: Buffer.from(update).toString('base64'), c: clientUpdateId } },
      {
        next: ({ data, errors }) => (errors?.length || !data ? this.recorder.onError(errors) : this.recorder.onAck(clientUpdateId)),
        error: (e) => this.recorder.onError(e),
        complete: () => undefined,
      },
    );
  }

  close(): void {
    this.unsubscribe?.();
    void this.client.dispose();
    this.doc.destroy();
  }
}

/** Part 1: the co-editing load against Cairn (its own database, seeded people, real sign-ins). */
export async function runCairnLoad(o: LoadOptions, log: (line: string) => void): Promise<LoadResult & { storedBytes: number }> {
  const cairn = await startCairn();
  try {
    const world = await seedWorld(cairn.db, o.plans, o.editors);
    log(`Cairn (pid ${cairn.server.pid}) started; signing in ${world.users.length} clinicians`);
    const tokens = await signInAll(cairn.url, world.users.map((u) => u.email));
    const recorder = new LoadRecorder(o.editors - 1);
    const slots = world.users.map((u, i) => ({ plan: Math.floor(i / o.editors), token: tokens[i] }));
    const flat = await inBatches(slots, 10, 120_000, async (slot, i) => {
      const editor = new CairnEditor(`e${i}`, world.patients[slot.plan], recorder, new Typist(o.seed + i));
      await editor.connect(cairn.wsUrl, slot.token);
      return editor;
    });
    const editors = world.patients.map((_, p) => flat.slice(p * o.editors, (p + 1) * o.editors));
    log(`${flat.length} editors connected and synced; typing for ${o.warmupSeconds} s warm-up + ${o.seconds} s`);
    let result: LoadResult;
    try {
      result = await driveLoad('Cairn', cairn.server.pid, editors, recorder, o);
    } finally {
      flat.forEach((e) => e.close());
    }
    const { rows } = await cairn.db.pool.query<{ bytes: string }>(
      `select (select coalesce(sum(octet_length(update)), 0) from care_plan_update) + (select coalesce(sum(octet_length(snapshot)), 0) from care_plan) as bytes`,
    );
    return { ...result, storedBytes: Number(rows[0].bytes) };
  } finally {
    await cairn.close();
  }
}
