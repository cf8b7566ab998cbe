import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloseCode } from 'graphql-ws';
import WebSocket from 'ws';
import { ErrorCode } from './errors.js';
import type { Logger } from './logger.js';

/** What a warm-up ran, each counted only when the server answered as a signed-out client is answered. */
export interface WarmUpResult {
  /** GraphQL requests over HTTP answered UNAUTHENTICATED. */
  requests: number;
  /** Sockets closed at `connection_init` as unauthenticated (4401). */
  sockets: number;
  /** The private port it used, closed again before the warm-up resolved. */
  port: number;
  ms: number;
}

type UpgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A read of a patient: input gate, resolver and error formatting run; the resolver refuses before reading. */
const signedOutRead = JSON.stringify({ query: 'query WarmUp($id: ID!) { patient(id: $id) { id } }', variables: { id: randomUUID() } });

/** Sockets opened per HTTP request sent. */
const requestsPerSocket = 4;

/**
 * Runs the server's request paths `requests` times, as a signed-out client, on a private loopback port
 * before the server listens on its own: the first clients after a start (all of them, reconnecting after
 * a deploy) then meet code that has already run, not code compiled on their time. Every request is refused
 * before a resolver reads anything (UNAUTHENTICATED) and every socket is closed at `connection_init` (4401),
 * so nothing is read from or written to the database.
 *
 * Measured on the fan-out bench (`FANOUT_SIZES=10 FANOUT_PHASES=none FANOUT_TARGETS=cairn`, three runs of
 * five starts each way, alternating): the first catch-up after a restart took 80–94 ms without it and
 * 62–79 ms with 200 requests. A warm-up that fails is logged and the start goes on: it is a head start only.
 */
export async function warmUp(app: http.RequestListener, onUpgrade: UpgradeListener, requests: number, logger: Logger): Promise<WarmUpResult | null> {
  const started = performance.now();
  const server = http.createServer(app);
  server.on('upgrade', onUpgrade);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let answered = 0;
    let closed = 0;
    for (let i = 0; i < requests; i++) {
      if (await refusedOverHttp(port, agent)) answered++;
      if (i % requestsPerSocket === 0 && (await refusedOverSocket(port))) closed++;
    }
    return { requests: answered, sockets: closed, port, ms: performance.now() - started };
  } catch (e) {
    logger.warn('The warm-up at start failed; starting without it', { error: e instanceof Error ? e.message : String(e) });
    return null;
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One signed-out GraphQL read over HTTP; true when it was refused as UNAUTHENTICATED. */
function refusedOverHttp(port: number, agent: http.Agent): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body.includes(`"${ErrorCode.UNAUTHENTICATED}"`)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(signedOutRead);
  });
}

/** One socket that says `connection_init` without a session; true when the server closed it with 4401. */
function refusedOverSocket(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('close', (code) => resolve(code === Number(CloseCode.Unauthorized)));
    ws.on('error', reject);
  });
}
