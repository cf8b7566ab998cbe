import asyncHooks from 'node:async_hooks';
import { createRequire } from 'node:module';

/**
 * MikroORM without asynchronous context. Import this module before anything that loads MikroORM (it is the
 * first import of `main.ts` and of the tests' setup); `openDatabase` refuses to start otherwise.
 *
 * MikroORM keeps four AsyncLocalStorage stores: the transaction context, the request context, "inside a
 * flush" and raw fragments to clean up. The first `run` of any of them (every flush runs one) makes Node 20
 * install promise hooks for the rest of the process, and every promise anywhere then pays for them: at 250
 * co-editors, in five alternating pairs, the server used 0.44–0.49 cores with them and 0.41–0.46 without
 * (a fan-out burst at 1,000 subscribers cost a little more without: see docs/performance.md).
 *
 * Cairn never reads those contexts across an await. Every unit of work is an explicit fork handed down by
 * hand, and a fork never consults the context (MikroORM asks it only of the global EntityManager, which
 * Cairn uses only to fork and to reach the connection); no entity has flush hooks; nothing calls
 * `findAndCount`, the one user of the raw-fragment store. So MikroORM gets stores whose value holds for the
 * synchronous part of `run` only, as Node's own would if nothing awaited. The global EntityManager used
 * inside a transaction, after an await, then fails loudly (`allowGlobalContext: false`) instead of joining
 * the transaction unseen.
 */
class SynchronousStore<T> {
  private store: T | undefined;

  getStore(): T | undefined {
    return this.store;
  }

  run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    return this.within(store, callback, args);
  }

  exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    return this.within(undefined, callback, args);
  }

  private within<R, A extends unknown[]>(store: T | undefined, callback: (...args: A) => R, args: A): R {
    const outer = this.store;
    this.store = store;
    try {
      return callback(...args);
    } finally {
      this.store = outer;
    }
  }

  enterWith(store: T): void {
    this.store = store;
  }

  disable(): void {
    this.store = undefined;
  }
}

const ormPackage = '@mikro-orm/core';
const require = createRequire(import.meta.url);

function loadOrmWithSynchronousStores(): void {
  if (require.cache[require.resolve(ormPackage)]) return; // loaded already: `ormIsWithoutAsyncContext` says so
  const nodeStore = asyncHooks.AsyncLocalStorage;
  // MikroORM makes its stores as its modules load; only while it loads does the name mean ours.
  Object.defineProperty(asyncHooks, 'AsyncLocalStorage', { value: SynchronousStore, configurable: true, writable: true });
  try {
    require(ormPackage);
  } finally {
    Object.defineProperty(asyncHooks, 'AsyncLocalStorage', { value: nodeStore, configurable: true, writable: true });
  }
}

loadOrmWithSynchronousStores();

/** True when MikroORM was loaded by this module, with stores that install no promise hooks. */
export function ormIsWithoutAsyncContext(): boolean {
  const { TransactionContext, RequestContext } = require(ormPackage) as typeof import('@mikro-orm/core');
  // `storage` is private in MikroORM's types; the two that can be reached stand for all four.
  const storeOf = (holder: object) => (holder as { storage?: unknown }).storage;
  return storeOf(TransactionContext) instanceof SynchronousStore && storeOf(RequestContext) instanceof SynchronousStore;
}
