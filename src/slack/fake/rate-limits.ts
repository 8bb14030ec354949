/**
 * Slack-like Web API rate limits: a token bucket per method (and per channel for chat.postMessage).
 * @module
 */

import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import type { FakeRateLimitRule } from './types.js';

const TIER_1: FakeRateLimitRule = { perMinute: 1, burst: 10 };
const TIER_2: FakeRateLimitRule = { perMinute: 20, burst: 5 };
const TIER_3: FakeRateLimitRule = { perMinute: 50, burst: 10 };
const TIER_4: FakeRateLimitRule = { perMinute: 100, burst: 20 };

/**
 * The default rules, after Slack's documented tiers. chat.postMessage has Slack's "special" limit of about one
 * message per second per channel, with short bursts allowed. apps.connections.open is tier 1 with a burst of 10
 * so reconnect tests are not throttled.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, FakeRateLimitRule>> = {
  'auth.test': TIER_4,
  'apps.connections.open': TIER_1,
  'chat.postMessage': { perMinute: 60, burst: 4, scope: 'channel' },
  'chat.update': TIER_3,
  'chat.delete': TIER_3,
  'chat.postEphemeral': TIER_4,
  'conversations.info': TIER_3,
  'conversations.replies': TIER_3,
  'reactions.add': TIER_3,
  'reactions.remove': TIER_2,
  'users.info': TIER_4,
};

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The verdict for one call: allowed, or refused with how long to wait (Slack seconds). */
export type RateLimitVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Token buckets for every (method, scope key) pair. */
export class RateLimiter {
  readonly #rules: Readonly<Record<string, FakeRateLimitRule | null>>;
  readonly #clock: ScaledClock;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param overrides - rules merged over {@link DEFAULT_RATE_LIMITS}; `false` disables all limits.
   * @param clock - the fake's clock.
   */
  constructor(
    overrides: Readonly<Record<string, FakeRateLimitRule | null>> | false | undefined,
    clock: ScaledClock,
  ) {
    this.#rules = overrides === false ? {} : { ...DEFAULT_RATE_LIMITS, ...overrides };
    this.#clock = clock;
  }

  /** Takes one call from the bucket of `method` (and `channel` for per-channel rules). */
  take(method: string, channel: string | undefined): RateLimitVerdict {
    const rule = this.#rules[method];
    if (!rule || !(rule.perMinute > 0)) return { allowed: true };
    const burst = Math.max(1, rule.burst ?? rule.perMinute / 6);
    const key = rule.scope === 'channel' ? `${method}\u0000${channel ?? ''}` : method;
    const now = this.#clock.now();
    const perMs = rule.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) * perMs);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: (1 - bucket.tokens) / perMs / 1000 };
  }
}

/**
 * A wait in Slack seconds as a `Retry-After` header value in whole real seconds: rounded up at `timeScale >= 1`
 * (Slack never says 0), to nearest below it (sub-second scaled waits become 0).
 */
export function retryAfterHeader(clock: ScaledClock, slackSeconds: number): number {
  const real = slackSeconds * clock.timeScale;
  return clock.timeScale >= 1 ? Math.max(1, Math.ceil(real)) : Math.max(0, Math.round(real));
}
