/**
 * The baseline: Hocuspocus 3.4 with its Database extension keeping each document's full Yjs state in a
 * PostgreSQL table, run as a child process of the benchmark (DATABASE_URL, PORT). Its debounce settings are
 * left at the defaults (store 2 s after the last change, at most 10 s apart): an update is acknowledged
 * (SyncStatus) once applied in memory, before it is written.
 */
import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query(`create table if not exists hocuspocus_document (
  name text primary key,
  data bytea not null,
  updated_at timestamptz not null default now()
)`);

const server = new Server({
  port: Number(process.env.PORT),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  extensions: [
    new Database({
      fetch: async ({ documentName }) => {
        const { rows } = await pool.query<{ data: Buffer }>('select data from hocuspocus_document where name = $1', [documentName]);
        return rows[0] ? new Uint8Array(rows[0].data) : null;
      },
      store: async ({ documentName, state }) => {
        await pool.query(
          `insert into hocuspocus_document (name, data) values ($1, $2)
           on conflict (name) do update set data = excluded.data, updated_at = now()`,
          [documentName, state],
        );
      },
    }),
  ],
});

await server.listen();
console.log(`Hocuspocus is listening on ${server.webSocketURL}`);

const stop = async () => {
  // destroy() stores every loaded document before closing (the debounced writes are flushed).
  await server.destroy();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
