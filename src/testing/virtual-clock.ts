/**
 * A virtual clock for tests and benchmarks (pass it as a bridge's `clock`): timers fire in order of their due time, and time jumps straight to the
 * next due timer once the process has nothing else to do — so rate-limit waits cost no real time and the
 * simulated duration is exactly what the platform limits impose.
 */
import type { Clock } from '../core/types.js';

/**
 * Virtual time.
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const bridge = new MemoryBridge({ clock });
 * await clock.run(work()); // timers fire at once, in order; clock.now() is the simulated duration
 * ```
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Run until `work` settles, jumping over idle time. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => {
      done = true;
    });
    // Marked handled now: a rejection while the loop below waits is the caller's to see, not an unhandled one.
    result.catch(() => undefined);
    while (!done) {
      await new Promise((r) => setImmediate(r));
      if (done) break;
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next) continue;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    return result;
  }
}
