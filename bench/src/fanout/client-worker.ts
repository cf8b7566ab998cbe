/**
 * A client worker process: opens its share of the subscribers (real graphql-ws clients over `ws`, or plain
 * `ws` sockets for the floor), and records, for every event received, how long ago it was posted. It keeps
 * a histogram rather than every sample, and reports its own CPU use so saturation on the client side shows.
 */
import { createClient, type Client } from 'graphql-ws';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { BUCKET_MS, now, readMarker, STORM_FRESH_FROM, type ClientTransport, type ConnectionSpec, type FromWorker, type ToWorker } from './protocol.js';

interface Open {
  close(): void;
}

const opened: Open[] = [];
/** What this worker was asked to open, kept so the reconnect storm can open the same again. */
let plan: { transport: ClientTransport; url: string; query: string; specs: ConnectionSpec[] } | null = null;
/** The last seq each connection received: its cursor to resume from. */
let lastSeq: Array<string | null> = [];
/** Connections are being closed on purpose (a restart follows): their closing is not an error. */
let away = false;
let storm: Storm | null = null;

/** One reconnect storm: what each connection must receive before it counts as caught up and live. */
interface Storm {
  missedFrom: number;
  missed: number;
  /** Missed events received so far per connection (in order: the next expected is missedFrom + count). */
  missedSeen: Int32Array;
  reopenedAt: Float64Array;
  caughtUpAt: Float64Array;
  reopened: number;
  failed: number;
  caughtUp: number;
  lastCaughtUpAt: number;
  anomalies: number;
  errorSamples: string[];
}
let perConnection = new Int32Array(0);
let received = 0;
let reached = 0;
let errors = 0;
let errorSamples: string[] = [];
let histogram = new Map<number, number>();
let firstReceiptAt = 0;
let lastReceiptAt = 0;
let cpuAtReset = process.cpuUsage();
let wallAtReset = now();
let eluAtReset = performance.eventLoopUtilization();
let closing = false;

function send(message: FromWorker): void {
  process.send?.(message);
}

function noteError(text: string): void {
  errors++;
  if (errorSamples.length < 5) errorSamples.push(text.slice(0, 300));
}

/** Records one delivered event for connection `i`: its latency from the marker it carries. */
function receive(i: number, event: unknown): void {
  const at = now();
  const payload = typeof event === 'object' && event !== null && 'payload' in event ? (event as { payload: unknown }).payload : null;
  const text = typeof payload === 'object' && payload !== null ? ((payload as Record<string, unknown>).summary ?? (payload as Record<string, unknown>).excerpt) : null;
  const seq = typeof event === 'object' && event !== null && 'seq' in event ? (event as { seq: unknown }).seq : null;
  if (typeof seq === 'string') lastSeq[i] = seq;
  const mark = readMarker(text);
  if (!mark) return; // not a benchmark event (e.g. a care-team change while setting up)
  if (storm) stormReceive(storm, i, mark.index, mark.sentAt, at);
  received++;
  if (perConnection[i]++ === 0) reached++;
  if (firstReceiptAt === 0) firstReceiptAt = at;
  lastReceiptAt = at;
  const bucket = Math.max(0, Math.round((at - mark.sentAt) / BUCKET_MS));
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
}

/** The first field of a GraphQL result's data: the subscription's event. */
function firstField(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return null;
  for (const key in data) return (data as Record<string, unknown>)[key];
  return null;
}

/**
 * Counts a storm's missed event (each exactly once, in order) or notes the first fresh one after them that
 * was posted once this connection had been reopened: it then has everything up to after it came back.
 */
function stormReceive(s: Storm, i: number, index: number, sentAt: number, at: number): void {
  if (index >= STORM_FRESH_FROM) {
    if (s.caughtUpAt[i] > 0 || !(s.reopenedAt[i] > 0 && sentAt >= s.reopenedAt[i])) return;
    if (s.missedSeen[i] < s.missed) {
      s.anomalies++;
      return;
    }
    s.caughtUpAt[i] = at;
    s.caughtUp++;
    s.lastCaughtUpAt = Math.max(s.lastCaughtUpAt, at);
  } else if (index >= s.missedFrom) {
    if (index === s.missedFrom + s.missedSeen[i]) s.missedSeen[i]++;
    else s.anomalies++;
  }
}

function openPlain(i: number, url: string): Promise<Open> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { payload?: { data?: unknown } };
      receive(i, firstField(message.payload?.data));
    });
    socket.once('open', () => resolve({ close: () => socket.close() }));
    socket.once('error', (e) => reject(e));
    socket.on('close', () => {
      if (!closing && !away) noteError(`socket ${i} closed`);
    });
  });
}

