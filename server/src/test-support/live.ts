import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'graphql-ws';
import { appendEvent } from '../events/event-log.js';

/** A promise with its resolver outside, to await a moment in a test instead of sleeping. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export interface StreamError {
  message: string;
  extensions?: { code?: string; field?: string } & Record<string, unknown>;
}

/** What a subscription produced next: data, the error that ended it, or its completion. */
export type StreamItem<T> = { data: T } | { errors: StreamError[] } | { done: true };

/** A graphql-ws subscription read one result at a time, as a client app consumes it. */
export function liveStream<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const iterator = client.iterate<T>({ query, variables });
  const next = async (): Promise<StreamItem<T>> => {
    try {
      const r = await iterator.next();
      if (r.done) return { done: true };
      if (r.value.errors) return { errors: r.value.errors as StreamError[] };
      return { data: r.value.data as T };
    } catch (e) {
      return { errors: (Array.isArray(e) ? e : [{ message: String(e) }]) as StreamError[] };
    }
  };
  return {
    next,
    /** The next `n` data results; throws if the stream ends or errs first. */
    async take(n: number): Promise<T[]> {
      const out: T[] = [];
      while (out.length < n) {
        const item = await next();
        if (!('data' in item)) throw new Error(`Stream ended after ${out.length} of ${n}: ${JSON.stringify(item)}`);
        out.push(item.data);
      }
      return out;
    },
    async stop(): Promise<void> {
      await iterator.return?.();
    },
  };
}

/**
 * Appends `labels.length` events for the patient in one transaction, like a burst of writes; each carries
 * its label (plus `padding`) as `payload.threadId`.
 */
export async function burst(em: EntityManager, patientId: string, labels: string[], padding = ''): Promise<void> {
  await em.fork().transactional(async (tx) => {
    for (const label of labels) await appendEvent(tx, { patientId, kind: 'THREAD_RESOLVED', actorId: null, payload: { threadId: label + padding } });
  });
}

/** `n` labels: `${prefix}0`, `${prefix}1`… */
export const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
