/**
 * What the fan-out orchestrator and its client worker processes say to each other over IPC, and the
 * marker every benchmark event carries so a client can tell when it was posted.
 */

/** How a worker's connections talk to the server under test. */
export type ClientTransport = 'plain-ws' | 'graphql-ws';

export interface ConnectionSpec {
  /** Bearer token sent as the graphql-ws `connectionParams.token` (Cairn only). */
  token?: string;
  variables: Record<string, unknown>;
}

export type ToWorker =
  | { type: 'connect'; transport: ClientTransport; url: string; query: string; connections: ConnectionSpec[]; concurrency: number }
  | { type: 'reset' }
  | { type: 'count' }
  | { type: 'stats' }
  /** Closes every connection, expecting it (a server restart follows): no errors are counted. */
  | { type: 'disconnect' }
  /**
   * Reopens every connection at once (`concurrency` opening at a time), each resuming after the last seq
   * it received (graphql-ws) and expecting `missed` events marked `missedFrom`…: the reconnect storm.
   */
  | { type: 'reconnect'; missedFrom: number; missed: number; concurrency: number }
  | { type: 'storm-count' }
  | { type: 'close' };

export interface WorkerCount {
  type: 'count';
  received: number;
  /** Connections that received at least one event since the last reset. */
  reached: number;
  open: number;
  errors: number;
}

export interface WorkerStats {
  type: 'stats';
  received: number;
  /** Latency histogram: [bucket (0.1 ms), count]. */
  histogram: Array<[number, number]>;
  firstReceiptAt: number;
  lastReceiptAt: number;
  /** CPU seconds (user + system) and event-loop utilisation since the last reset. */
  cpuSeconds: number;
  wallSeconds: number;
  eventLoopUtilisation: number;
  errors: number;
  errorSamples: string[];
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'connected'; opened: number; failed: number; ms: number; errorSamples: string[] }
  | { type: 'reset' }
  | WorkerCount
  | WorkerStats
  | { type: 'disconnected' }
  | { type: 'reconnecting' }
  | StormCount
  | { type: 'closed' };

/** A worker's view of the reconnect storm so far. */
export interface StormCount {
  type: 'storm-count';
  /** Connections reopened (acknowledged by the server). */
  reopened: number;
  failed: number;
  /** Connections that received every missed event and then an event posted after the restart (live). */
  caughtUp: number;
  /** When the last of those got its first fresh event (wall clock, ms; 0 if none yet). */
  lastCaughtUpAt: number;
  /** Missed events received twice or out of order, and fresh events received before all missed ones. */
  anomalies: number;
  errorSamples: string[];
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

const markerPattern = /fanout#(-?\d+)@(\d+(?:\.\d+)?)/;

/** The text a benchmark event carries: its number and when it was posted. */
export const marker = (index: number, sentAt: number): string => `fanout#${index}@${sentAt.toFixed(3)}`;

export function readMarker(text: unknown): { index: number; sentAt: number } | null {
  if (typeof text !== 'string') return null;
  const m = markerPattern.exec(text);
  return m ? { index: Number(m[1]), sentAt: Number(m[2]) } : null;
}

/** Marker indices of the events posted while the subscribers were away, and of fresh ones after. */
export const STORM_MISSED_FROM = 5_000_000;
export const STORM_FRESH_FROM = 6_000_000;

/** Latency histogram bucket width: 0.1 ms. */
export const BUCKET_MS = 0.1;
