import { setTimeout as sleep } from 'node:timers/promises';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { CoalescedWrites, KeepAlive, SerialisedPayloads, senderIdle, serveGraphqlWs, textFrame, type SocketExtra } from './ws-transport.js';

/** What graphql-ws does with every message: stringify with the replacer, then hand the text to send. */
function send(payloads: SerialisedPayloads, message: object): string {
  return payloads.complete(JSON.stringify(message, payloads.replacer));
}

/** A result that counts how often it is turned into JSON: its `data` is read each time. */
function countedResult(): { result: object; serialised: () => number } {
  let count = 0;
  const result = {
    get data() {
      count++;
      return { patientEvents: { seq: '7' } };
    },
  };
  return { result, serialised: () => count };
}

describe('serialising message payloads once', () => {
  it('writes exactly what JSON.stringify would, for next, error and payload-less messages', () => {
    const payloads = new SerialisedPayloads();
    const messages = [
      { id: 'a"b', type: 'next', payload: { data: { patientEvents: { seq: '1', payload: { summary: '"payload":"x"}' } } } } },
      { id: '2', type: 'error', payload: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] },
      { id: '3', type: 'complete' },
      { type: 'connection_ack' },
    ];
    for (const m of messages) expect(send(payloads, m)).toBe(JSON.stringify(m));
  });

  it('serialises a result shared by several subscribers once', () => {
    const payloads = new SerialisedPayloads();
    const shared = countedResult();
    const texts = ['1', '2', '3'].map((id) => send(payloads, { id, type: 'next', payload: shared.result }));
    expect(texts.map((t) => JSON.parse(t) as unknown)).toEqual(['1', '2', '3'].map((id) => ({ id, type: 'next', payload: { data: { patientEvents: { seq: '7' } } } })));
    expect(shared.serialised()).toBe(1);
  });

  it("keeps each result's bytes in memory of their own, so that a result kept with its event does not hold a shared 8 KB pool", () => {
    const payloads = new SerialisedPayloads();
    const result = { data: { patientEvents: { seq: '7', payload: { summary: 'Flare-up plan reviewed ✓' } } } };
    const bytes = payloads.bytesOf(result);
    expect(bytes.toString('utf8')).toBe(`${JSON.stringify(result)}}`);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(bytes.byteOffset).toBe(0);
    expect(payloads.bytesOf(result)).toBe(bytes);
  });

  it('encodes a result once, and keeps its bytes without its JSON text beside them', () => {
    const payloads = new SerialisedPayloads();
    const { result, serialised } = countedResult();
    const bytes = payloads.bytesOf(result);
    expect(payloads.bytesOf(result)).toBe(bytes);
    expect(serialised()).toBe(1);
    // The text was not kept: asked for it, the result is serialised again (and from then on kept).
    expect(payloads.jsonOf(result)).toBe('{"data":{"patientEvents":{"seq":"7"}}}');
    expect(serialised()).toBe(2);
  });
});

