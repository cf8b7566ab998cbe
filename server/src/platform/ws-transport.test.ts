import { describe, expect, it } from 'vitest';
import { SerialisedPayloads } from './ws-transport.js';

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
