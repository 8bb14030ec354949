/**
 * Scaled time for the fake server: fake time runs `1 / timeScale` times faster than real time.
 * @module
 */

/** A clock whose fake milliseconds pass `1 / timeScale` times faster than real ones. */
export class FakeClock {
  readonly #realStart: number;
  readonly #realNow: () => number;

  /**
   * @param timeScale - real ms per fake ms (0.01 → a fake minute lasts 600 real ms).
   * @param realNow - the real clock. @defaultValue `Date.now` (so vitest fake timers drive it too)
   */
  constructor(
    readonly timeScale: number,
    realNow: () => number = () => Date.now(),
  ) {
    this.#realNow = realNow;
    this.#realStart = realNow();
  }

  /** Fake now, in milliseconds since the epoch (equal to real now at construction). */
  now(): number {
    return this.#realStart + (this.#realNow() - this.#realStart) / this.timeScale;
  }

  /**
   * Converts a fake duration to real milliseconds.
   * @param fakeMs - a duration in fake milliseconds.
   */
  toRealMs(fakeMs: number): number {
    return fakeMs * this.timeScale;
  }
}