describe('ready-made text frames', () => {
  /** A `ws` server and a real client; `onServer` gets each server-side socket and its raw TCP socket. */
  async function connected(onServer: (socket: WebSocket, raw: Duplex) => void, expected: number): Promise<string[]> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    server.on('connection', (socket, request) => onServer(socket, request.socket));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        client.on('message', (data, isBinary) => {
          if (isBinary) reject(new Error('a binary frame'));
          received.push(String(data));
          if (received.length === expected) resolve();
        });
        client.once('error', reject);
      });
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    return received;
  }

  it('reach a real WebSocket client whole, at every length encoding and on each side of its boundaries', async () => {
    const head = '{"id":"é1","payload":'; // an id is the client's: it may be any text
    const headBytes = Buffer.byteLength(head);
    // Whole frames of 125/126 and 65,535/65,536 bytes (7-bit, 16-bit, 64-bit lengths), and multi-byte text.
    const tails = [125, 126, 65_535, 65_536].map((n) => `"${'x'.repeat(n - headBytes - 3)}"}`).concat(`"${'é'.repeat(70_000)}"}`);
    const received = await connected((_socket, raw) => {
      for (const tail of tails) raw.write(textFrame(head, Buffer.from(tail)));
    }, tails.length);
    expect(received).toEqual(tails.map((tail) => `${head}${tail}`));
  });

  it("are written past ws's idle sender, in order with what ws sends itself (messages, pings)", async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    const idle: boolean[] = [];
    const received = await connected((socket, raw) => {
      idle.push(senderIdle(socket));
      writes.writeText(socket, raw, '{"n":', Buffer.from('1}'));
      socket.send('{"n":2}');
      socket.ping();
      writes.writeText(socket, raw, '{"n":', Buffer.from('3}'));
    }, 3);
    expect(idle).toEqual([true]); // ws's private sender state is where this module expects it
    expect(received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it("leave a socket's first frame of a turn at once, and gather the rest until the turn ends", async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    const corkedAfter: number[] = [];
    const received = await connected((socket, raw) => {
      writes.writeText(socket, raw, '{"n":', Buffer.from('1}'));
      corkedAfter.push(raw.writableCorked); // 0: the first frame was handed to the socket, not held
      writes.writeText(socket, raw, '{"n":', Buffer.from('2}'));
      writes.writeText(socket, raw, '{"n":', Buffer.from('3}'));
      corkedAfter.push(raw.writableCorked); // 1: the second and third wait for the turn's end, together
      process.nextTick(() => process.nextTick(() => corkedAfter.push(raw.writableCorked)));
    }, 3);
    expect(corkedAfter).toEqual([0, 1, 0]);
    expect(received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  // Made as graphql-ws makes them, so the tests hold to its serialisation (the id first).
  const result = stringifyMessage({ id: '1', type: MessageType.Next, payload: { data: {} } });
  const completion = stringifyMessage({ id: '1', type: MessageType.Complete });
  const acknowledgement = stringifyMessage({ type: MessageType.ConnectionAck });

  it("hold graphql-ws's message of an operation from the first of a turn, so a result and its completion leave together", async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    const corkedAfter: number[] = [];
    const received = await connected((socket, raw) => {
      // As graphql-ws sends them: from promise callbacks, the completion one callback after the result.
      void Promise.resolve()
        .then(() => {
          void writes.send(socket, raw, result);
          corkedAfter.push(raw.writableCorked); // 1: held for the completion
        })
        .then(() => {
          void writes.send(socket, raw, completion);
          corkedAfter.push(raw.writableCorked); // 1: still held, both leave in one write
          process.nextTick(() => corkedAfter.push(raw.writableCorked));
        });
    }, 2);
    expect(corkedAfter).toEqual([1, 1, 0]);
    expect(received).toEqual([result, completion]);
  });

  it('copy a run of frames to one socket into a few chunks, in order, around its other messages', async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    // 1,000 frames of a replay, one larger than a chunk, and graphql-ws's message in the middle of them.
    const tails = Array.from({ length: 1000 }, (_, i) => `${i === 500 ? `"${'x'.repeat(40_000)}",` : ''}"n":${i}}`);
    let streamWrites = 0;
    const received = await connected((socket, raw) => {
      const write = raw.write.bind(raw) as (chunk: Buffer) => boolean;
      raw.write = ((chunk: Buffer) => (streamWrites++, write(chunk))) as typeof raw.write;
      tails.forEach((tail, i) => {
        writes.writeText(socket, raw, '{', Buffer.from(tail));
        if (i === 700) writes.write(socket, raw, acknowledgement);
      });
    }, tails.length + 1);
    const expected = tails.map((tail) => `{${tail}`);
    expected.splice(701, 0, acknowledgement);
    expect(received).toEqual(expected);
    // The first frame alone, the large one alone, graphql-ws's own message; the rest in 32 KB chunks.
    expect(streamWrites).toBeLessThan(20);
  });

  it("close a socket after the frames gathered for it, whose close frame comes last", async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    server.on('connection', (socket, request) => {
      for (let n = 0; n < 50; n++) writes.writeText(socket, request.socket, '{"n":', Buffer.from(`${n}}`));
      writes.close(socket, 1001, 'Going away');
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const code = await new Promise<number>((resolve) => client.once('close', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(code).toBe(1001);
    expect(received).toEqual(Array.from({ length: 50 }, (_, n) => `{"n":${n}}`));
  });

  it("send graphql-ws's messages of no operation (the connection's acknowledgement) at once", async () => {
    const writes = new CoalescedWrites(new SerialisedPayloads());
    const corkedAfter: number[] = [];
    const received = await connected((socket, raw) => {
      void Promise.resolve().then(() => {
        void writes.send(socket, raw, acknowledgement);
        corkedAfter.push(raw.writableCorked); // 0: a crowd signing in after a restart gets each answer as it is made
      });
    }, 1);
    expect(corkedAfter).toEqual([0]);
    expect(received).toEqual([acknowledgement]);
  });
});

describe('a socket before and after connection_init', () => {
  /** graphql-ws served by serveGraphqlWs on a real `ws` server; `onConnect` sees each socket's extra. */
  async function serving(onConnect: (extra: SocketExtra) => void) {
    const wsServer = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wsServer.once('listening', resolve));
    const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }) });
    const serving = serveGraphqlWs({ schema, connectionInitWaitTimeout: 200, onConnect: (ctx) => (onConnect(ctx.extra), true) }, wsServer, 0);
    const url = `ws://127.0.0.1:${(wsServer.address() as AddressInfo).port}`;
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    return { open, dispose: () => serving.dispose() };
  }

  const closeCode = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

  it('closes a socket that never initialises with 4408, leaves an initialised one open, and lets go of the upgrade request', async () => {
    let seen: SocketExtra | null = null;
    let headerRead = '';
    const server = await serving((extra) => {
      headerRead = extra.request.headers.host ?? '';
      seen = extra;
    });
    try {
      const initialised = await server.open();
      const acknowledged = new Promise<string>((resolve) => initialised.once('message', (data) => resolve(String(data))));
      initialised.send(JSON.stringify({ type: 'connection_init' }));
      expect(JSON.parse(await acknowledged)).toEqual({ type: 'connection_ack' });
      expect(headerRead).toMatch(/^127\.0\.0\.1:/); // readable while connecting…
      expect(() => seen?.request).toThrow(); // …and let go of afterwards

      const silent = await server.open();
      expect(await closeCode(silent)).toBe(4408);
      expect(initialised.readyState).toBe(WebSocket.OPEN); // its timer was stopped at connection_init
      initialised.close();
    } finally {
      await server.dispose();
    }
  });
});

