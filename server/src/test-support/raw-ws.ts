import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A WebSocket client written on a bare TCP socket, speaking graphql-ws's protocol, that ignores the
 * server's close frame and goes on sending, as a misbehaving or hostile client would. (The `ws` package
 * answers a close frame itself and then refuses to send, so it cannot play this part.)
 */
export interface RawSocket {
  /** Sends one JSON message as a masked text frame; does nothing once the TCP connection is gone. */
  send(message: object): void;
  /** Sends messages in one TCP write, so that the server reads them together. */
  sendTogether(messages: object[]): void;
  /** Text messages received so far, parsed. */
  readonly received: Array<{ type: string; id?: string; payload?: unknown }>;
  /** Resolves with the code of the server's close frame (which this client never answers). */
  closeFrame: Promise<number>;
  /** Resolves when the TCP connection ends (the server terminated it). */
  ended: Promise<void>;
  /** Resolves with the first received message of `type` (and `id`, if given). */
  next(type: string, id?: string): Promise<{ type: string; id?: string; payload?: unknown }>;
  destroy(): void;
}

export async function rawGraphqlWs(wsUrl: string, token: string): Promise<RawSocket> {
  const url = new URL(wsUrl);
  const tcp = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => tcp.once('connect', resolve).once('error', reject));
  tcp.write(
    [
      `GET ${url.pathname} HTTP/1.1`,
      `Host: ${url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: graphql-transport-ws',
      '',
      '',
    ].join('\r\n'),
  );

  const received: RawSocket['received'] = [];
  const waiters: Array<{ type: string; id?: string; resolve: (m: RawSocket['received'][number]) => void }> = [];
  let onCloseFrame!: (code: number) => void;
  const closeFrame = new Promise<number>((r) => (onCloseFrame = r));
  const ended = new Promise<void>((r) => tcp.once('close', () => r()));
  tcp.on('error', () => undefined);

  let buffer = Buffer.alloc(0);
  let upgraded = false;
  let onUpgraded!: () => void;
  let onRefused!: (e: Error) => void;
  const upgrade = new Promise<void>((resolve, reject) => ((onUpgraded = resolve), (onRefused = reject)));
  tcp.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!upgraded) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString();
      buffer = buffer.subarray(end + 4);
      if (!head.startsWith('HTTP/1.1 101')) return onRefused(new Error(head.split('\r\n')[0]));
      upgraded = true;
      onUpgraded();
    }
    for (let frame = readFrame(buffer); frame; frame = readFrame(buffer)) {
      buffer = buffer.subarray(frame.size);
      if (frame.opcode === 0x8) onCloseFrame(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005);
      if (frame.opcode !== 0x1) continue;
      const message = JSON.parse(frame.payload.toString('utf8')) as RawSocket['received'][number];
      received.push(message);
      for (const w of waiters.splice(0)) {
        if (w.type === message.type && (w.id === undefined || w.id === message.id)) w.resolve(message);
        else waiters.push(w);
      }
    }
  });
  await upgrade;

  const socket: RawSocket = {
    send: (message) => {
      if (!tcp.destroyed && tcp.writable) tcp.write(maskedTextFrame(JSON.stringify(message)));
    },
    sendTogether: (messages) => {
      if (!tcp.destroyed && tcp.writable) tcp.write(Buffer.concat(messages.map((m) => maskedTextFrame(JSON.stringify(m)))));
    },
    received,
    closeFrame,
    ended,
    next: (type, id) => {
      const found = received.find((m) => m.type === type && (id === undefined || m.id === id));
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ type, id, resolve }));
    },
    destroy: () => tcp.destroy(),
  };
  socket.send({ type: 'connection_init', payload: { token } });
  await socket.next('connection_ack');
  return socket;
}

/** One unmasked server frame at the start of `buf`, or null if it has not all arrived. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | null {
  if (buf.length < 2) return null;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  if (buf.length < offset + length) return null;
  return { opcode: buf[0] & 0x0f, payload: buf.subarray(offset, offset + length), size: offset + length };
}

/** A client's frames must be masked (RFC 6455 §5.3). */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x81, 0x80 | payload.length])
      : payload.length < 65536
        ? Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x81;
            h[1] = 0x80 | 127;
            h.writeBigUInt64BE(BigInt(payload.length), 2);
            return h;
          })();
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i % 4];
  return Buffer.concat([header, mask, masked]);
}
