/**
 * ioredis is an optional peer dependency: it is loaded only when a Redis feature is used, and its absence
 * is a one-line error that names the fix.
 * @module
 */
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import { ConfigError } from '../core/errors.js';

const MISSING =
  'agent-tether needs the ioredis package for Redis (--redis, RedisStore, RedisStreamBus, RedisLease): run `npm install ioredis`';

/** The file ioredis loads from, for the store's worker thread. */
export function resolveIoredis(): string {
  try {
    return createRequire(import.meta.url).resolve('ioredis');
  } catch (error) {
    throw new ConfigError(MISSING, { cause: error });
  }
}

/** The `Redis` constructor of ioredis, loaded on first use. */
export async function loadIoredis(): Promise<new (url: string, options: RedisOptions) => Redis> {
  try {
    const module = await import('ioredis');
    return module.Redis;
  } catch (error) {
    throw new ConfigError(MISSING, { cause: error });
  }
}

/**
 * A Redis URL with its password replaced by `***`, for messages and logs; also the `password` and `username`
 * query parameters, which ioredis reads as connection options.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()])
      if (/^(password|username)$/i.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return '(an invalid Redis URL)';
  }
}

/**
 * Connection options for every client we open: commands wait through a reconnect instead of failing
 * after a few retries (a Redis restart must not lose a decision), and reconnects back off to 1 s. A connection
 * that stays silent for 10 s while a command waits (half-open: packets dropped, nothing closed) is dropped,
 * and ioredis reconnects and sends the waiting commands again (ours are safe to repeat: a publish carries its
 * message id). No command of ours takes that long; a blocking read must block for less (the bus blocks for 1 s).
 */
export function clientOptions(extra: RedisOptions = {}): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
    socketTimeout: 10_000,
    ...extra,
  };
}
