import type { Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { gql, wsConnect, wsRequest, type TestSocket } from './harness.js';

export const APPLY = `mutation($p: ID!, $u: String!, $c: String!) { applyCarePlanUpdate(patientId: $p, update: $u, clientUpdateId: $c) { seq clientUpdateId duplicate } }`;
export const UPDATES = `subscription($p: ID!, $sv: String) { carePlanUpdates(patientId: $p, stateVector: $sv) { kind update seq authorId authorName clientUpdateId } }`;

export interface Ack {
  seq: number;
  clientUpdateId: string;
  duplicate: boolean;
}
export interface ReceivedEvent {
  kind: 'SYNC' | 'UPDATE';
  update: string;
  seq: number;
  authorId: string | null;
  clientUpdateId: string | null;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * A care-plan editor as a browser would be one: a Y.Doc, a graphql-ws socket, local edits sent as
 * `applyCarePlanUpdate`, remote ones applied from `carePlanUpdates`. Offline, it keeps editing and queues
 * its updates; back online it resubscribes with its state vector and sends the queue as one update.
 */
export class PlanEditor {
  readonly doc = new Y.Doc();
  readonly events: ReceivedEvent[] = [];
  readonly acks: Ack[] = [];
  readonly errors: unknown[] = [];
  private socket: TestSocket | undefined;
  private unsubscribe: (() => void) | undefined;
  private outbox: Uint8Array[] = [];
  private sending: Promise<unknown> = Promise.resolve();
  /** Shared by all editors, so a condition spanning several editors is re-checked whenever any of them hears something. */
  private static waiters: Array<() => void> = [];
  private online = false;
  private synced: Promise<void> = Promise.resolve();

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
    readonly patientId: string,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      this.outbox.push(update);
      if (this.online) void this.flush();
    });
  }

  /** Connects, subscribes with the current state vector and resolves once the SYNC has been applied. */
  async connect(): Promise<void> {
    this.socket = wsConnect(this.wsUrl, this.token);
    await this.socket.connected;
    let onSynced!: () => void;
    let onFailed!: (e: unknown) => void;
    this.synced = new Promise<void>((resolve, reject) => ((onSynced = resolve), (onFailed = reject)));
    this.unsubscribe = this.socket.client.subscribe<{ carePlanUpdates: ReceivedEvent }>(
      { query: UPDATES, variables: { p: this.patientId, sv: b64(Y.encodeStateVector(this.doc)) } },
      {
        next: (result) => {
          if (result.errors) {
            this.errors.push(result.errors);
            onFailed(result.errors);
            this.wake();
            return;
          }
          const event = result.data!.carePlanUpdates;
          this.events.push(event);
          Y.applyUpdate(this.doc, unb64(event.update), 'remote');
          if (event.kind === 'SYNC') onSynced();
          this.wake();
        },
        error: (e) => {
          this.errors.push(e);
          onFailed(e);
          this.wake();
        },
        complete: () => this.wake(),
      },
    );
    await this.synced;
    this.online = true;
    await this.flush();
  }

  /** Drops the connection; edits made now are queued. */
  async disconnect(): Promise<void> {
    this.online = false;
    await this.sending.catch(() => undefined);
    this.unsubscribe?.();
    await this.socket?.client.dispose();
    this.socket = undefined;
  }

  get client(): Client {
    if (!this.socket) throw new Error('offline');
    return this.socket.client;
  }

  text(name: 'whatMatters' | 'medication' = 'whatMatters'): Y.Text {
    return this.doc.getText(name);
  }

  /** Resolves once every queued local update is acknowledged. */
  settled(): Promise<unknown> {
    return this.sending;
  }

  /** Resolves when `predicate` holds, re-checked whenever something arrives (no polling). */
  until(predicate: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else PlanEditor.waiters.push(check);
      };
      PlanEditor.waiters.push(check);
    });
  }

  private wake(): void {
    const waiting = PlanEditor.waiters.splice(0);
    waiting.forEach((w) => w());
  }

  private flush(): Promise<unknown> {
    this.sending = this.sending.then(async () => {
      if (!this.online || this.outbox.length === 0) return;
      const update = Y.mergeUpdates(this.outbox.splice(0));
      const res = await wsRequest<{ applyCarePlanUpdate: Ack }>(this.client, APPLY, { p: this.patientId, u: b64(update), c: `t-${randomUUID()}` });
      if (!res.data?.applyCarePlanUpdate) throw new Error(`update refused: ${JSON.stringify(res.errors)}`);
      this.acks.push(res.data.applyCarePlanUpdate);
      this.wake();
    });
    return this.sending;
  }
}

export { b64, unb64 };

/** The revision a client that reads the plan now is shown (what a sign-off names as the one agreed). */
export async function shownSeq(url: string, patientId: string, token: string): Promise<number> {
  const res = await gql<{ carePlan: { seq: number } }>(url, 'query($p: ID!) { carePlan(patientId: $p) { seq } }', { p: patientId }, token);
  if (!res.data) throw new Error(`plan not read: ${JSON.stringify(res.errors)}`);
  return res.data.carePlan.seq;
}

/**
 * A person's own copy of a plan in state `state` (a Yjs client id of its own): each call types `text` at
 * the end of "what matters to me" and answers that edit as an update.
 */
export function typistAt(state: Uint8Array): (text: string) => Uint8Array {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return (text) => {
    const sv = Y.encodeStateVector(doc);
    doc.getText('whatMatters').insert(doc.getText('whatMatters').length, text);
    return Y.encodeStateAsUpdate(doc, sv);
  };
}
