/**
 * Lifecycle edges written once: a deferred promise, a wait bounded on the injected clock, and an abort signal
 * joined from several. Every bridge, runner and daemon uses these instead of hand-written `Promise.race` timers,
 * so fake time (a `VirtualClock`, a `JumpClock`) bounds them in tests exactly as real time does in production.
 * @module
 */
import { type Clock, systemClock } from './types.js';

/** A promise with its `resolve`/`reject` outside, and whether it has settled. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
  /** True once `resolve` or `reject` was called. */
  readonly settled: boolean;
}

/** A new {@link Deferred}. Later calls to `resolve`/`reject` after the first change nothing. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let settled = false;
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      settled = true;
      resolve(value);
    },
    reject(reason) {
      settled = true;
      reject(reason);
    },
  };
}

/** What {@link settleWithin} resolves with. */
export type Bounded<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/**
 * Wait for `work` at most `ms` on `clock`. Never rejects because of the timeout; a rejection of `work` within
 * the time passes through. The timer is cleared as soon as either side wins, and does not keep a process alive.
 * @param work - what to wait for.
 * @param ms - the bound, in clock milliseconds.
 * @param clock - the clock the bound runs on.
 * @defaultValue clock systemClock
 * @example
 * ```ts
 * const drained = await settleWithin(outbox.drain(), 10_000, bridge.clock);
 * if (drained.timedOut) logger.warn({}, 'output still queued at stop');
 * ```
 */
export async function settleWithin<T>(
  work: Promise<T>,
  ms: number,
  clock: Clock = systemClock,
): Promise<Bounded<T>> {
  let handle: unknown;
  const timeout = new Promise<Bounded<T>>((resolve) => {
    handle = clock.setTimeout(() => resolve({ timedOut: true }), Math.max(0, ms));
    (handle as { unref?: () => void } | undefined)?.unref?.();
  });
  try {
    return await Promise.race([work.then((value): Bounded<T> => ({ timedOut: false, value })), timeout]);
  } finally {
    clock.clearTimeout(handle);
  }
}

/**
 * `work`'s value, or a rejection with `timeoutError()` after `ms` on `clock`.
 * @param work - what to wait for.
 * @param ms - the bound, in clock milliseconds.
 * @param timeoutError - the error to reject with; name what did not answer and the fix.
 * @param clock - the clock the bound runs on.
 * @defaultValue clock systemClock
 */
export async function rejectAfter<T>(
  work: Promise<T>,
  ms: number,
  timeoutError: () => Error,
  clock: Clock = systemClock,
): Promise<T> {
  const result = await settleWithin(work, ms, clock);
  if (result.timedOut) throw timeoutError();
  return result.value;
}