function openGraphqlWs(i: number, url: string, query: string, spec: ConnectionSpec): Promise<Open> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const client: Client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: spec.token ? { token: spec.token } : undefined,
      lazy: false,
      retryAttempts: 0,
      // Counted below (closed before acknowledged); graphql-ws would otherwise print each one whole.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          settled = true;
          resolve({ close: () => void client.dispose() });
        },
        closed: (event) => {
          if (!settled) {
            settled = true;
            reject(new Error(`closed before acknowledged: ${JSON.stringify(event)}`));
          } else if (!closing && !away) noteError(`socket ${i} closed`);
        },
        error: (e) => {
          if (!settled) {
            settled = true;
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
      },
    });
    client.subscribe<Record<string, unknown>>(
      { query, variables: spec.variables },
      {
        next: (result) => {
          if (result.errors) noteError(JSON.stringify(result.errors));
          else receive(i, firstField(result.data));
        },
        error: (e) => {
          if (!closing && !away) noteError(`subscription ${i} error: ${e instanceof Error ? e.message : JSON.stringify(e)}`);
        },
        complete: () => {
          if (!closing && !away) noteError(`subscription ${i} completed`);
        },
      },
    );
  });
}

async function connectAll(transport: ClientTransport, url: string, query: string, specs: ConnectionSpec[], concurrency: number): Promise<void> {
  const started = now();
  perConnection = new Int32Array(specs.length);
  plan = { transport, url, query, specs };
  lastSeq = new Array<string | null>(specs.length).fill(null);
  let next = 0;
  let ok = 0;
  let failed = 0;
  const samples: string[] = [];
  async function lane(): Promise<void> {
    while (next < specs.length) {
      const i = next++;
      try {
        const o = transport === 'plain-ws' ? await openPlain(i, url) : await openGraphqlWs(i, url, query, specs[i]);
        opened.push(o);
        ok++;
      } catch (e) {
        failed++;
        if (samples.length < 5) samples.push(e instanceof Error ? e.message : String(e));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane));
  send({ type: 'connected', opened: ok, failed, ms: now() - started, errorSamples: samples });
}

/** Closes every connection on purpose, before the server restarts. */
function disconnectAll(): void {
  away = true;
  for (const o of opened.splice(0)) o.close();
  // Give the close frames a moment to leave.
  setTimeout(() => send({ type: 'disconnected' }), 200);
}

/**
 * Reopens every connection at once (`concurrency` handshakes in flight), each graphql-ws subscriber
 * resuming after its own cursor; the storm's progress is read with `storm-count`.
 */
function reconnectAll(missedFrom: number, missed: number, concurrency: number): void {
  if (!plan) throw new Error('reconnect before connect');
  const { transport, url, query, specs } = plan;
  const s: Storm = {
    missedFrom,
    missed,
    missedSeen: new Int32Array(specs.length),
    reopenedAt: new Float64Array(specs.length),
    caughtUpAt: new Float64Array(specs.length),
    reopened: 0,
    failed: 0,
    caughtUp: 0,
    lastCaughtUpAt: 0,
    anomalies: 0,
    errorSamples: [],
  };
  storm = s;
  away = false;
  send({ type: 'reconnecting' });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < specs.length) {
      const i = next++;
      const resumed = { ...specs[i], variables: { ...specs[i].variables, after: lastSeq[i] } };
      try {
        const o = transport === 'plain-ws' ? await openPlain(i, url) : await openGraphqlWs(i, url, query, resumed);
        s.reopenedAt[i] = now();
        opened.push(o);
        s.reopened++;
      } catch (e) {
        s.failed++;
        if (s.errorSamples.length < 5) s.errorSamples.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  for (let k = 0; k < Math.min(concurrency, specs.length); k++) void lane();
}

function reset(): void {
  perConnection.fill(0);
  received = 0;
  reached = 0;
  errors = 0;
  errorSamples = [];
  histogram = new Map();
  firstReceiptAt = 0;
  lastReceiptAt = 0;
  cpuAtReset = process.cpuUsage();
  wallAtReset = now();
  eluAtReset = performance.eventLoopUtilization();
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'connect':
      void connectAll(message.transport, message.url, message.query, message.connections, message.concurrency);
      return;
    case 'reset':
      reset();
      send({ type: 'reset' });
      return;
    case 'count':
      send({ type: 'count', received, reached, open: opened.length, errors });
      return;
    case 'stats': {
      const cpu = process.cpuUsage(cpuAtReset);
      send({
        type: 'stats',
        received,
        histogram: [...histogram],
        firstReceiptAt,
        lastReceiptAt,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        wallSeconds: (now() - wallAtReset) / 1000,
        eventLoopUtilisation: performance.eventLoopUtilization(eluAtReset).utilization,
        errors,
        errorSamples,
      });
      return;
    }
    case 'disconnect':
      disconnectAll();
      return;
    case 'reconnect':
      reconnectAll(message.missedFrom, message.missed, message.concurrency);
      return;
    case 'storm-count': {
      const s = storm;
      send({
        type: 'storm-count',
        reopened: s?.reopened ?? 0,
        failed: s?.failed ?? 0,
        caughtUp: s?.caughtUp ?? 0,
        lastCaughtUpAt: s?.lastCaughtUpAt ?? 0,
        anomalies: s?.anomalies ?? 0,
        errorSamples: [...(s?.errorSamples ?? []), ...errorSamples].slice(0, 5),
      });
      return;
    }
    case 'close':
      closing = true;
      for (const o of opened.splice(0)) o.close();
      // Give the close frames a moment to leave before the process goes.
      setTimeout(() => {
        send({ type: 'closed' });
        process.exit(0);
      }, 200);
      return;
  }
});

send({ type: 'ready' });
