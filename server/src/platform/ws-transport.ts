import type { ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type ConnectionInitMessage, type Context, type ServerOptions, type SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { internalErrorLogFields } from './errors.js';

/**
 * A frame is handed to graphql-ws as sent at once while less than this is waiting in the socket's
 * buffers; beyond it, graphql-ws waits until the frame is written, so it stops pulling that subscriber's
 * stream and a client that stopped reading is soon told to resync (its queue fills) instead of growing
 * this process's memory by more than this.
 */
const HIGH_WATER_BYTES = 64 * 1024;
/**
 * A corked socket is written out as soon as this much has gathered, without waiting for the end of the
 * turn: a page of events to thousands of sockets, or a long replay, never sits in memory all at once.
 */
const FLUSH_BYTES = 32 * 1024;

/**
 * graphql-ws on a `ws` server, like graphql-ws's own `useServer`, with a cheaper send path and less kept
 * per socket:
 * - a message's payload is serialised once per payload object: a result shared by a whole audience (see
 *   shared-subscribe.ts) is turned into JSON once, not once per subscriber. For that, `onNext` must hand
 *   back the result object itself (graphql-ws otherwise copies it for every subscriber). A result written
 *   directly (`nextSink`) is also encoded to UTF-8 once, and each subscriber gets a ready-made frame;
 * - frames a socket is sent during one turn of the event loop (a replay of 1,000 missed events, or several
 *   events dispatched from one read of the log) leave in a few writes of up to FLUSH_BYTES, not one
 *   system call each; a socket's first frame of the turn goes at once, unless it is an operation's
 *   result, which waits for its completion (see CoalescedWrites);
 * - a frame counts as sent once queued, unless the socket's buffers are full (see HIGH_WATER_BYTES);
 * - one keep-alive timer pings every socket, a slice at a time, instead of a timer and closures per socket;
 * - an idle socket keeps neither its upgrade request nor a connection-init timer (SocketExtra), and a
 *   subscription neither a suspended message handler nor a Buffer of its own (DirectNext).
 */
export function serveGraphqlWs<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, SocketExtra & Partial<E>>,
  wsServer: WebSocketServer,
  keepAliveMs = 12_000,
  direct: DirectOperations<Context<P, SocketExtra & Partial<E>>> | null = null,
): GraphqlWsServing {
  const payloads = new SerialisedPayloads();
  const onConnect = options.onConnect;
  const initWaitMs = options.connectionInitWaitTimeout ?? 3_000;
  // graphql-ws's context of each socket, for the operations answered directly.
  const contexts = new WeakMap<SocketExtra, Context<P, SocketExtra & Partial<E>>>();
  const server = makeServer<P, SocketExtra & Partial<E>>({
    ...options,
    jsonMessageReplacer: payloads.replacer,
    // Timed here instead (SocketExtra): graphql-ws's timer stays referenced for the socket's life.
    connectionInitWaitTimeout: 0,
    // The upgrade request (its headers) is needed only to authenticate; an idle socket need not keep it.
    onConnect: async (ctx) => {
      ctx.extra.initialised();
      if (direct) contexts.set(ctx.extra, ctx);
      try {
        return await onConnect?.(ctx);
      } finally {
        ctx.extra.releaseRequest();
      }
    },
  });
  const writes = new CoalescedWrites(payloads);
  const keepAlive = new KeepAlive(wsServer, keepAliveMs);
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on('connection', (socket, request) => {
    socket.on('error', closeOnSocketError);
    keepAlive.watch(socket);
    const raw = request.socket;
    const extra = new SocketExtra(socket, request, initWaitMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => writes.send(socket, raw, data),
        close: (code, reason) => writes.close(socket, code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            const text = String(data);
            if (direct?.mayTake(text) && answerDirectly(direct, contexts.get(extra), writes, socket, raw, text)) return;
            handleMessage(socket, handle, text);
          }),
      },
      // The rest of the extra (E) is filled in by the hooks, e.g. the session at connection_init.
      extra as SocketExtra & Partial<E>,
    );
    socket.on('close', (code, reason) => {
      extra.initialised();
      void closed(code, String(reason));
    });
  });
  return {
    nextSink: (extra, id, prepare) => new DirectNext(writes, payloads, extra.socket, extra.raw, id, prepare),
    async dispose() {
      keepAlive.stop();
      for (const client of wsServer.clients) writes.close(client, 1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/**
 * What graphql-ws's context carries for a socket (`ctx.extra`): graphql-ws's own `Extra`, whose upgrade
 * `request` is readable only until `connection_init` has been handled, and what later operations need of it.
 */
export class SocketExtra implements Extra {
  /** The TCP socket under the WebSocket, written directly (see CoalescedWrites). */
  readonly raw: Duplex;
  readonly clientAddress: string;
  private upgrade: IncomingMessage | null;
  /** Closes the socket if `connection_init` has not come in time (as graphql-ws's own timer would). */
  private initTimer: NodeJS.Timeout | null;

  constructor(
    readonly socket: WebSocket,
    request: IncomingMessage,
    initWaitMs: number,
  ) {
    this.raw = request.socket;
    this.clientAddress = request.socket.remoteAddress ?? 'unknown';
    this.upgrade = request;
    this.initTimer = initWaitMs > 0 && Number.isFinite(initWaitMs) ? setTimeout(closeUninitialised, initWaitMs, socket) : null;
  }

  /** `connection_init` came (or the socket closed): the timer, and the closure it holds, are let go of. */
  initialised(): void {
    if (this.initTimer) clearTimeout(this.initTimer);
    this.initTimer = null;
  }

  /** The upgrade request; only `onConnect` may read it (it is let go of afterwards). */
  get request(): IncomingMessage {
    if (!this.upgrade) throw new Error('The upgrade request is read only while the connection is initialised');
    return this.upgrade;
  }

  releaseRequest(): void {
    this.upgrade = null;
  }
}

export interface GraphqlWsServing {
  /**
   * Sends subscription `id`'s results on this socket as `next` messages directly, past graphql-ws's loop
   * of promises per result (see NextSink). `prepare` does what the `onNext` hook does to a result.
   */
  nextSink(extra: SocketExtra, id: string, prepare: (result: ExecutionResult) => object): NextSink;
  dispose(): Promise<void>;
}

/**
 * Writes one subscription's `next` messages straight to its socket, exactly as graphql-ws would, for a
 * stream that delivers each event synchronously as it is dispatched (shared-subscribe.ts). The stream
 * still belongs to graphql-ws, which sends its error or completion after the last result written here.
 */
export interface NextSink {
  /**
   * Sends one result; false (and nothing sent) while the socket's buffers are full. `hold`: it waits for
   * the end of the turn, to leave with what else the socket is sent in it (see CoalescedWrites).
   */
  next(result: ExecutionResult, hold?: boolean): boolean;
  /** Makes the result's message now, to be sent later: its bytes are kept with the result (`bytesOf`). */
  prepare(result: ExecutionResult): void;
  /** Calls `resume` once the socket has written out what it held. */
  whenWritable(resume: () => void): void;
}

class DirectNext implements NextSink {
  /**
   * The message up to its payload, as graphql-ws serialises it (`{"id":…,"type":"next","payload":`). Kept
   * as a string and encoded into each frame: a small Buffer per subscription would be a slice of Node's
   * shared 8 KB pool and keep a whole slab alive (measured: 5.8 KB per idle subscriber).
   */
  private readonly head: string;

  constructor(
    private readonly writes: CoalescedWrites,
    private readonly payloads: SerialisedPayloads,
    private readonly socket: WebSocket,
    private readonly raw: Duplex,
    id: string,
    private readonly payloadOf: (result: ExecutionResult) => object,
  ) {
    this.head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  next(result: ExecutionResult, hold = false): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return true; // closing: graphql-ws ends the stream
    if (this.socket.bufferedAmount >= HIGH_WATER_BYTES) return false;
    this.writes.writeText(this.socket, this.raw, this.head, this.payloads.bytesOf(this.payloadOf(result)), hold);
    return true;
  }

  prepare(result: ExecutionResult): void {
    this.payloads.bytesOf(this.payloadOf(result));
  }

  whenWritable(resume: () => void): void {
    this.raw.once('drain', resume);
  }
}

/**
 * graphql-ws rejects only on a bug of ours; the client is told the server failed, never the details. Not
 * an async function: a subscription's message is handled until the subscription ends, and an async
 * function's suspended frame would be kept that long for every idle subscriber.
 */
function handleMessage(socket: WebSocket, handle: (data: string) => Promise<void>, data: string): void {
  handle(data).catch((err: unknown) => closeOnInternalError(socket, err));
}

function closeOnInternalError(socket: WebSocket, err: unknown): void {
  // As the HTTP path logs its internal errors: without the values an error's text may carry (patients' data).
  console.error('Internal error while handling a WebSocket message', internalErrorLogFields(err));
  socket.close(CloseCode.InternalServerError, 'Internal server error');
}

/**
 * Operations of a socket answered past graphql-ws's own handling of their `subscribe` message: no message
 * parsed with a reviver, no chain of hooks and promises per answer, no message turned into JSON with a
 * replacer. A single result (a query or a mutation, never a subscription), sent as graphql-ws sends it.
 */
export interface DirectOperations<C> {
  /** Whether a message's text may be one of them: a look before it is parsed. */
  mayTake(text: string): boolean;
  /**
   * The answer to the operation `id`, or null to leave it to graphql-ws. Called as the message arrives on a
   * socket whose connection is acknowledged, just as graphql-ws calls `onSubscribe`; the operation is
   * graphql-ws's (it counts, and its id is taken) until the answer is sent.
   */
  take(ctx: C, id: string, payload: SubscribePayload): Promise<DirectAnswer> | null;
}

/** An operation's result as its `next` message's payload, or the errors of an `error` message. */
export type DirectAnswer = { next: object } | { error: readonly object[] };

/** What graphql-ws keeps of a socket that the direct answers need too. */
interface OperationsContext {
  readonly acknowledged: boolean;
  readonly subscriptions: Record<string, unknown>;
}

/**
 * Answers the message directly if it is a `subscribe` that `direct` takes; false (nothing done) when it is
 * not, or when graphql-ws would refuse it (the connection not yet acknowledged, an id in use, a malformed
 * message): graphql-ws then handles it, closing the socket as it should. As graphql-ws does, the answer is
 * sent only if the client has not completed the operation meanwhile, and its id is free again after.
 */
function answerDirectly<C extends OperationsContext>(direct: DirectOperations<C>, ctx: C | undefined, writes: CoalescedWrites, socket: WebSocket, raw: Duplex, text: string): boolean {
  if (!ctx?.acknowledged) return false;
  const message = subscribeMessageOf(text);
  if (!message || message.id in ctx.subscriptions) return false;
  const answer = direct.take(ctx, message.id, message.payload);
  if (!answer) return false;
  const { id } = message;
  const subscriptions = ctx.subscriptions;
  subscriptions[id] = null;
  const head = `{"id":${JSON.stringify(id)},"type":`;
  const send = (data: string) => void writes.send(socket, raw, data)?.catch(() => undefined); // a failed write closes the socket
  answer
    .then((a) => {
      if (!(id in subscriptions)) return;
      if ('error' in a) return send(`${head}"error","payload":${JSON.stringify(a.error)}}`);
      send(`${head}"next","payload":${JSON.stringify(a.next)}}`);
      send(`${head}"complete"}`);
    })
    .catch((err: unknown) => closeOnInternalError(socket, err))
    .finally(() => delete subscriptions[id]);
  return true;
}

/** A well-formed `subscribe` message (graphql-ws's rules, or stricter), or null. */
function subscribeMessageOf(text: string): { id: string; payload: SubscribePayload } | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(message) || message.type !== 'subscribe' || typeof message.id !== 'string' || message.id === '' || !isRecord(message.payload)) return null;
  const { query, variables, operationName, extensions } = message.payload;
  if (typeof query !== 'string') return null;
  if ((variables != null && !isRecord(variables)) || (extensions != null && !isRecord(extensions))) return null;
  if (operationName != null && typeof operationName !== 'string') return null;
  return { id: message.id, payload: { query, variables, operationName, extensions } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function closeUninitialised(socket: WebSocket): void {
  socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
}

function closeOnSocketError(this: WebSocket, err: Error): void {
  console.error('Internal error on a WebSocket', internalErrorLogFields(err));
  this.close(CloseCode.InternalServerError, 'Internal server error');
}

/**
 * Writes a socket's first frame in a turn of the event loop at once (unless it is graphql-ws's message of
 * an operation), corks the socket at its second, and uncorks every corked socket once, as soon as that
 * turn's JavaScript (its promise callbacks included) has run: the frames queued meanwhile go out in one
 * write. A live event sent to thousands of sockets, one frame each, leaves socket by socket as the
 * audience is walked, not all after it; a mutation's answer (`next`, then `complete` a promise callback
 * later) leaves in one write, not two. A `process.nextTick`, not `setImmediate`: the latter would also
 * wait for every other I/O callback ready in this turn (requests, query results), and a live event's whole
 * audience with it (measured: up to 30 ms at 1,000 subscribers).
 *
 * Ready-made frames sent one after another to the same corked socket (a replay) are copied into one buffer
 * of up to FLUSH_BYTES and handed to the socket as one chunk (`FrameRun`), not as a write each.
 */
export class CoalescedWrites {
  /** Sockets written in this turn: a second frame corks. */
  private readonly written = new Set<Duplex>();
  private readonly corked = new Set<Duplex>();
  private flushScheduled = false;
  private readonly run = new FrameRun();

  constructor(private readonly payloads: SerialisedPayloads) {}

  /** graphql-ws's send: resolves at once unless the socket's buffers are full. */
  send(socket: WebSocket, raw: Duplex, message: string): Promise<void> | undefined {
    const data = this.payloads.complete(message);
    if (socket.readyState !== socket.OPEN) return undefined;
    if (socket.bufferedAmount < HIGH_WATER_BYTES) {
      this.write(socket, raw, data);
      return undefined;
    }
    this.run.end();
    this.gather(raw, isOperationMessage(data));
    return new Promise((resolve, reject) => socket.send(data, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Queues a message of graphql-ws's on an open socket; one of an operation's (a result, its completion)
   * is corked until the turn ends, since a result is followed by its `complete`. A failed write closes the
   * socket, which ends its subscriptions.
   */
  write(socket: WebSocket, raw: Duplex, data: string): void {
    this.run.end();
    this.gather(raw, isOperationMessage(data));
    socket.send(data);
    this.flushIfFull(raw);
  }

  /**
   * Queues the text message `head` + `tail` (UTF-8) on an open socket as one ready-made frame: no text is
   * encoded per socket, and a tail shared by a whole audience is encoded once; corked until the turn ends
   * if `hold`. Written past `ws`'s sender
   * only while that has nothing of its own waiting (it never has without compression), so frames keep
   * their order; otherwise handed to it.
   */
  writeText(socket: WebSocket, raw: Duplex, head: string, tail: Buffer, hold = false): void {
    this.gather(raw, hold);
    if (!senderIdle(socket)) {
      this.run.end();
      socket.send(Buffer.concat([Buffer.from(head), tail]), { binary: false });
    } else if (this.corked.has(raw)) this.run.add(raw, head, tail);
    else {
      this.run.end();
      raw.write(textFrame(head, tail));
    }
    this.flushIfFull(raw);
  }

  /** Closes the socket after the frames already queued for it: its close frame comes last. */
  close(socket: WebSocket, code?: number, reason?: string): void {
    this.run.end();
    socket.close(code, reason);
  }

  private flushIfFull(raw: Duplex): void {
    if (this.corked.has(raw) && raw.writableLength >= FLUSH_BYTES) {
      // Write out what has gathered; the socket stays corked (and listed) until the end of the turn.
      raw.uncork();
      raw.cork();
    }
  }

  /**
   * A frame for `raw` in this turn: the first goes straight out unless `hold`, later ones gather until the
   * turn ends.
   */
  private gather(raw: Duplex, hold = false): void {
    if (this.corked.has(raw)) return;
    if (hold || this.written.has(raw)) {
      raw.cork();
      this.corked.add(raw);
    } else this.written.add(raw);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.run.end();
    this.written.clear();
    const sockets = [...this.corked];
    this.corked.clear();
    for (const raw of sockets) raw.uncork();
  };
}

/** A run's first buffer holds this many frames like its second; a longer run gets buffers of FLUSH_BYTES. */
const SHORT_RUN_FRAMES = 8;

/**
 * Consecutive frames for one socket, copied into a buffer of their own and written to the socket as one
 * chunk: a replay's 1,000 frames are some fifteen writes to the stream instead of 1,000. A frame for
 * another socket, any other write, or the end of the turn writes out what is gathered first, so each
 * socket's frames keep their order. The first frame of a run is written alone: the buffer is made only
 * for a second, so frames to sockets in turn (a live event's audience) copy nothing more.
 */
class FrameRun {
  private raw: Duplex | null = null;
  private frames: Buffer | null = null;
  private used = 0;
  /** Frames in this run so far: a short run gets a buffer its size, a long one buffers of FLUSH_BYTES. */
  private count = 0;

  add(raw: Duplex, head: string, tail: Buffer): void {
    const length = frameLength(head, tail);
    if (raw !== this.raw) {
      this.end();
      this.raw = raw;
      this.count = 1;
      raw.write(textFrame(head, tail));
      return;
    }
    this.count++;
    if (this.frames && this.used + length > this.frames.length) this.writeGathered();
    if (length > FLUSH_BYTES) {
      raw.write(textFrame(head, tail));
      return;
    }
    this.frames ??= Buffer.allocUnsafe(this.count < SHORT_RUN_FRAMES ? Math.min(FLUSH_BYTES, SHORT_RUN_FRAMES * length) : FLUSH_BYTES);
    this.used = writeFrame(this.frames, this.used, head, tail);
  }

  /** Writes out what is gathered; the next frame starts a new run. */
  end(): void {
    this.writeGathered();
    this.raw = null;
    this.count = 0;
  }

  private writeGathered(): void {
    if (this.raw && this.frames && this.used > 0) this.raw.write(this.frames.subarray(0, this.used));
    // The stream holds the chunk until it is written: a new run gets a buffer of its own.
    this.frames = null;
    this.used = 0;
  }
}

/**
 * graphql-ws turns each message into JSON with `JSON.stringify(message, replacer)` and passes the text
 * straight to the socket's `send`, with nothing in between. The replacer stands a placeholder in for the
 * message's payload (the last key of every message) and remembers the payload's JSON, computed once per
 * payload object; `complete`, called first thing in `send`, puts it in place of the placeholder.
 */
export class SerialisedPayloads {
  private readonly json = new WeakMap<object, string>();
  private readonly bytes = new WeakMap<object, Buffer>();
  private pending: string | null = null;

  readonly replacer: (this: unknown, key: string, value: unknown) => unknown;

  constructor() {
    const payloads = this;
    this.replacer = function (this: unknown, key: string, value: unknown): unknown {
      // Only the message's own payload: `this` is the object whose key is being serialised.
      if (key !== 'payload' || typeof value !== 'object' || value === null || !isMessage(this)) return value;
      payloads.pending = payloads.jsonOf(value);
      return PLACEHOLDER;
    };
  }

  complete(message: string): string {
    const json = this.pending;
    if (json === null) return message;
    this.pending = null;
    if (!message.endsWith(PLACEHOLDER_TAIL)) return message;
    return `${message.slice(0, message.length - PLACEHOLDER_TAIL.length)}"payload":${json}}`;
  }

  /** The payload's JSON, computed once per payload object. */
  jsonOf(payload: object): string {
    let json = this.json.get(payload);
    if (json === undefined) this.json.set(payload, (json = JSON.stringify(payload)));
    return json;
  }

  /**
   * The payload's JSON and the `}` that closes its message, as UTF-8, encoded once per payload object. It is
   * kept as long as the payload is: a replayable event's result stays in memory with the event
   * (events/recent-events.ts). So the JSON text is not kept beside it (`kept-events` bench: 2.0–2.7 KB of
   * JS heap per kept event without it, 2.9–3.2 KB with it).
   */
  bytesOf(payload: object): Buffer {
    let bytes = this.bytes.get(payload);
    if (bytes === undefined) this.bytes.set(payload, (bytes = bufferOfItsOwn(`${this.json.get(payload) ?? JSON.stringify(payload)}}`)));
    return bytes;
  }
}

/**
 * `text` as UTF-8 in memory of its own. A short `Buffer.from` is a slice of Node's shared 8 KB pool, and a
 * slice keeps its whole pool alive. The frames written after a result fill the rest of that pool, so each
 * result kept with its event held most of 8 KB for its few hundred bytes (`npm run bench -- kept-events`:
 * 8.00 KB of array buffers per kept event that way, 0.35 KB this way, the results' own size).
 */
function bufferOfItsOwn(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** `ws`'s sender has no frame of its own waiting (it queues only while compressing or reading a Blob). */
export function senderIdle(socket: WebSocket): boolean {
  const sender = (socket as unknown as { _sender?: { _state?: unknown; _queue?: unknown[] } })._sender;
  return sender?._state === 0 && sender._queue?.length === 0;
}

/** One unmasked, final text frame (RFC 6455 §5.2; a server never masks) holding `head` (as UTF-8) then `tail`. */
export function textFrame(head: string, tail: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(frameLength(head, tail));
  writeFrame(frame, 0, head, tail);
  return frame;
}

/** The bytes of `textFrame(head, tail)`. */
function frameLength(head: string, tail: Buffer): number {
  const length = Buffer.byteLength(head) + tail.length;
  return headerLength(length) + length;
}

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
}

/** Writes `textFrame(head, tail)` into `target` at `offset`; where it ends. */
function writeFrame(target: Buffer, offset: number, head: string, tail: Buffer): number {
  const headBytes = Buffer.byteLength(head);
  const length = headBytes + tail.length;
  const header = headerLength(length);
  target[offset] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) target[offset + 1] = length;
  else if (length < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
  } else {
    target[offset + 1] = 127;
    target.writeBigUInt64BE(BigInt(length), offset + 2);
  }
  target.write(head, offset + header, headBytes);
  tail.copy(target, offset + header + headBytes);
  return offset + header + length;
}

const PLACEHOLDER = '__cairn_serialised_payload__';
const PLACEHOLDER_TAIL = `"payload":"${PLACEHOLDER}"}`;

/**
 * A graphql-ws message of one operation (`next`, `error`, `complete`), serialised: it starts with the
 * operation's id. Others (`connection_ack`, `pong`) stand alone.
 */
function isOperationMessage(message: string): boolean {
  return message.startsWith('{"id":');
}

/** A graphql-ws message being serialised (its holder object has a string `type`). */
function isMessage(holder: unknown): boolean {
  return typeof holder === 'object' && holder !== null && 'type' in holder && typeof holder.type === 'string';
}

/**
 * Keep-alive pings go out to a slice of the sockets at a time, spread over the period: a live event, or an
 * edit's acknowledgement, due meanwhile waits for a slice, not for every socket. With 5,000 idle sockets
 * (`npm run bench -- keep-alive`, a 2 s period, four runs) pinging them all at once held the event loop for
 * 62–208 ms once a period; in 24 slices, the longest hold was 6–38 ms.
 */
const KEEP_ALIVE_SLICES = 24;

/**
 * Pings every open socket once each period, a slice at a time (see KEEP_ALIVE_SLICES); a socket that has
 * not answered its ping a period later is cut. One timer and one pong listener for every socket.
 */
export class KeepAlive {
  /** The slice (tick) at which each socket was pinged; deleted when it answers. */
  private readonly pinged = new WeakMap<WebSocket, number>();
  private readonly timer: NodeJS.Timeout | undefined;
  /** One listener shared by every socket (`ws` calls it with the socket as `this`). */
  private readonly answered: (this: WebSocket) => void;
  /**
   * How far this round of pings has gone through the server's sockets. A Set's iterator skips sockets
   * deleted meanwhile and reaches sockets added meanwhile, so every socket is visited once a round.
   */
  private round: Iterator<WebSocket> | null = null;
  private tick = 0;

  /** With `periodMs` 0 nothing is timed, and `pingSlice` is called by hand. */
  constructor(
    private readonly wsServer: WebSocketServer,
    periodMs: number,
    private readonly slices = KEEP_ALIVE_SLICES,
  ) {
    const pinged = this.pinged;
    this.answered = function (this: WebSocket) {
      pinged.delete(this);
    };
    if (periodMs > 0 && Number.isFinite(periodMs)) {
      this.timer = setInterval(() => this.pingSlice(), periodMs / slices);
      this.timer.unref();
    }
  }

  watch(socket: WebSocket): void {
    socket.on('pong', this.answered);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The next slice of this round: as many sockets as make one round last `slices` ticks. */
  pingSlice(): void {
    this.tick++;
    const quota = Math.ceil(this.wsServer.clients.size / this.slices);
    for (let taken = 0; taken < quota; taken++) {
      let next = this.round?.next();
      if (!next || next.done) {
        this.round = null;
        if (taken > 0) return; // the round is over; the next tick starts another
        this.round = this.wsServer.clients.values();
        next = this.round.next();
        if (next.done) return;
      }
      this.visit(next.value);
    }
  }

  private visit(socket: WebSocket): void {
    if (socket.readyState !== socket.OPEN) return;
    const pingedAt = this.pinged.get(socket);
    if (pingedAt === undefined) {
      this.pinged.set(socket, this.tick);
      socket.ping();
    } else if (this.tick - pingedAt >= this.slices) socket.terminate();
    // else: pinged less than a period ago (the round came round early, sockets having closed); it waits.
  }
}
