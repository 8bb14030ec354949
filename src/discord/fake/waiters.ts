/**
 * Bounded waits on the fake's state: a predicate is re-checked after every change and on a short poll.
 * @module
 */

interface Waiter {
  check: () => void;
  cancel: (reason: Error) => void;
}

/** Waits for conditions on the fake's state. */
export class Waiters {
  readonly #waiters = new Set<Waiter>();

  /** Re-checks every waiter (call after each state change). */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  /** Rejects every pending wait (on stop). */
  cancelAll(): void {
    for (const waiter of [...this.#waiters])
      waiter.cancel(new Error('FakeDiscordServer stopped while waiting'));
  }

  /**
   * Resolves with the predicate's first truthy value.
   * @param what - named in the timeout error
   */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs: number, what?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (): void => {
        done = true;
        clearTimeout(timeout);
        clearInterval(poll);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check: () => {
          if (done) return;
          let value: T | undefined | null | false;
          try {
            value = predicate();
          } catch (error) {
            finish();
            reject(error);
            return;
          }
          if (value) {
            finish();
            resolve(value);
          }
        },
        cancel: (reason) => {
          if (done) return;
          finish();
          reject(reason);
        },
      };
      const timeout = setTimeout(() => {
        waiter.cancel(
          new Error(`FakeDiscordServer.waitFor timed out after ${timeoutMs} ms${what ? `: ${what}` : ''}`),
        );
      }, timeoutMs);
      const poll = setInterval(() => waiter.check(), 20);
      this.#waiters.add(waiter);
      waiter.check();
    });
  }
}
