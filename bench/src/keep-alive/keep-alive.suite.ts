import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import { ms, table } from '../support/stats.js';

/**
 * `npm run bench -- keep-alive`: how long Cairn's keep-alive pings hold the server's event loop with
 * thousands of idle sockets open. A live event or an edit's acknowledgement due meanwhile waits that long.
 * Baseline, in the same run: the same pings sent to every socket at once (one slice), as Cairn did before.
 * Real sockets: the clients are two other processes, and answer every ping. Not a target of its own; it
 * explains part of the tail of live delivery at 5,000 subscribers (the fan-out bench).
 */
const SOCKETS = Number(process.env.KEEPALIVE_SOCKETS ?? 5000);
/** A short period, so that the measured window holds several rounds of pings. */
const PERIOD_MS = 2000;
const WINDOW_MS = 10_000;

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

interface KeepAliveLike {
  watch(socket: unknown): void;
  stop(): void;
}
type KeepAliveClass = new (server: WebSocketServer, periodMs: number, slices?: number) => KeepAliveLike;

export async function keepAliveBenchmark(): Promise<void> {
  const { KeepAlive } = (await import(pathToFileURL(path.join(repoRoot, 'server/dist/platform/ws-transport.js')).href)) as { KeepAlive: KeepAliveClass };
  const variants = [
    { name: 'all at once (baseline)', slices: 1 },
    { name: 'Cairn: 24 slices a period', slices: undefined },
  ];
  const rows = [];
  for (const variant of variants) rows.push({ pings: variant.name, ...(await measure(KeepAlive, variant.slices)) });
  console.log(`${SOCKETS.toLocaleString('en-GB')} idle sockets, pinged every ${PERIOD_MS / 1000} s, event-loop delay over ${WINDOW_MS / 1000} s`);
  table(rows);
}

async function measure(KeepAlive: KeepAliveClass, slices: number | undefined): Promise<Record<string, string | number>> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const keepAlive = new KeepAlive(server, PERIOD_MS, slices);
  let pongs = 0;
  server.on('connection', (socket) => {
    keepAlive.watch(socket);
    socket.on('pong', () => pongs++);
  });
  const port = (server.address() as { port: number }).port;
  const children = [0, 1].map(() => fork(path.join(here, 'idle-clients.js'), [String(port), String(SOCKETS / 2)]));
  try {
    const opened = (await Promise.all(children.map(reported))).reduce((a, b) => a + b, 0);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const perPeriod: number[] = [];
    pongs = 0;
    delay.enable();
    for (let t = 0; t < WINDOW_MS; t += PERIOD_MS) {
      const periodDelay = monitorEventLoopDelay({ resolution: 1 });
      periodDelay.enable();
      await new Promise((r) => setTimeout(r, PERIOD_MS));
      periodDelay.disable();
      perPeriod.push(periodDelay.max / 1e6);
    }
    delay.disable();
    return {
      'sockets open (start → end)': `${opened} → ${server.clients.size}`,
      'pongs in the window': pongs,
      'longest hold per period': perPeriod.map((m) => m.toFixed(0)).join(' · ') + ' ms',
      'delay p99': ms(delay.percentile(99) / 1e6),
      'delay max': ms(delay.max / 1e6),
    };
  } finally {
    keepAlive.stop();
    for (const child of children) child.kill();
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function reported(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: { opened: number }) => resolve(m.opened));
    child.once('exit', (code) => reject(new Error(`idle clients exited with ${code}`)));
  });
}
