import pg from 'pg';
import { inject } from 'vitest';

/** How long the writes have to queue up behind the held turn before the test says they never did. */
const QUEUE_WAIT_MS = 15_000;

/**
 * Proves that writes take their turn (`takeTurns(key)`) before they check what they must not repeat. The
 * turn is held on a connection of the test's own while `writes` are sent; once every one of them is
 * queued behind it in the database, the turn is let go and their outcomes are given, in order. Sent
 * merely "at once", writes may happen to run one after another and pass without the lock; here a write
 * that does not wait for the turn finishes while it is held (which fails, saying so), and one that
 * checked before waiting would find nothing taken, so more than one would succeed. `inOrder`: each write
 * is sent once the one before it is queued, so they take the turn in that order. `whileHeld`: run once all
 * are queued, before the turn is let go (a change a write must see only if it reads after its turn).
 */
export async function sentWhileTurnHeld<T>(key: string, writes: ReadonlyArray<() => Promise<T>>, options: { inOrder?: boolean; whileHeld?: () => Promise<void> } = {}): Promise<T[]> {
  const holder = new pg.Client({ connectionString: inject('databaseUrl') });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    let early: string | null = null; // what the first write to finish answered (while the turn is held, a failure)
    const send = (write: () => Promise<T>) =>
      write().then(
        (answer) => {
          early ??= (JSON.stringify(answer) ?? String(answer)).slice(0, 500);
          return answer;
        },
        (error: unknown) => {
          early ??= `an error: ${error instanceof Error ? error.message : String(error)}`;
          throw error;
        },
      );
    const outcomes: Array<Promise<T>> = [];
    // In order: each write is sent once the one before it is queued, so they take the turn in that order.
    for (const write of options.inOrder ? writes : []) {
      outcomes.push(send(write));
      outcomes.at(-1)!.catch(() => undefined);
      await waitUntilQueued(holder, outcomes.length, () => early, key);
    }
    if (!options.inOrder) outcomes.push(...writes.map(send));
    outcomes.forEach((o) => o.catch(() => undefined)); // awaited below, once the turn is let go
    await waitUntilQueued(holder, writes.length, () => early, key);
    await options.whileHeld?.();
    await holder.query('commit');
    return await Promise.all(outcomes);
  } finally {
    await holder.end();
  }
}

async function waitUntilQueued(holder: pg.Client, count: number, finishedEarly: () => string | null, key: string): Promise<void> {
  const deadline = Date.now() + QUEUE_WAIT_MS;
  for (;;) {
    const early = finishedEarly();
    if (early !== null) throw new Error(`A write finished while the turn "${key}" was held (it did not wait for it), answering ${early}`);
    const queued = await queuedBehind(holder);
    if (queued >= count) return;
    if (Date.now() > deadline) throw new Error(`Only ${queued} of ${count} writes queued behind the turn "${key}" within ${QUEUE_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The sessions waiting for the holder's locks, or for a session that is (a write may first wait for a row
 * another of the writes holds, then for the turn). The activity view is read afresh: within a
 * transaction PostgreSQL otherwise answers from its first reading.
 */
async function queuedBehind(holder: pg.Client): Promise<number> {
  await holder.query('select pg_stat_clear_snapshot()');
  const { rows } = await holder.query<{ queued: number }>(
    `with recursive queued(pid) as (
       select pid from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))
       union
       select a.pid from pg_stat_activity a join queued q on q.pid = any(pg_blocking_pids(a.pid))
     )
     select count(*)::int as queued from queued`,
  );
  return rows[0]!.queued;
}
