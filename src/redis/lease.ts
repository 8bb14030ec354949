/**
 * {@link RedisLease}: one holder per platform connection. Acquiring is `SET key value NX PX ttl` plus a fencing
 * token (a counter incremented on every acquisition) in one script; the holder renews before the TTL runs
 * out; a renewal succeeds only while the key still names this holder. Writes that matter carry the token
 * ({@link RedisLease.fence}, checked by a fenced {@link RedisStore}), so a holder that was paused past its
 * TTL and replaced cannot overwrite its successor's state.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { rejectAfter } from '../core/lifecycle.js';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { clientOptions, loadIoredis } from './load.js';
import type { FenceToken } from './store.js';

/** Who holds a lease. */
export interface LeaseHolder {
  /** The host name given to `serve --host-name`. */
  readonly host: string;
  /** This process's unique id (a host restarted is another instance). */
  readonly instance: string;
  /** The fencing token of this holding. */
  readonly token: number;
  /** When it was acquired (epoch ms). */
  readonly since: number;
}

/** Options of {@link RedisLease.connect}. */
export interface RedisLeaseOptions {
  readonly url: string;
  /** What is leased, e.g. `telegram`. */
  readonly name: string;
  /** This host's name. */
  readonly host: string;
  /** @defaultValue `'agent-tether:'` */
  readonly keyPrefix?: string;
  /**
   * How long a holding lasts without renewal: after the holder dies, another host takes over within this.
   * @defaultValue 5000
   */
  readonly ttlMs?: number;
  /**
   * How often the holder renews, and how often the others try to acquire.
   * @defaultValue ttlMs / 3
   */
  readonly renewEveryMs?: number;
  readonly logger?: Logger;
}

/** What {@link RedisLease.hold} reports. */
export interface LeaseEvents {
  /**
   * This host now holds the lease (start the platform connection). When it throws, the holding is given back:
   * `onLost('released')` is reported (stop what did start), the lease is released for another host, and this host
   * tries again after a wait.
   */
  onAcquired(holder: LeaseHolder): void | Promise<void>;
  /** This host no longer holds it (stop the connection at once): `reason` says why. */
  onLost(reason: 'taken' | 'expired' | 'released'): void | Promise<void>;
}

/** KEYS: lease, fence counter. ARGV: holder JSON without token (as a prefix), ttl. Returns the token or nil. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = redis.call('INCR', KEYS[2])
local value = string.sub(ARGV[1], 1, -2) .. ',"token":' .. token .. '}'
redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2])
return token
`;

/** KEYS: lease. ARGV: exact value, ttl. Renews only our own holding. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: lease. ARGV: exact value. Releases only our own holding. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

/** A Redis call that got no answer in time: the connection is taken for dead (half-open). */
class SilentRedis extends Error {
  constructor(ms: number) {
    super(`Redis did not answer in ${ms} ms; reconnecting`);
    this.name = 'SilentRedis';
  }
}

type Scripts = {
  atLeaseAcquire(lease: string, fence: string, value: string, ttl: number): Promise<number | null>;
  atLeaseRenew(lease: string, value: string, ttl: number): Promise<number>;
  atLeaseRelease(lease: string, value: string): Promise<number>;
};

/**
 * A lease on one named resource in Redis.
 * @example
 * ```ts
 * const lease = await RedisLease.connect({ url, name: 'telegram', host: 'laptop' });
 * lease.hold({ onAcquired: () => bridge.start(), onLost: () => bridge.stop() });
 * const store = RedisStore.open({ url, fence: () => lease.fence() });
 * ```
 */
export class RedisLease {
  readonly name: string;
  readonly host: string;
  readonly instance = randomUUID();
  readonly #connect: () => Redis & Scripts;
  #redis: Redis & Scripts;
  readonly #key: string;
  readonly #fenceKey: string;
  readonly #ttlMs: number;
  readonly #everyMs: number;
  /** How long one command may take before the connection is given up as dead (half-open). */
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  #value: string | undefined;
  #held: LeaseHolder | undefined;
  #lastToken = 0;
  #timer: NodeJS.Timeout | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #events: LeaseEvents | undefined;
  #reports: Promise<void> = Promise.resolve();
  #closed = false;
  /** After a failed `onAcquired`: no acquiring before this time (epoch ms), so another host gets its turn. */
  #notBefore = 0;
  /** `onAcquired` failures in a row (the wait before trying again doubles with each). */
  #failures = 0;
  /** Whether the last renewal or acquisition failed (only the first failure in a row is a warning). */
  #failing = false;

