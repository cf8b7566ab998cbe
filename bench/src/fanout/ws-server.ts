/**
 * The floor: a plain `ws` broadcast server, no GraphQL. `POST /post {patientId, summary}` serialises the
 * event once and sends the same string to every open socket. Run as its own process so its RSS and CPU
 * are its own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { baselineEvent, readJson } from './baseline-event.js';

const httpServer = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/post') {
    res.writeHead(404).end();
    return;
  }
  void readJson(req).then((body) => {
    const event = baselineEvent(String(body.patientId), String(body.summary));
    const message = JSON.stringify({ id: '1', type: 'next', payload: { data: { patientEvents: event } } });
    for (const socket of wss.clients) if (socket.readyState === WebSocket.OPEN) socket.send(message);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
const wss = new WebSocketServer({ server: httpServer, path: '/ws', perMessageDeflate: false });

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(httpServer.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
