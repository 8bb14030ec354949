/**
 * A clock that runs with real time for the short waits of the network and the outbox, and jumps forward on
 * `advance(ms)`: timers whose due time the jump passes fire at once, in order. For tests of minute-long
 * timers (reminders, escalation) through real SDKs and fakes, where a fully manual clock would also freeze
 * the bridge's own millisecond timers.
 */
import type { Clock } from '../../src/core/types.js';

export class JumpClock implements Clock {
  #offset = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void; real: ReturnType<typeof setTimeout> }>();

  now(): number {
    return Date.now() + this.#offset;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    const delay = Math.max(0, ms);
    const real = setTimeout(() => this.#fire(id), delay);
    this.#timers.set(id, { at: this.now() + delay, fn, real });
    return id;
  }

  clearTimeout(handle: unknown): void {
    const timer = this.#timers.get(handle as number);
    if (timer) clearTimeout(timer.real);
    this.#timers.delete(handle as number);
  }

  /** Jump `ms` forward, firing every timer due by then, oldest due first. */
  advance(ms: number): void {
    this.#offset += ms;
    const now = this.now();
    const due = [...this.#timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at);
    for (const [id] of due) this.#fire(id);
  }

  #fire(id: number): void {
    const timer = this.#timers.get(id);
    if (!timer) return;
    clearTimeout(timer.real);
    this.#timers.delete(id);
    timer.fn();
  }
}