describe('keep-alive pings', () => {
  /**
   * A `ws` server with `count` real clients, the last `silent` of which never answer a ping, watched by a
   * KeepAlive ticked by hand. `tick` runs one slice and waits for the answers to its pings; `connect` adds
   * an answering client.
   */
  async function watched(count: number, silent: number, slices: number) {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const keepAlive = new KeepAlive(server, 0, slices);
    const pings: number[] = [];
    let answersDue = 0;
    let answers = 0;
    /** Whether each client still to connect answers pings, in the order they connect. */
    const answeringNext: boolean[] = [];
    server.on('connection', (socket) => {
      const answering = answeringNext.shift();
      keepAlive.watch(socket);
      socket.on('pong', () => answers++);
      const ping = socket.ping.bind(socket);
      socket.ping = () => {
        pings[pings.length - 1]++;
        if (answering) answersDue++;
        ping();
      };
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clients: WebSocket[] = [];
    const connect = async (answering = true) => {
      answeringNext.push(answering);
      const client = new WebSocket(url, { autoPong: answering });
      await new Promise<void>((resolve, reject) => (client.once('open', () => resolve()), client.once('error', reject)));
      clients.push(client);
      while (server.clients.size < clients.filter((c) => c.readyState === WebSocket.OPEN).length) await sleep(5);
      return client;
    };
    for (let i = 0; i < count; i++) await connect(i < count - silent);
    const tick = async () => {
      pings.push(0);
      keepAlive.pingSlice();
      while (answers < answersDue) await sleep(5);
    };
    const closeClients = async (which: WebSocket[]) => {
      const remaining = server.clients.size - which.length;
      for (const c of which) c.close();
      while (server.clients.size > remaining) await sleep(5);
    };
    const close = async () => {
      for (const c of clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { tick, pings, clients, connect, closeClients, close };
  }

  const open = (clients: WebSocket[]) => clients.map((c) => c.readyState === WebSocket.OPEN);

  it('pings every socket once a round, a slice at a time, and cuts only the one that never answered', async () => {
    const { tick, pings, clients, close } = await watched(5, 1, 2);
    try {
      const cut = new Promise<number>((resolve) => clients[4].once('close', (code) => resolve(code)));
      for (let i = 0; i < 4; i++) await tick();
      // 5 sockets in 2 slices: 3, then 2. The second round pings the 4 that answered and cuts the 5th,
      // whose ping has gone unanswered for a whole period (2 slices).
      expect(pings).toEqual([3, 2, 3, 1]);
      expect(await cut).toBe(1006);
      expect(open(clients.slice(0, 4))).toEqual([true, true, true, true]);
    } finally {
      await close();
    }
  });

  it('waits a whole period before cutting, even when the round comes round early because sockets closed', async () => {
    const { tick, pings, clients, closeClients, close } = await watched(4, 1, 2);
    try {
      await tick();
      await tick(); // the silent socket is pinged here
      await closeClients(clients.slice(0, 3));
      await tick(); // a round of one socket, one slice after its ping: not yet cut
      await sleep(50);
      expect(open(clients)).toEqual([false, false, false, true]);
      const cut = new Promise<number>((resolve) => clients[3].once('close', (code) => resolve(code)));
      await tick(); // a period after its ping
      expect(await cut).toBe(1006);
      expect(pings).toEqual([2, 2, 0, 0]);
    } finally {
      await close();
    }
  });

  it('reaches a socket that connected during the round in that same round', async () => {
    const { tick, pings, connect, close } = await watched(4, 0, 2);
    try {
      await tick(); // the first two of four
      await connect(); // a fifth, mid-round
      await tick(); // the round goes on: the other two, and the fifth (a slice is now 3 of 5)
      expect(pings).toEqual([2, 3]);
    } finally {
      await close();
    }
  });
});