  private constructor(Redis: new (url: string, options: RedisOptions) => Redis, options: RedisLeaseOptions) {
    const prefix = options.keyPrefix ?? 'agent-tether:';
    this.name = options.name;
    this.host = options.host;
    this.#key = `${prefix}lease:${options.name}`;
    this.#fenceKey = `${prefix}lease:${options.name}:fence`;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#everyMs = options.renewEveryMs ?? Math.max(50, Math.floor(this.#ttlMs / 3));
    this.#logger = options.logger ?? silentLogger;
    // Below a renewal period: a renewal that hangs is retried on a new connection before the holding expires.
    this.#timeoutMs = Math.max(10, Math.floor(this.#ttlMs / 4));
    this.#connect = () => {
      const redis = new Redis(options.url, clientOptions({ commandTimeout: this.#timeoutMs }));
      redis.on('error', () => {});
      redis.defineCommand('atLeaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
      redis.defineCommand('atLeaseRenew', { numberOfKeys: 1, lua: RENEW });
      redis.defineCommand('atLeaseRelease', { numberOfKeys: 1, lua: RELEASE });
      return redis as Redis & Scripts;
    };
    this.#redis = this.#connect();
  }

  /** Connect (ioredis is loaded now). */
  static async connect(options: RedisLeaseOptions): Promise<RedisLease> {
    return new RedisLease(await loadIoredis(), options);
  }

  /** The holding of this process, if it holds the lease now. */
  get held(): LeaseHolder | undefined {
    return this.#held;
  }

  /**
   * The token for fenced writes: the last one this process acquired (writes with it are refused once another
   * host has acquired the lease), or `0` (always refused) before the first acquisition.
   */
  fence(): FenceToken {
    return { key: this.#fenceKey, token: String(this.#lastToken) };
  }

  /** Who holds the lease now, read from Redis (for `status`). */
  async holder(): Promise<LeaseHolder | undefined> {
    const value = await this.#call((redis) => redis.get(this.#key));
    return value ? (JSON.parse(value) as LeaseHolder) : undefined;
  }

  /** Try once to acquire. Resolves with the holding, or undefined when another host holds it. */
  async acquire(): Promise<LeaseHolder | undefined> {
    const since = Date.now();
    const base = JSON.stringify({ host: this.host, instance: this.instance, since });
    const token = await this.#call((redis) =>
      redis.atLeaseAcquire(this.#key, this.#fenceKey, base, this.#ttlMs),
    );
    if (token === null || token === undefined) return undefined;
    this.#lastToken = Number(token);
    this.#value = `${base.slice(0, -1)},"token":${token}}`;
    this.#held = { host: this.host, instance: this.instance, token: Number(token), since };
    return this.#held;
  }

  /** Renew once. Resolves false when the holding is gone (expired, or another host has it). */
  async renew(): Promise<boolean> {
    const value = this.#value;
    if (value === undefined) return false;
    return (await this.#call((redis) => redis.atLeaseRenew(this.#key, value, this.#ttlMs))) === 1;
  }

  /**
   * Keep trying to hold the lease until {@link RedisLease.close}: acquire when free, renew while held, and report
   * each change. When renewals stop succeeding for a whole TTL (Redis unreachable), the holding is reported lost
   * before another host can have it.
   */
  hold(events: LeaseEvents): void {
    this.#events = events;
    this.#schedule(0);
  }

  /**
   * Stop renewing and trying. By default the lease is released (if held) so another host takes over at once;
   * with `release: false` it is left to expire after its TTL, as when a process dies. Idempotent.
   */
  async close(options: { release?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#expiry);
    const value = this.#value;
    if (this.#held && value && options.release !== false) {
      await this.#lose('released');
      await this.#call((redis) => redis.atLeaseRelease(this.#key, value)).catch(() => undefined);
    }
    this.#redis.disconnect();
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    let next = this.#everyMs;
    try {
      if (this.#held) {
        if (await this.renew()) this.#armExpiry();
        else await this.#lose('taken');
      } else if (Date.now() >= this.#notBefore) {
        const held = await this.acquire();
        if (held && !this.#closed) {
          this.#armExpiry();
          this.#logger.info({ lease: this.name, token: held.token }, 'lease acquired');
          // Not awaited here: starting a platform connection may take longer than a TTL, and renewals go on.
          this.#report(() => this.#start(held));
        }
      }
      this.#failing = false;
    } catch (error) {
      if (error instanceof SilentRedis) {
        // Half-open (packets dropped, nothing closed): this connection would hang until the kernel gives up.
        this.#reconnect();
        // Holding: renew at once on the new connection, before the holding runs out.
        if (this.#held) next = 0;
      }
      this.#logger[this.#failing ? 'debug' : 'warn'](
        { err: error, lease: this.name },
        'lease renewal failed; retrying',
      );
      this.#failing = true;
    }
    this.#schedule(next);
  }

  /**
   * One Redis call, given up after the timeout: it rejects with `SilentRedis` (ioredis's `commandTimeout`
   * does the same for a command; the timer also covers a script's reload). The loop never waits longer.
   */
  #call<T>(run: (redis: Redis & Scripts) => Promise<T>): Promise<T> {
    const call = run(this.#redis).catch((error: unknown) => {
      throw error instanceof Error && error.message === 'Command timed out'
        ? new SilentRedis(this.#timeoutMs)
        : error;
    });
    return rejectAfter(call, this.#timeoutMs, () => new SilentRedis(this.#timeoutMs));
  }

  /**
   * Drop the connection for a new one. Not ioredis's own reconnect (`disconnect(true)`): that would send the
   * commands given up on again over the new connection, e.g. an acquisition this host no longer waits for.
   * Dropping the client fails them all; none is sent later.
   */
  #reconnect(): void {
    if (this.#closed) return;
    const old = this.#redis;
    this.#redis = this.#connect();
    old.disconnect();
  }

  /**
   * Report an acquisition. When `onAcquired` fails (the platform is unreachable from this host for a moment), the
   * holding is given back: `onLost('released')` undoes what started, the lease is released, and this host waits
   * before trying again (a TTL, doubling with each failure in a row up to 30 s) so another host can take it.
   */
  async #start(held: LeaseHolder): Promise<void> {
    try {
      await this.#events?.onAcquired(held);
      this.#failures = 0;
    } catch (error) {
      // Lost meanwhile (expired, taken, closed): that loss is reported already.
      if (this.#held !== held) return;
      const value = this.#value;
      const waitMs = Math.min(this.#ttlMs * 2 ** this.#failures, Math.max(30_000, this.#ttlMs));
      this.#failures++;
      this.#notBefore = Date.now() + waitMs;
      this.#held = undefined;
      clearTimeout(this.#expiry);
      this.#logger.warn(
        { err: error, lease: this.name, retryInMs: waitMs },
        'could not start what the lease holds; released it for another host, trying again later',
      );
      try {
        await this.#events?.onLost('released');
      } catch (undoError) {
        this.#logger.error({ err: undoError, lease: this.name }, 'a lease handler failed');
      }
      if (value) await this.#call((redis) => redis.atLeaseRelease(this.#key, value)).catch(() => undefined);
    }
  }

  /** If no renewal succeeds for a TTL, Redis will let another host in: stop acting as holder before that. */
  #armExpiry(): void {
    clearTimeout(this.#expiry);
    this.#expiry = setTimeout(() => void this.#lose('expired'), Math.max(1, this.#ttlMs - this.#everyMs));
  }

  async #lose(reason: 'taken' | 'expired' | 'released'): Promise<void> {
    if (!this.#held) return;
    clearTimeout(this.#expiry);
    this.#held = undefined;
    this.#logger.warn({ lease: this.name, reason }, 'lease lost');
    await this.#report(() => this.#events?.onLost(reason));
  }

  /** Reports run one after another (a loss is reported after the acquisition it ends has been handled). */
  #report(event: () => void | Promise<void>): Promise<void> {
    this.#reports = this.#reports.then(event).catch((error: unknown) => {
      this.#logger.error({ err: error, lease: this.name }, 'a lease handler failed');
    });
    return this.#reports;
  }
}
