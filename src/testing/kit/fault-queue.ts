/**
 * Injected faults waiting for the requests they match: each applies to its next `times` matches, oldest
 * fault first. The fakes decide what a fault is and what it matches; the queue only counts.
 * @module
 */
import { ConfigError } from '../../core/errors.js';

interface ArmedFault<F> {
  readonly fault: F;
  remaining: number;
}

/**
 * Faults armed with a fake's `inject()`, consumed first-in first-out by the requests they match.
 * @example
 * ```ts
 * const faults = new FaultQueue<{ method?: string; status: number }>('FakeExample.inject');
 * faults.add({ method: 'send', status: 502 }, 2);
 * faults.take((f) => f.method === undefined || f.method === 'send'); // the fault, twice; then undefined
 * ```
 */
export class FaultQueue<F> {
  readonly #armed: ArmedFault<F>[] = [];

  /** @param owner - names the fake's method in errors, e.g. `'FakeTelegramServer.inject'`. */
  constructor(readonly owner = 'inject') {}

  /**
   * Arms `fault` for its next `times` matching requests.
   * @param times - a positive integer. @defaultValue 1
   */
  add(fault: F, times = 1): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new ConfigError(`${this.owner}: times must be a positive integer, got ${String(times)}`);
    }
    this.#armed.push({ fault, remaining: times });
  }

  /** Takes (and counts) the oldest armed fault that `matches`, if any. */
  take(matches: (fault: F) => boolean): F | undefined {
    const index = this.#armed.findIndex((armed) => matches(armed.fault));
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.#armed.splice(index, 1);
    return armed.fault;
  }

  /** How many faults are armed. */
  get size(): number {
    return this.#armed.length;
  }

  /** Disarms every fault. */
  clear(): void {
    this.#armed.length = 0;
  }
}
