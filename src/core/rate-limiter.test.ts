import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../testing/virtual-clock.js';
import { RATE_LIMIT_MARGIN, type RateLimit, SlidingWindowLimiter } from './rate-limiter.js';
import type { Clock } from './types.js';

/** A virtual clock that counts the timers armed on it. */
class CountingClock extends VirtualClock {
  armed = 0;
  override setTimeout(fn: () => void, ms: number): unknown {
    this.armed++;
    return super.setTimeout(fn, ms);
  }
}

const perChat: RateLimit = { count: 1, windowMs: 1000 };
const global: RateLimit = { count: 30, windowMs: 1000 };

/** Every acquire of `chats` (one call each, `rounds` times), resolved in order; returns when each was granted. */
async function drain(clock: VirtualClock, limiter: SlidingWindowLimiter, chats: number, rounds: number) {
  const granted: { chat: number; at: number }[] = [];
  const calls: Promise<unknown>[] = [];
  for (let round = 0; round < rounds; round++)
    for (let chat = 0; chat < chats; chat++)
      calls.push(
        limiter
          .acquire([
            [`chat:${chat}`, perChat],
            ['global', global],
          ])
          .then(() => granted.push({ chat, at: (clock as Clock).now() })),
      );
  await clock.run(Promise.all(calls));
  return granted;
}

describe('SlidingWindowLimiter', () => {
  it(`keeps a ${RATE_LIMIT_MARGIN * 100}% margin on every window: the next call waits 1.1 s, not 1 s`, async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter(clock);
    const granted = await drain(clock, limiter, 1, 3);
    expect(granted.map((g) => g.at)).toEqual([0, 1100, 2200]);
  });

  it('never lets more calls through a window than its limit, however many wait', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter(clock);
    const granted = await drain(clock, limiter, 100, 2);
    expect(granted).toHaveLength(200);
    const widened = 1000 * (1 + RATE_LIMIT_MARGIN);
    for (const [i, call] of granted.entries()) {
      const inWindow = granted.slice(0, i).filter((g) => g.at > call.at - widened);
      expect(inWindow.length).toBeLessThan(global.count);
      expect(inWindow.filter((g) => g.chat === call.chat)).toHaveLength(0);
    }
  });

  it('wakes only the next waiters: one timer per reopening window, not one per waiting thread', async () => {
    // 300 threads with 2 calls each under a global 30/s: 600 grants over ~20 windows. A limiter that woke every
    // waiter whenever a window reopened would arm thousands of timers (300 waiters × 20 windows).
    const clock = new CountingClock();
    const limiter = new SlidingWindowLimiter(clock);
    const granted = await drain(clock, limiter, 300, 2);
    expect(granted).toHaveLength(600);
    expect(clock.armed).toBeLessThanOrEqual((2 * granted.length) / global.count);
  });

  it('serves one chat first come first served, priority calls ahead of the others', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter(clock);
    const order: string[] = [];
    const limits = [['chat:1', perChat] as const];
    const calls = [
      limiter.acquire(limits).then(() => order.push('a')),
      limiter.acquire(limits).then(() => order.push('b')),
      limiter.acquire(limits).then(() => order.push('c')),
      limiter.acquire(limits, true).then(() => order.push('reply')),
    ];
    await clock.run(Promise.all(calls));
    expect(order).toEqual(['a', 'reply', 'b', 'c']);
  });

  it('after a 429, waits out the retry-after and does not reopen wider than the limit', async () => {
    const clock = new VirtualClock();
    const limiter = new SlidingWindowLimiter(clock);
    const limit: RateLimit = { count: 2, windowMs: 1000 };
    const limits = [['chat:1', limit] as const];
    limiter.penalise('chat:1', 5000, limit);
    const granted: number[] = [];
    await clock.run(
      Promise.all([1, 2, 3].map(() => limiter.acquire(limits).then(() => granted.push(clock.now())))),
    );
    expect(granted[0]).toBeGreaterThanOrEqual(5000);
    expect(granted[2]).toBeGreaterThanOrEqual((granted[0] as number) + 1000);
  });
});
