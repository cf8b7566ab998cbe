import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { gqlHttp, openSessions, seedWorld, startCairn } from '../support/cairn.js';
import os from 'node:os';
import path from 'node:path';
import { driveLoad, inBatches, LoadRecorder, Typist, type LoadEditor, type LoadOptions, type LoadResult } from './load.js';
import { readStages, type StageSummary } from './stages.js';

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
 * Which edits each stored update carried (by clientUpdateId), so any editor receiving it can time them,
 * and how many of the plan's other editors have yet to receive it (then the entry is let go of).
 */
type Carried = Map<string, { keys: string[]; awaited: number }>;

/**
 * One clinician editing a plan: a Y.Doc subscribed to carePlanUpdates (starting from its state vector);
 * local edits go out as applyCarePlanUpdate, one update in flight at a time (the server must receive a
 * client's updates in order), and whatever was typed meanwhile is merged into the next one. The edits go
 * on the same socket, as Cairn's web client sends them, or (`edits: 'http'`) as HTTP POSTs, its fallback.
 */
class CairnEditor implements LoadEditor {
  private readonly doc = new Y.Doc();
  private readonly text = this.doc.getText('whatMatters');
  private client!: Client;
  private unsubscribe: (() => void) | undefined;
  private outbox: Array<{ update: Uint8Array; key: string }> = [];
  private inFlight = false;
  private closing = false;
  private edits = 0;
  private messages = 0;

  constructor(
    private readonly id: string,
    private readonly patientId: string,
    private readonly recorder: LoadRecorder,
    private readonly typist: Typist,
    private readonly carried: Carried,
    private readonly othersOnPlan: number,
    private readonly http: { url: string; token: string } | null,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      const key = `${this.id}.${++this.edits}`;
      this.recorder.onSent(key);
      this.outbox.push({ update, key });
      if (!this.inFlight) this.flush();
    });
  }

  async connect(wsUrl: string, token: string): Promise<void> {
    this.client = await connectSocket(wsUrl, token, (e) => this.closing || this.recorder.onError(e));
    await new Promise<void>((resolve, reject) => {
      let synced = false;
      this.unsubscribe = this.client.subscribe<{ carePlanUpdates: UpdateEvent }>(
        { query: UPDATES, variables: { p: this.patientId, sv: Buffer.from(Y.encodeStateVector(this.doc)).toString('base64') } },
        {
          next: ({ data, errors }) => {
            if (errors?.length || !data) return synced ? this.recorder.onError(errors) : reject(new Error(errors?.[0]?.message));
            const event = data.carePlanUpdates;
            const id = event.clientUpdateId;
            if (id?.startsWith(`${this.id}-`)) return; // our own update, echoed
            Y.applyUpdate(this.doc, Buffer.from(event.update, 'base64'), 'remote');
            if (event.kind === 'SYNC') (synced = true), resolve();
            else if (id !== null) this.seen(id);
          },
          error: (e) => (this.closing ? undefined : synced ? this.recorder.onError(e) : reject(e)),
          complete: () => undefined,
        },
      );
    });
  }

  /** Another editor's update arrived: its edits are timed as seen here. */
  private seen(clientUpdateId: string): void {
    const carried = this.carried.get(clientUpdateId);
    if (!carried) return;
    for (const key of carried.keys) this.recorder.onSeen(key);
    if (--carried.awaited === 0) this.carried.delete(clientUpdateId);
  }

  type(): void {
    this.doc.transact(() => this.typist.edit(this.text));
  }

  private flush(): void {
    const batch = this.outbox.splice(0);
    if (batch.length === 0) return;
    this.inFlight = true;
    const update = batch.length === 1 ? batch[0].update : Y.mergeUpdates(batch.map((b) => b.update));
    const clientUpdateId = `${this.id}-${++this.messages}`;
    const keys = batch.map((b) => b.key);
    this.carried.set(clientUpdateId, { keys, awaited: this.othersOnPlan });
    const sentAt = performance.now();
    let done = false;
    const settle = (ok: boolean, error?: unknown) => {
      if (done || this.closing) return;
      done = true;
      this.inFlight = false;
      if (ok) {
        this.recorder.onMessageAck(sentAt);
        keys.forEach((k) => this.recorder.onAck(k));
      } else this.recorder.onError(error);
      this.flush();
    };
    const variables = { p: this.patientId, u: Buffer.from(update).toString('base64'), c: clientUpdateId };
    if (this.http) {
      postEdit(this.http, variables).then(
        () => settle(true),
        (e: unknown) => settle(false, e),
      );
      return;
    }
    this.client.subscribe<{ applyCarePlanUpdate: { seq: number } }>(
      { query: APPLY, variables },
      {
        next: ({ data, errors }) => (errors?.length || !data ? settle(false, errors) : settle(true)),
        error: (e) => settle(false, e),
        // graphql-ws completes every answered mutation: only one completed unanswered is an error (and
        // only then is the Error, and its stack, made: once per ack it was 2 % of the generator's time).
        complete: () => done || settle(false, new Error('applyCarePlanUpdate completed without a result')),
      },
    );
  }

  close(): void {
    this.closing = true;
    this.unsubscribe?.();
    void this.client.dispose();
    this.doc.destroy();
  }
}

