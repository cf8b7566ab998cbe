import {
  ApplyCarePlanUpdateDocument,
  CarePlanEditorDocument,
  CarePlanUpdatesDocument,
  type ApplyCarePlanUpdateMutation,
  type ApplyCarePlanUpdateMutationVariables,
  type CarePlanUpdatesSubscription,
} from '@cairn/schema/operations';
import { CombinedError, type Client as UrqlClient, type OperationResult } from '@urql/core';
import { print } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import { describeError, type Problem } from '../platform/errors.js';
import { fromBase64, randomId, toBase64 } from './base64.js';
import { declareTypes } from './plan-doc.js';

/** Marks transactions that came from the server, so they are applied but never sent back. */
export const REMOTE = Symbol('remote');

/** What the saving indicator says ('unsaved': the server refused an edit, which is on screen only). */
export type SaveStatus = 'saved' | 'saving' | 'offline' | 'unsaved';
export type LoadState = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; problem: Problem };

const updatesQuery = print(CarePlanUpdatesDocument);
const applyQuery = print(ApplyCarePlanUpdateDocument);
const maxRetryMs = 15_000;
/** Refusals that retrying cannot fix: the edit itself (or our access to the plan) is the problem. */
const refusedCodes = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND']);

/** An edit's answer, however it was sent, in urql's shape: its result, or what went wrong (no GraphQL errors: no answer). */
type EditAnswer = Pick<OperationResult<ApplyCarePlanUpdateMutation>, 'data' | 'error'>;

/**
 * One open care plan: a Y.Doc loaded from the server's state, kept live by the `carePlanUpdates`
 * subscription, with local edits sent as `applyCarePlanUpdate`. One update is in flight at a time, with
 * a clientUpdateId fixed when it is first sent, so a retry after a lost answer is stored once. While
 * offline, edits queue in memory and go (merged) when the server answers again. An edit goes on the
 * plan's socket while it is up, and as an HTTP request otherwise (see `send`).
 */
export class CarePlanSync {
  readonly doc = new Y.Doc();
  /** Bumped on every change to the document; read it to make a computation follow the plan. */
  readonly version: Accessor<number>;
  readonly load: Accessor<LoadState>;
  readonly status: Accessor<SaveStatus>;
  /** An edit the server refused: the plan here has drifted from the stored one and should be reloaded. */
  readonly refusal: Accessor<Problem | null>;
  /**
   * The revision on screen, to agree with the patient (see `agreeableSeq`): the last stored update this copy
   * has applied, from the plan as loaded and the updates that followed it, its own edits' echoes included.
   */
  private readonly shownSeq: Accessor<number>;
  private readonly setShownSeq: (seq: number) => void;
  /** The seq of this copy's last edit the server stored: shown once its echo has come back on the stream. */
  private lastStoredSeq = 0;

  private readonly setVersion: (v: number) => void;
  private readonly setLoad: (s: LoadState) => void;
  private readonly setStatus: (s: SaveStatus) => void;
  private readonly setRefusal: (p: Problem | null) => void;
  private outbox: Uint8Array[] = [];
  private inFlight: { id: string; update: Uint8Array } | null = null;
  private sending = false;
  private socketDown = false;
  private serverUnreachable = false;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private resubscribeTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly cleanups: Array<() => void> = [];
  private closing = false;
  private destroyed = false;

