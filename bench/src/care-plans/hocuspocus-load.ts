import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { freePort, startChild, type ChildServer } from '../support/child-server.js';
import { freshDatabase, type FreshDatabase } from '../support/postgres.js';
import { driveLoad, inBatches, LoadRecorder, Typist, type LoadEditor, type LoadOptions, type LoadResult } from './load.js';

const serverScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'hocuspocus-server.js');

/** Hocuspocus in a child process with its documents in a fresh PostgreSQL database. */
export async function startHocuspocus(): Promise<{ url: string; server: ChildServer; db: FreshDatabase; close(): Promise<void> }> {
  const db = await freshDatabase('hocuspocus_bench');
  try {
    const port = await freePort();
    const server = await startChild(serverScript, { DATABASE_URL: db.url, PORT: String(port) }, /Hocuspocus is listening/);
    return {
      url: `ws://127.0.0.1:${port}`,
      server,
      db,
      async close() {
        await server.stop().catch(() => undefined);
        await db.drop();
      },
    };
  } catch (e) {
    await db.drop().catch(() => undefined);
    throw e;
  }
}

/** Key of an update: its author's client id and the clock its first inserted character got. */
const keyOf = (client: number, clock: number) => `${client}:${clock}`;

/**
 * One editor through @hocuspocus/provider (its own WebSocket). Acknowledgement: the provider counts local
 * updates in `unsyncedChanges` and the server answers each applied update with a SyncStatus message that
 * decrements it; messages on one socket stay in order, so each decrement acknowledges the oldest update
 * still waiting. Remote arrival: updates applied by the provider are decoded and their inserted items
 * matched to the sender's (client id, clock).
 */
class HocuspocusEditor implements LoadEditor {
  private readonly doc = new Y.Doc();
  private readonly text = this.doc.getText('whatMatters');
  private readonly socket: HocuspocusProviderWebsocket;
  private readonly provider: HocuspocusProvider;
  private readonly waiting: Array<{ key: string; at: number }> = [];
  private unsynced = 0;

  constructor(
    url: string,
    name: string,
    private readonly recorder: LoadRecorder,
    private readonly typist: Typist,
  ) {
    // Node 20 has no global WebSocket: the provider's socket is given the `ws` package.
    this.socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
    this.provider = new HocuspocusProvider({ websocketProvider: this.socket, name, document: this.doc });
    this.provider.attach();
    this.provider.on('unsyncedChanges', ({ number }: { number: number }) => {
      for (let n = this.unsynced - number; n > 0; n--) {
        const sent = this.waiting.shift();
        if (!sent) continue;
        this.recorder.onMessageAck(sent.at);
        this.recorder.onAck(sent.key);
      }
      this.unsynced = number;
    });
    this.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => this.recorder.onError({ code: event.code, reason: event.reason }));
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.provider) return;
      for (const struct of Y.decodeUpdate(update).structs) {
        for (let c = struct.id.clock; c < struct.id.clock + struct.length; c++) this.recorder.onSeen(keyOf(struct.id.client, c));
      }
    });
  }

  /** Resolves once the first sync is done and nothing is waiting for the server. */
  connected(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.provider.isSynced && this.provider.unsyncedChanges === 0) {
          this.provider.off('synced', check);
          this.provider.off('unsyncedChanges', check);
          resolve();
        }
      };
      this.provider.on('synced', check);
      this.provider.on('unsyncedChanges', check);
      check();
    });
  }

  type(): void {
    const key = keyOf(this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID));
    this.waiting.push({ key, at: performance.now() });
    this.recorder.onSent(key);
    this.doc.transact(() => this.typist.edit(this.text));
  }

  close(): void {
    this.provider.destroy();
    this.socket.destroy();
    this.doc.destroy();
  }
}

/** Part 2: the same load against Hocuspocus. Also returns the bytes it had stored when it stopped. */
export async function runHocuspocusLoad(o: LoadOptions, log: (line: string) => void): Promise<LoadResult & { storedBytes: number }> {
  const hocuspocus = await startHocuspocus();
  try {
    log(`Hocuspocus (pid ${hocuspocus.server.pid}) started`);
    const recorder = new LoadRecorder(o.editors - 1);
    const slots = Array.from({ length: o.plans * o.editors }, (_, i) => Math.floor(i / o.editors));
    const flat = await inBatches(slots, 10, 120_000, async (plan, i) => {
      const editor = new HocuspocusEditor(hocuspocus.url, `plan-${plan}`, recorder, new Typist(o.seed + i));
      await editor.connected();
      return editor;
    });
    const editors = Array.from({ length: o.plans }, (_, p) => flat.slice(p * o.editors, (p + 1) * o.editors));
    log(`${flat.length} editors connected and synced; typing for ${o.warmupSeconds} s warm-up + ${o.seconds} s`);
    let result: LoadResult;
    try {
      result = await driveLoad('Hocuspocus', hocuspocus.server.pid, editors, recorder, o);
    } finally {
      flat.forEach((e) => e.close());
    }
    // Stopping flushes its debounced writes; then count what it keeps.
    await hocuspocus.server.stop();
    const { rows } = await hocuspocus.db.pool.query<{ bytes: string }>('select coalesce(sum(octet_length(data)), 0) as bytes from hocuspocus_document');
    return { ...result, storedBytes: Number(rows[0].bytes) };
  } finally {
    await hocuspocus.close();
  }
}
