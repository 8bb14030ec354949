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

/**
 * Windows are kept this much longer than the platform documents (10%): our clock and the platform's never
 * agree exactly, and a call that lands a few ms early draws a 429 that costs a whole retry-after.
 */
export const RATE_LIMIT_MARGIN = 0.1;

/**
 * Share of a window kept for priority calls (replies to a person, cards, choices): other calls may use only the
 * rest, so a person's `/stop` is answered at once even when the agent's output has used up the minute
 * (Telegram: 4 of a group's 20 messages a minute). Windows of fewer than 5 calls keep nothing back.
 */
export const PRIORITY_RESERVE = 0.2;

/** Sleep on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, Math.max(0, ms));
  });
}

type Limits = readonly (readonly [string, RateLimit | undefined])[];

interface Waiter {
  readonly limits: Limits;
  readonly priority: boolean;
  readonly resolve: (granted: boolean) => void;
}

/**
 * Schedules calls under several sliding-window limits at once. Waiting calls are grouped by the limits they
 * need (a chat), first come first served within a group, priority calls first; one timer wakes the limiter
 * when the soonest group can go — never every waiter. Memory: per key at most `count` timestamps; per waiting
 * call one entry (each thread of the outbox has at most one call waiting).
 */
export class SlidingWindowLimiter {
  readonly #windows = new Map<string, number[]>();
  readonly #groups = new Map<string, Waiter[]>();
  readonly #clock: Clock;
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Wait until a call is allowed under every `[key, limit]` pair, then record it. Priority calls go first and
   * may use the share of each window kept for them ({@link PRIORITY_RESERVE}).
   * @param signal - gives up waiting when aborted (nothing is recorded).
   * @returns `true` once granted, `false` if `signal` aborted the wait.
   */
  acquire(limits: Limits, priority = false, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    const group = limits.map(([key, limit]) => (limit ? key : '')).join('\u0000');
    if (!this.#groups.has(group) && this.#waitFor(limits, priority) <= 0) {
      this.#record(limits);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiters = this.#groups.get(group) ?? [];
      const onAbort = () => {
        const current = this.#groups.get(group);
        const at = current?.indexOf(waiter) ?? -1;
        if (current === undefined || at === -1) return;
        current.splice(at, 1);
        if (current.length === 0) this.#groups.delete(group);
        resolve(false);
      };
      const waiter: Waiter = {
        limits,
        priority,
        resolve: (granted) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (priority) {
        let at = 0;
        while (at < waiters.length && (waiters[at] as Waiter).priority) at++;
        waiters.splice(at, 0, waiter);
      } else waiters.push(waiter);
      this.#groups.set(group, waiters);
      this.#pump();
    });
  }

  /**
   * Block the window until `untilMs` (after a 429 the platform knows better than our model). The calls
   * already recorded keep counting, so the window does not reopen wider than its limit afterwards.
   */
  penalise(key: string, untilMs: number, limit: RateLimit | undefined): void {
    if (!limit) return;
    const windowMs = widened(limit);
    const blockers = Array.from({ length: limit.count }, () => untilMs - windowMs);
    const stamps = [...(this.#windows.get(key) ?? []), ...blockers].sort((a, b) => a - b).slice(-limit.count);
    this.#windows.set(key, stamps);
  }

  /** Grants every group head that may go now (priority heads first); arms one timer for the soonest other. */
  #pump(): void {
    let soonest = Number.POSITIVE_INFINITY;
    for (const pass of [true, false]) {
      for (const [group, waiters] of this.#groups) {
        let head = waiters[0];
        if (head === undefined || head.priority !== pass) continue;
        let wait = this.#waitFor(head.limits, head.priority);
        while (head !== undefined && wait <= 0) {
          waiters.shift();
          this.#record(head.limits);
          head.resolve(true);
          head = waiters[0];
          wait = head === undefined ? 0 : this.#waitFor(head.limits, head.priority);
        }
        if (waiters.length === 0) this.#groups.delete(group);
        else soonest = Math.min(soonest, wait);
      }
    }
    if (soonest === Number.POSITIVE_INFINITY) return;
    const at = this.#clock.now() + soonest;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#pump();
    }, soonest);
  }

  /** How long (ms) until a call is allowed under every limit; 0 or less means now. */
  #waitFor(limits: Limits, priority: boolean): number {
    const now = this.#clock.now();
    let wait = 0;
    for (const [key, limit] of limits) {
      if (!limit) continue;
      const windowMs = widened(limit);
      const stamps = this.#prune(key, now, windowMs);
      const count = priority ? limit.count : limit.count - reserved(limit);
      if (stamps.length >= count) {
        const oldest = stamps[stamps.length - count] ?? now;
        wait = Math.max(wait, oldest + windowMs - now);
      }
    }
    return wait;
  }

  #record(limits: Limits): void {
    const now = this.#clock.now();
    for (const [key, limit] of limits) {
      if (!limit) continue;
      const stamps = this.#windows.get(key) ?? [];
      stamps.push(now);
      // Only the newest `count` stamps ever matter.
      if (stamps.length > limit.count) stamps.splice(0, stamps.length - limit.count);
      this.#windows.set(key, stamps);
    }
  }

  #prune(key: string, now: number, windowMs: number): number[] {
    const stamps = this.#windows.get(key) ?? [];
    let drop = 0;
    while (drop < stamps.length && (stamps[drop] as number) <= now - windowMs) drop++;
    if (drop > 0) stamps.splice(0, drop);
    if (stamps.length === 0) this.#windows.delete(key);
    return stamps;
  }
}

/** Calls of a window only priority calls may use. */
function reserved(limit: RateLimit): number {
  return limit.count < 5 ? 0 : Math.floor(limit.count * PRIORITY_RESERVE);
}

function widened(limit: RateLimit): number {
  return Math.ceil(limit.windowMs * (1 + RATE_LIMIT_MARGIN));
}