  constructor(
    private readonly urql: UrqlClient,
    private readonly ws: WsClient,
    readonly patientId: string,
  ) {
    [this.version, this.setVersion] = createSignal(0);
    [this.load, this.setLoad] = createSignal<LoadState>({ state: 'loading' });
    [this.status, this.setStatus] = createSignal<SaveStatus>('saved');
    [this.refusal, this.setRefusal] = createSignal<Problem | null>(null);
    [this.shownSeq, this.setShownSeq] = createSignal(0);
    declareTypes(this.doc);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      this.setVersion(this.version() + 1);
      if (origin === REMOTE) return;
      this.outbox.push(update);
      this.refreshStatus();
      void this.flush();
    });
  }

  /** Loads the plan, then follows it live. */
  async start(): Promise<void> {
    const result = await this.urql.query(CarePlanEditorDocument, { patientId: this.patientId }).toPromise();
    if (this.destroyed) return;
    if (!result.data) {
      this.setLoad({ state: 'failed', problem: result.error ? describeError(result.error) : { code: null, message: 'The care plan could not be loaded.' } });
      return;
    }
    Y.applyUpdate(this.doc, fromBase64(result.data.carePlan.state), REMOTE);
    this.setShownSeq(result.data.carePlan.seq);
    this.cleanups.push(
      this.ws.on('closed', () => {
        this.socketDown = true;
        this.refreshStatus();
      }),
      this.ws.on('connected', () => {
        this.socketDown = false;
        this.serverUnreachable = false;
        this.refreshStatus();
        this.retryNow();
      }),
    );
    const onOnline = () => this.retryNow();
    window.addEventListener('online', onOnline);
    this.cleanups.push(() => window.removeEventListener('online', onOnline));
    this.subscribe();
    this.setLoad({ state: 'ready' });
  }

  /**
   * Stops following the plan. Edits not yet stored keep being sent until they are; only then is the
   * document dropped, so leaving the tab straight after typing loses nothing.
   */
  close(): void {
    this.closing = true;
    this.unsubscribe?.();
    clearTimeout(this.resubscribeTimer);
    if (!this.hasUnsent()) this.destroy();
  }

  hasUnsent(): boolean {
    return this.inFlight !== null || this.outbox.length > 0;
  }

  /**
   * The revision to record as agreed: the one on screen, once every edit made here is stored and has come
   * back (so the screen shows what the server holds); null until then. The server refuses it if the plan
   * has moved on since.
   */
  agreeableSeq(): number | null {
    const shown = this.shownSeq();
    return this.status() === 'saved' && shown >= this.lastStoredSeq ? shown : null;
  }

  private destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.resubscribeTimer);
    this.unsubscribe?.();
    this.cleanups.splice(0).forEach((c) => c());
    this.doc.destroy();
  }

  private subscribe(): void {
    const doc = this.doc;
    // A getter, so the socket's own reconnect resubscribes with the state vector of that moment and the
    // server sends only what this tab missed while the connection was down.
    const variables = {
      patientId: this.patientId,
      get stateVector(): string {
        return toBase64(Y.encodeStateVector(doc));
      },
    };
    this.unsubscribe = this.ws.subscribe<CarePlanUpdatesSubscription>(
      { query: updatesQuery, variables },
      {
        next: (result) => {
          const event = result.data?.carePlanUpdates;
          if (!event) {
            this.setRefusal({ code: 'NOT_FOUND', message: 'You no longer have access to this care plan.' });
            this.refreshStatus();
            return;
          }
          this.socketDown = false;
          Y.applyUpdate(doc, fromBase64(event.update), REMOTE);
          this.setShownSeq(Math.max(this.shownSeq(), event.seq));
          this.refreshStatus();
        },
        error: () => {
          // The socket gave up reconnecting: say so, and start again a little later.
          this.socketDown = true;
          this.refreshStatus();
          if (!this.closing && !this.destroyed) this.resubscribeTimer = setTimeout(() => this.subscribe(), 5000);
        },
        complete: () => undefined,
      },
    );
  }

  /** Prefixes this tab's clientUpdateIds, which makes them easy to find in the server's log. */
  private readonly clientPrefix = `web-${randomId().slice(0, 12)}-`;

  private async flush(): Promise<void> {
    if (this.sending || this.destroyed || this.refusal()) return;
    if (!this.inFlight) {
      if (this.outbox.length === 0) {
        this.refreshStatus();
        if (this.closing) this.destroy();
        return;
      }
      this.inFlight = { id: this.clientPrefix + randomId(), update: Y.mergeUpdates(this.outbox.splice(0)) };
    }
    const { id, update } = this.inFlight;
    this.sending = true;
    this.refreshStatus();
    const result = await this.send({ patientId: this.patientId, update: toBase64(update), clientUpdateId: id });
    this.sending = false;
    if (this.destroyed) return;
    if (result.data) {
      this.lastStoredSeq = Math.max(this.lastStoredSeq, result.data.applyCarePlanUpdate.seq);
      this.inFlight = null;
      this.serverUnreachable = false;
      this.retryMs = 1000;
      this.refreshStatus();
      void this.flush();
      return;
    }
    const code = result.error?.graphQLErrors[0]?.extensions?.code;
    if (typeof code === 'string' && refusedCodes.has(code)) {
      this.inFlight = null;
      this.outbox = [];
      this.setRefusal(describeError(result.error!));
      this.refreshStatus();
      return;
    }
    if (code === 'UNAUTHENTICATED') return; // the session ends and the app returns to sign-in
    // No answer, or the server failed: keep the same id and bytes, and try again.
    this.serverUnreachable = !code;
    this.refreshStatus();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.flush(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, maxRetryMs);
  }

  /**
   * Sends one edit on the socket while it is up: at 250 editors (`npm run bench -- care-plans --edits
   * socket|http`) an edit was acknowledged in 4–6 ms at the median there, against 24–26 ms as an HTTP
   * request, with a quarter less of the server's CPU. Over HTTP when the socket or the network is down,
   * when the socket gave no answer, or when it refused the session (the HTTP answer is the one that takes
   * the app back to sign-in). Either way with the same clientUpdateId, so an edit sent twice is stored once.
   */
  private async send(variables: ApplyCarePlanUpdateMutationVariables): Promise<EditAnswer> {
    // A browser that knows it is offline may not have closed the socket yet: HTTP fails at once, and says so.
    if (!this.socketDown && navigator.onLine) {
      const answer = await this.sendOnSocket(variables);
      const code = answer?.error?.graphQLErrors[0]?.extensions?.code;
      if (answer && code !== 'UNAUTHENTICATED') return answer;
    }
    return this.urql.mutation(ApplyCarePlanUpdateDocument, variables).toPromise();
  }

  /** The edit on the socket; null when the socket closed without an answer. */
  private sendOnSocket(variables: ApplyCarePlanUpdateMutationVariables): Promise<EditAnswer | null> {
    return new Promise((resolve) => {
      let answer: EditAnswer | null = null;
      this.ws.subscribe<ApplyCarePlanUpdateMutation>(
        { query: applyQuery, variables },
        {
          next: (result) => {
            answer = result.data && !result.errors?.length ? { data: result.data } : { error: new CombinedError({ graphQLErrors: [...(result.errors ?? [])] }) };
          },
          // Refused before it ran (GraphQL errors), or the socket closed under it (no answer).
          error: (e) => resolve(Array.isArray(e) ? { error: new CombinedError({ graphQLErrors: e }) } : null),
          complete: () => resolve(answer),
        },
      );
    });
  }

  private retryNow(): void {
    if (!this.hasUnsent() || this.sending) return;
    clearTimeout(this.retryTimer);
    this.retryMs = 1000;
    void this.flush();
  }

  private refreshStatus(): void {
    if (this.refusal()) this.setStatus('unsaved');
    else if (this.socketDown || this.serverUnreachable) this.setStatus('offline');
    else this.setStatus(this.hasUnsent() ? 'saving' : 'saved');
  }
}
