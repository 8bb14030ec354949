/**
 * Scaled time for the fakes: a platform's milliseconds pass `1 / timeScale` times as fast as real ones, so a
 * minute-long rate-limit window or interaction deadline costs a test only a few real milliseconds.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import type { Clock } from '../../core/types.js';

/** Options of {@link ScaledClock}. */
export interface ScaledClockOptions {
  /** The fake's name, for the error on a bad `timeScale` (e.g. `'FakeSlackServer'`). */
  readonly owner?: string;
  /**
   * The real clock.
   * @defaultValue `Date.now` (read on every call, so vitest's fake timers drive it too)
   */
  readonly realNow?: () => number;
}

/**
 * A {@link Clock} whose milliseconds last `timeScale` real milliseconds. Its timers are tracked, so
 * {@link ScaledClock.clearAll} on a fake's `stop()` leaves nothing running.
 * @example
 * ```ts
 * const clock = new ScaledClock(0.01); // a fake minute lasts 600 real ms
 * await clock.sleep(60_000);
 * ```
 */
export class ScaledClock implements Clock {
  /** Real milliseconds per fake millisecond. */
  readonly timeScale: number;
  readonly #realNow: () => number;
  readonly #realStart: number;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * @param timeScale - real ms per fake ms (0.01 → a fake minute lasts 600 real ms); must be > 0.
   * @param options - the owner's name for errors, and the real clock.
   */
  constructor(timeScale: number, options: ScaledClockOptions = {}) {
    if (!Number.isFinite(timeScale) || !(timeScale > 0)) {
      throw new ConfigError(
        `${options.owner ?? 'ScaledClock'}: timeScale must be a positive number, got ${String(timeScale)}`,
      );
    }
    this.timeScale = timeScale;
    this.#realNow = options.realNow ?? (() => Date.now());
    this.#realStart = this.#realNow();
  }

  /** Fake now, in epoch milliseconds (equal to real now at construction). */
  now(): number {
    return this.#realStart + (this.#realNow() - this.#realStart) / this.timeScale;
  }

  /** Real milliseconds that `fakeMs` fake milliseconds last. */
  toRealMs(fakeMs: number): number {
    return fakeMs * this.timeScale;
  }

  /** {@link Clock.setTimeout} in fake milliseconds (tracked until it fires or is cleared). */
  setTimeout(fn: () => void, fakeMs: number): unknown {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        fn();
      },
      this.toRealMs(Math.max(0, fakeMs)),
    );
    this.#timers.add(timer);
    return timer;
  }

  /** {@link Clock.clearTimeout}. */
  clearTimeout(handle: unknown): void {
    const timer = handle as ReturnType<typeof setTimeout>;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  /** Runs `callback` after `fakeMs`; returns a function that cancels it. */
  after(fakeMs: number, callback: () => void): () => void {
    const handle = this.setTimeout(callback, fakeMs);
    return () => this.clearTimeout(handle);
  }

  /** Resolves after `fakeMs` (never, if {@link ScaledClock.clearAll} runs first). */
  sleep(fakeMs: number): Promise<void> {
    return new Promise((resolve) => this.after(fakeMs, resolve));
  }

  /** Runs `callback` every `fakeMs`; returns a function that cancels it. */
  every(fakeMs: number, callback: () => void): () => void {
    const timer = setInterval(callback, this.toRealMs(fakeMs));
    return () => clearInterval(timer);
  }

  /** Cancels every pending timer and sleep (pending sleeps never resolve). */
  clearAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
