import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SerialisedPayloads, textFrame } from './ws-transport.js';

/** What graphql-ws does with every message: stringify with the replacer, then hand the text to send. */
function send(payloads: SerialisedPayloads, message: object): string {
  return payloads.complete(JSON.stringify(message, payloads.replacer));
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
    let serialised = 0;
    const shared = {
      get data() {
        serialised++; // read each time the result is turned into JSON
        return { patientEvents: { seq: '7' } };
      },
    };
    const texts = ['1', '2', '3'].map((id) => send(payloads, { id, type: 'next', payload: shared }));
    expect(texts.map((t) => JSON.parse(t) as unknown)).toEqual(['1', '2', '3'].map((id) => ({ id, type: 'next', payload: { data: { patientEvents: { seq: '7' } } } })));
    expect(serialised).toBe(1);
  });
});

describe('ready-made text frames', () => {
  it('reach a real WebSocket client whole, at every length encoding (7-bit, 16-bit and 64-bit)', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const tails = [10, 200, 70_000].map((n) => `"${'é'.repeat(n)}"}`);
    server.on('connection', (socket, request) => {
      for (const tail of tails) request.socket.write(textFrame(Buffer.from('{"id":"1","payload":'), Buffer.from(tail)));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data, isBinary) => {
        if (isBinary) reject(new Error('a binary frame'));
        received.push(String(data));
        if (received.length === tails.length) resolve();
      });
      client.once('error', reject);
    });
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(received).toEqual(tails.map((tail) => `{"id":"1","payload":${tail}`));
  });
});
