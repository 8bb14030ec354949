/**
 * Bounded waits on a fake's state: a predicate is re-checked after every change the fake reports, and on a
 * short poll (for state that changes without a report); the bound runs on an injectable clock.
 * @module
 */
import { type Clock, systemClock } from '../../core/types.js';

/** Options of {@link Waiters.waitFor}. */
export interface WaitOptions {
  /**
   * Milliseconds (on the waiters' clock) before giving up.
   * @defaultValue 5000
   */
  readonly timeoutMs?: number;
  /** Words for the timeout message, e.g. `'the approval card'`. */
  readonly what?: string;
  /** The same as `what` (the Slack fake's original name for it). */
  readonly description?: string;
}

/** Options of {@link Waiters}. */
export interface WaitersOptions {
  /** The fake's name, e.g. `'FakeTelegramServer'`, for error messages. */
  readonly owner: string;
  /** What the fake holds, appended to a timeout message so the failure shows what was there instead. */
  readonly describe?: () => string;
  /**
   * The clock the timeouts run on.
   * @defaultValue systemClock
   */
  readonly clock?: Clock;
  /**
   * Real milliseconds between re-checks when nothing reports a change.
   * @defaultValue 10
   */
  readonly pollMs?: number;
}

interface Waiter {
  check(): void;
  cancel(reason: Error): void;
}

type Maybe<T> = T | undefined | null | false;

/**
 * Waits for conditions on a fake's state. The fake calls {@link Waiters.notify} after each change and
 * {@link Waiters.cancelAll} on stop.
 * @example
 * ```ts
 * const waiters = new Waiters({ owner: 'FakeExample', describe: () => dump(world) });
 * const card = await waiters.waitFor(() => messages.find((m) => m.buttons.length > 0), { what: 'a card' });
 * ```
 */
export class Waiters {
  readonly #waiters = new Set<Waiter>();
  readonly #options: WaitersOptions;

  /** @param options - the owner's name, a dump of the state for timeouts, the clock and the poll. */
  constructor(options: WaitersOptions) {
    this.#options = options;
  }

  /** Re-checks every pending wait (call after each state change). */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  /** Rejects every pending wait (on stop). */
  cancelAll(): void {
    for (const waiter of [...this.#waiters])
      waiter.cancel(new Error(`${this.#options.owner} stopped while waiting`));
  }

  /**
   * Resolves with the predicate's first truthy value. A predicate that throws counts as "not yet"; its last
   * error is named if the wait times out. An async predicate is awaited before the next check.
   * @param predicate - returns a truthy value once satisfied.
   * @param options - timeout and description.
   */
  waitFor<T>(predicate: () => Maybe<T> | Promise<Maybe<T>>, options: WaitOptions = {}): Promise<T> {
    const { owner, describe, clock = systemClock, pollMs = 10 } = this.#options;
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      let running = false;
      let lastError: unknown;
      const finish = (): void => {
        done = true;
        clock.clearTimeout(timeout);
        clearInterval(poll);
        this.#waiters.delete(waiter);
      };
      const settle = (value: Maybe<T>): void => {
        if (done || value === undefined || value === null || value === false) return;
        finish();
        resolve(value);
      };
      const waiter: Waiter = {
        check: () => {
          if (done || running) return;
          try {
            const value = predicate();
            if (!(value instanceof Promise)) return settle(value);
            running = true;
            value
              .then(settle, (error: unknown) => {
                lastError = error;
              })
              .finally(() => {
                running = false;
              });
          } catch (error) {
            lastError = error;
          }
        },
        cancel: (reason) => {
          if (done) return;
          finish();
          reject(reason);
        },
      };
      const timeout = clock.setTimeout(() => {
        waiter.check();
        if (done) return;
        const why = lastError instanceof Error ? `\nlast predicate error: ${lastError.message}` : '';
        const held = describe?.();
        const state = held ? `\nWhat the fake holds:\n${held}` : '';
        waiter.cancel(
          new Error(
            `${owner}.waitFor: gave up after ${timeoutMs} ms waiting for ${options.what ?? options.description ?? 'the condition'}.${why}${state}`,
          ),
        );
      }, timeoutMs);
      const poll = setInterval(() => waiter.check(), pollMs);
      this.#waiters.add(waiter);
      waiter.check();
    });
  }
}
