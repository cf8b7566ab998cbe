/**
 * A child process holding idle WebSocket connections to the keep-alive bench's server: `ws` answers every
 * ping with a pong, as a browser does. Connects `count` sockets to `port`, then reports how many opened.
 */
import WebSocket from 'ws';

const [port, count] = process.argv.slice(2).map(Number);
const sockets: WebSocket[] = [];

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    socket.once('open', () => (sockets.push(socket), resolve()));
    socket.once('error', reject);
  });
}

for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
process.send?.({ opened: sockets.length });
process.on('disconnect', () => process.exit(0));
