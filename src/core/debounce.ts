/**
 * Error debouncing: at most one error notice per thread per period, as the seed does.
 * @module
 */
import type { Clock } from './types.js';

/** Lets one error notice through per thread per `periodMs` (0 disables debouncing). */
export class ErrorDebouncer {
  readonly #last = new Map<string, number>();
  readonly #clock: Clock;
  readonly #periodMs: number;

  /** @param periodMs - minimum time between two error notices of a thread. @defaultValue 0 */
  constructor(clock: Clock, periodMs = 0) {
    this.#clock = clock;
    this.#periodMs = periodMs;
  }

  /** True when an error notice may be sent now (and records it). */
  shouldSend(threadId: string): boolean {
    if (this.#periodMs <= 0) return true;
    const now = this.#clock.now();
    const last = this.#last.get(threadId);
    if (last !== undefined && now - last < this.#periodMs) return false;
    this.#last.set(threadId, now);
    return true;
  }

  removeThread(threadId: string): void {
    this.#last.delete(threadId);
  }
}
