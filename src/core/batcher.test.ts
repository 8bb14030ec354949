import { describe, expect, it } from 'vitest';
import { type BatchedNotice, NotificationBatcher } from './batcher.js';
import type { Clock } from './types.js';

/** A clock that only moves when told to. */
class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.#seq, { at: this.#now + Math.max(0, ms), fn });
    return this.#seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}

function batcher() {
  const clock = new ManualClock();
  const flushed: { at: number; threadId: string; tools: string[] }[] = [];
  const b = new NotificationBatcher(
    (threadId, items: BatchedNotice[]) =>
      flushed.push({ at: clock.now(), threadId, tools: items.map((i) => i.toolName) }),
    clock,
    1000,
  );
  return { clock, flushed, b };
}

describe('NotificationBatcher', () => {
  it('sends one message a quiet period after the last notice of a thread', () => {
    const { clock, flushed, b } = batcher();
    b.add('t1', { toolName: 'Bash', reason: 'rule' });
    clock.advance(600);
    b.add('t1', { toolName: 'Edit', reason: 'rule' });
    b.add('t2', { toolName: 'Read', reason: 'timer' });
    clock.advance(999);
    expect(flushed).toEqual([]);
    clock.advance(1);
    expect([...flushed].sort((a, b) => a.threadId.localeCompare(b.threadId))).toEqual([
      { at: 1600, threadId: 't1', tools: ['Bash', 'Edit'] },
      { at: 1600, threadId: 't2', tools: ['Read'] },
    ]);
  });

  it('holds a steady stream back by at most five quiet periods, then starts a new batch', () => {
    const { clock, flushed, b } = batcher();
    for (let i = 0; i < 60; i++) {
      b.add('t1', { toolName: `T${i}`, reason: 'rule' });
      clock.advance(100);
    }
    expect(flushed.map((f) => f.at)).toEqual([5000]);
    expect(flushed[0]?.tools).toHaveLength(50);
    clock.advance(1000);
    expect(flushed.map((f) => f.at)).toEqual([5000, 6900]);
    expect(flushed[1]?.tools).toHaveLength(10);
    // One timer per thread, however many notices came.
    expect(clock.timers.size).toBe(0);
  });

  it('keeps one timer per thread while notices come, and none after flushAll or removeThread', () => {
    const { clock, flushed, b } = batcher();
    for (let i = 0; i < 20; i++) b.add('t1', { toolName: 'Bash', reason: 'rule' });
    b.add('t2', { toolName: 'Bash', reason: 'rule' });
    expect(clock.timers.size).toBe(2);
    b.removeThread('t2');
    b.flushAll();
    expect(clock.timers.size).toBe(0);
    expect(flushed.map((f) => [f.threadId, f.tools.length])).toEqual([['t1', 20]]);
    clock.advance(10_000);
    expect(flushed).toHaveLength(1);
  });
});
