/**
 * Sliding-window rate limits (per chat and global) for outgoing platform calls.
 * @module
 */
import type { Clock } from './types.js';

/** At most `count` calls per `windowMs`. */
export interface RateLimit {
  readonly count: number;
  readonly windowMs: number;
}

/** Sleep on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, Math.max(0, ms));
  });
}

/** Schedules calls under several sliding-window limits at once. */
export class SlidingWindowLimiter {
  readonly #windows = new Map<string, number[]>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Wait until a call is allowed under every `[key, limit]` pair, then record it. */
  async acquire(limits: readonly (readonly [string, RateLimit | undefined])[]): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      let wait = 0;
      for (const [key, limit] of limits) {
        if (!limit) continue;
        const stamps = this.#prune(key, now, limit.windowMs);
        if (stamps.length >= limit.count) {
          const oldest = stamps[stamps.length - limit.count] ?? now;
          wait = Math.max(wait, oldest + limit.windowMs - now);
        }
      }
      if (wait <= 0) break;
      await sleep(this.#clock, wait);
    }
    const now = this.#clock.now();
    for (const [key, limit] of limits) {
      if (!limit) continue;
      const stamps = this.#windows.get(key) ?? [];
      stamps.push(now);
      this.#windows.set(key, stamps);
    }
  }

  /**
   * Block the window until `untilMs` (after a 429 the platform knows better than our model). The calls
   * already recorded keep counting, so the window does not reopen wider than its limit afterwards.
   */
  penalise(key: string, untilMs: number, limit: RateLimit | undefined): void {
    if (!limit) return;
    const blockers = Array.from({ length: limit.count }, () => untilMs - limit.windowMs);
    const stamps = [...(this.#windows.get(key) ?? []), ...blockers].sort((a, b) => a - b);
    this.#windows.set(key, stamps);
  }

  #prune(key: string, now: number, windowMs: number): number[] {
    const stamps = (this.#windows.get(key) ?? []).filter((t) => t > now - windowMs);
    this.#windows.set(key, stamps);
    return stamps;
  }
}
