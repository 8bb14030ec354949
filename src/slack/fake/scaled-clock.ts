/**
 * The fake's clock: Slack time that runs `1 / timeScale` times as fast as real time.
 * @module
 */

/** A clock whose milliseconds last `timeScale` real milliseconds; its timers are tracked so `stop()` clears them. */
export class ScaledClock {
  readonly #timeScale: number;
  readonly #realStart = Date.now();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /** @param timeScale - real milliseconds per Slack millisecond (must be > 0). */
  constructor(timeScale: number) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`FakeSlackServer: timeScale must be a positive number, got ${timeScale}`);
    }
    this.#timeScale = timeScale;
  }

  /** Real milliseconds per Slack millisecond. */
  get timeScale(): number {
    return this.#timeScale;
  }

  /** Slack time now, in epoch milliseconds (starts at the real time of construction). */
  now(): number {
    return this.#realStart + (Date.now() - this.#realStart) / this.#timeScale;
  }

  /** Real milliseconds that `slackMs` Slack milliseconds last. */
  toRealMs(slackMs: number): number {
    return slackMs * this.#timeScale;
  }

  /** Runs `callback` after `slackMs` Slack milliseconds; returns a function that cancels it. */
  after(slackMs: number, callback: () => void): () => void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, this.toRealMs(slackMs));
    this.#timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  /** Resolves after `slackMs` Slack milliseconds. */
  sleep(slackMs: number): Promise<void> {
    return new Promise((resolve) => this.after(slackMs, resolve));
  }

  /** Runs `callback` every `slackMs` Slack milliseconds; returns a function that cancels it. */
  every(slackMs: number, callback: () => void): () => void {
    const timer = setInterval(callback, this.toRealMs(slackMs));
    return () => clearInterval(timer);
  }

  /** Cancels every pending `after`/`sleep` timer (pending sleeps never resolve). */
  clearAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * A wait in Slack seconds expressed as a `Retry-After` header value in whole real seconds: rounded up at
   * `timeScale >= 1` (Slack never says 0), to nearest below it (sub-second scaled waits become 0).
   */
  retryAfterHeader(slackSeconds: number): number {
    const real = slackSeconds * this.#timeScale;
    return this.#timeScale >= 1 ? Math.max(1, Math.ceil(real)) : Math.max(0, Math.round(real));
  }
}
