/**
 * Discord-style per-route rate limits (fixed windows per major parameter, `X-RateLimit-*` headers)
 * and the fault-injection queue (on the kit's {@link FaultQueue}).
 * @module
 */

import { createHash } from 'node:crypto';
import type { FaultQueue } from '../../testing/kit/fault-queue.js';
import type { FakeFault, FakeFaultInjection, FakeRateLimit } from './types.js';

/** `'POST /channels/:channelId/messages'` → `'POST /channels/:/messages'`: parameter names do not matter. */
export function normalizeRoute(route: string): string {
  return route
    .trim()
    .replace(/\/:[^/]+/g, '/:')
    .replace(/\/+$/, '');
}

/** The limits Discord is known for, unscaled. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, FakeRateLimit>> = {
  'POST /channels/:id/messages': { limit: 5, windowMs: 5000 },
};

/** Applies to every route without its own entry. */
const FALLBACK_LIMIT: FakeRateLimit = { limit: 50, windowMs: 1000 };

interface Bucket {
  count: number;
  resetAt: number;
}

/** The outcome of asking a bucket for one request. */
export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds (scaled) until the bucket resets; meaningful when not allowed. */
  retryAfter: number;
}

/** Counts requests per route and major parameter and decides when to answer 429. */
export class RateLimiter {
  readonly #limits = new Map<string, FakeRateLimit>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    limits: Readonly<Record<string, FakeRateLimit>>,
    readonly timeScale: number,
  ) {
    for (const [route, limit] of Object.entries({ ...DEFAULT_RATE_LIMITS, ...limits }))
      this.set(route, limit);
  }

  /** Sets (or replaces) the limit of a route, e.g. `'PATCH /channels/:id/messages/:id'`. */
  set(route: string, limit: FakeRateLimit): void {
    this.#limits.set(normalizeRoute(route), limit);
    this.#buckets.clear();
  }

  /**
   * Takes one request from the route's bucket.
   * @param route - the matched route template, `'POST /channels/:channelId/messages'`
   * @param major - the major parameter (channel id, webhook id, interaction id)
   */
  take(route: string, major: string, now = Date.now()): RateLimitDecision {
    const key = normalizeRoute(route);
    const limit = this.#limits.get(key) ?? FALLBACK_LIMIT;
    const windowMs = limit.windowMs * this.timeScale;
    const bucketKey = `${key} ${major}`;
    let bucket = this.#buckets.get(bucketKey);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { count: 0, resetAt: now + windowMs };
      this.#buckets.set(bucketKey, bucket);
    }
    const allowed = bucket.count < limit.limit;
    if (allowed) bucket.count++;
    const resetAfter = Math.max(0, bucket.resetAt - now) / 1000;
    return {
      allowed,
      retryAfter: resetAfter,
      headers: {
        'X-RateLimit-Limit': String(limit.limit),
        'X-RateLimit-Remaining': String(Math.max(0, limit.limit - bucket.count)),
        'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
        'X-RateLimit-Reset-After': resetAfter.toFixed(3),
        'X-RateLimit-Bucket': createHash('sha1').update(key).digest('hex').slice(0, 32),
      },
    };
  }
}

/** A fault armed with where it applies: a method and a normalized route path, either may be any. */
export interface ArmedDiscordFault {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly fault: FakeFault;
}

/**
 * Arms an injection on the fake's fault queue; see {@link FakeFaultInjection}.
 * @param faults - the kit's queue the fake owns.
 */
export function armDiscordFault(faults: FaultQueue<ArmedDiscordFault>, injection: FakeFaultInjection): void {
  const { route, times, ...fault } = injection;
  let method: string | undefined;
  let path: string | undefined;
  if (route !== undefined) {
    const match = /^([A-Za-z]+)\s+(\S+)$/.exec(route.trim());
    method = match?.[1]?.toUpperCase();
    path = normalizeRoute(match?.[2] ?? route);
  }
  faults.add({ method, path, fault: fault as FakeFault }, times ?? 1);
}

/**
 * The fault a request meets, if any (and counts it).
 * @param template - the matched route path template, `/channels/:channelId/messages`
 * @param literal - the request's literal path
 */
export function takeDiscordFault(
  faults: FaultQueue<ArmedDiscordFault>,
  method: string,
  template: string | undefined,
  literal: string,
): FakeFault | undefined {
  const normalized = template === undefined ? undefined : normalizeRoute(template);
  return faults.take(
    (armed) =>
      (armed.method === undefined || armed.method === method) &&
      (armed.path === undefined || armed.path === normalized || armed.path === literal),
  )?.fault;
}