/** One edit as an HTTP POST with the editor's bearer token; rejects on any error the server answers. */
async function postEdit(http: { url: string; token: string }, variables: Record<string, string>): Promise<void> {
  const res = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${http.token}` },
    body: JSON.stringify({ query: APPLY, variables }),
  });
  const body = (await res.json()) as { data?: { applyCarePlanUpdate?: unknown }; errors?: unknown[] };
  if (body.errors?.length || !body.data?.applyCarePlanUpdate) throw new Error(`applyCarePlanUpdate over HTTP: ${JSON.stringify(body.errors ?? res.status)}`);
}

/** Part 1: the co-editing load against Cairn (its own database, seeded people, real sign-ins). */
export async function runCairnLoad(o: LoadOptions, log: (line: string) => void): Promise<LoadResult & { storedBytes: number; stages: StageSummary | null }> {
  const stagesFile = path.join(os.tmpdir(), `cairn-bench-stages-${process.pid}-${Date.now()}.json`);
  const cairn = await startCairn({ CAIRN_CARE_PLAN_STAGES_FILE: stagesFile });
  let result: LoadResult & { storedBytes: number };
  try {
    const world = await seedWorld(cairn.db, o.plans, o.editors);
    const tokens = await openSessions(cairn.db, world.users.map((u) => u.id));
    const me = await gqlHttp<{ me: { id: string } | null }>(cairn.url, '{ me { id } }', {}, tokens[0]);
    if (me.me?.id !== world.users[0].id) throw new Error('a session written for the benchmark does not authenticate');
    log(`Cairn (pid ${cairn.server.pid}) started; ${world.users.length} clinicians on ${world.patients.length} care teams, sessions opened; connecting editors`);
    const recorder = new LoadRecorder(o.editors - 1);
    const carried: Carried = new Map();
    const slots = world.users.map((u, i) => ({ plan: Math.floor(i / o.editors), token: tokens[i] }));
    const flat = await inBatches(slots, 10, 120_000, async (slot, i) => {
      const http = o.edits === 'http' ? { url: cairn.url, token: slot.token } : null;
      const editor = new CairnEditor(`e${i}`, world.patients[slot.plan], recorder, new Typist(o.seed + i), carried, o.editors - 1, http);
      await editor.connect(cairn.wsUrl, slot.token);
      return editor;
    });
    const editors = world.patients.map((_, p) => flat.slice(p * o.editors, (p + 1) * o.editors));
    log(`${flat.length} editors connected and synced; typing for ${o.warmupSeconds} s warm-up + ${o.seconds} s`);
    let load: LoadResult;
    try {
      load = await driveLoad('Cairn', cairn.server.pid, editors, recorder, o);
    } finally {
      flat.forEach((e) => e.close());
    }
    const { rows } = await cairn.db.pool.query<{ bytes: string }>(
      `select (select coalesce(sum(octet_length(update)), 0) from care_plan_update) + (select coalesce(sum(octet_length(snapshot)), 0) from care_plan) as bytes`,
    );
    result = { ...load, storedBytes: Number(rows[0].bytes) };
  } finally {
    await cairn.close(); // the server writes its stage timings as it stops
  }
  return { ...result, stages: readStages(stagesFile, result.windowEpoch) };
}
