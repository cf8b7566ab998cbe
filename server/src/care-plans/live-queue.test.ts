import { describe, expect, it } from 'vitest';
import type { Delivery } from '../platform/shared-subscribe.js';
import { LiveQueue } from './live-queue.js';

describe('a live queue handing its values to a direct consumer', () => {
  it('delivers what was pushed before and after, in order, offers a value again once a full socket drains, and ends after the last', async () => {
    const queue = new LiveQueue<number>();
    queue.push(1);
    const delivered: number[] = [];
    let resumeLater: (() => void) | null = null;
    const ended = queue.deliverTo((n): Delivery => {
      if (n === 3 && !resumeLater) return (resume) => (resumeLater = resume); // the socket is full: 3 waits
      delivered.push(n);
      return true;
    });
    queue.push(2);
    queue.push(3);
    queue.push(4);
    expect(delivered).toEqual([1, 2]);
    let settled = false;
    void ended.then(() => (settled = true));
    queue.end();
    await Promise.resolve();
    expect(settled).toBe(false); // 3 and 4 are still to go
    resumeLater!();
    await ended;
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('runs its closers and rejects when the consumer fails, and delivers nothing more', async () => {
    const queue = new LiveQueue<string>();
    let closed = 0;
    queue.onClose(() => closed++);
    const delivered: string[] = [];
    const ended = queue.deliverTo((s) => {
      if (s === 'bad') throw new Error('the socket failed');
      delivered.push(s);
      return true;
    });
    queue.push('a');
    queue.push('bad');
    queue.push('c');
    await expect(ended).rejects.toThrow('the socket failed');
    expect(delivered).toEqual(['a']);
    expect(closed).toBe(1);
    expect(queue.closed).toBe(true);
  });

  it('ends at once when the client unsubscribes, dropping what was not yet sent', async () => {
    const queue = new LiveQueue<number>();
    let closed = 0;
    queue.onClose(() => closed++);
    const ended = queue.deliverTo(() => (resume) => void resume); // the socket never drains
    queue.push(1);
    await queue.return();
    await ended;
    expect(closed).toBe(1);
  });
});
