import { describe, expect, it } from 'vitest';
import type { EventRecord } from './event-log.js';
import { RecentEvents } from './recent-events.js';

const event = (seq: number, patientId: string | null, recipientId: string | null = null): EventRecord => ({
  seq,
  patientId,
  kind: 'THREAD_RESOLVED',
  actorId: null,
  actorName: null,
  recipientId,
  payload: {},
  createdAt: new Date(0),
});
const seqs = (events: EventRecord[] | null) => events?.map((e) => e.seq) ?? null;

describe('recent events kept for replay', () => {
  it('replays a patient stream from memory, oldest first, only after the cursor and up to the limit', () => {
    const recent = new RecentEvents(10, 100);
    recent.reset(100);
    for (const e of [event(101, 'a'), event(102, 'b'), event(103, 'a'), event(104, 'a')]) recent.add(e);
    expect(seqs(recent.read({ patientId: 'a' }, 100, 10))).toEqual([101, 103, 104]);
    expect(seqs(recent.read({ patientId: 'a' }, 101, 10))).toEqual([103, 104]);
    expect(seqs(recent.read({ patientId: 'a' }, 100, 2))).toEqual([101, 103]);
    expect(seqs(recent.read({ patientId: 'a' }, 104, 10))).toEqual([]);
    expect(seqs(recent.read({ patientId: 'quiet' }, 100, 10))).toEqual([]); // nothing happened to it since the start
  });

  it('sends a cursor it cannot fully answer to the log: from before the start, or older than what is kept', () => {
    const recent = new RecentEvents(4, 100);
    recent.reset(100);
    expect(recent.read({ patientId: 'a' }, 99, 10)).toBeNull();
    for (let seq = 101; seq <= 106; seq++) recent.add(event(seq, 'a')); // 6 = 4 × 1.5: trimmed back to 4
    expect(seqs(recent.read({ patientId: 'a' }, 102, 10))).toEqual([103, 104, 105, 106]);
    expect(recent.read({ patientId: 'a' }, 101, 10)).toBeNull();
  });

  it('drops the stream written longest ago when over its total, and then knows nothing older for any stream', () => {
    const recent = new RecentEvents(10, 15);
    recent.reset(0);
    for (let seq = 1; seq <= 10; seq++) recent.add(event(seq, 'cold'));
    for (let seq = 11; seq <= 16; seq++) recent.add(event(seq, 'warm'));
    expect(recent.read({ patientId: 'cold' }, 0, 50)).toBeNull();
    expect(seqs(recent.read({ patientId: 'warm' }, 10, 50))).toEqual([11, 12, 13, 14, 15, 16]);
    recent.add(event(17, 'cold')); // a new tail: complete only from what was dropped
    expect(recent.read({ patientId: 'cold' }, 5, 50)).toBeNull();
    expect(seqs(recent.read({ patientId: 'cold' }, 10, 50))).toEqual([17]);
    expect(recent.read({ patientId: 'other' }, 9, 50)).toBeNull();
    expect(seqs(recent.read({ patientId: 'other' }, 10, 50))).toEqual([]);
  });

  it('keeps no private (notification) streams', () => {
    const recent = new RecentEvents(10, 100);
    recent.reset(0);
    recent.add(event(1, 'a', 'user-1'));
    expect(recent.read({ recipientId: 'user-1' }, 0, 10)).toBeNull();
    expect(seqs(recent.read({ patientId: 'a' }, 0, 10))).toEqual([]);
  });
});
