/**
 * The Redis URL of `--redis` and the config's `redis.url`, checked before anything connects: a URL ioredis
 * cannot read (typically a password with an unescaped `/`, `#` or `?`) is one line naming the option and the fix.
 * @module
 */
import { UsageError } from './errors.js';

/** What a Redis URL that does not parse needs (the config schema says it after the key). */
export const REDIS_URL_FIX =
  'should be a URL ioredis can read, like redis://:password@redis.lan:6379: percent-encode special characters in the password (/ as %2F, # as %23, ? as %3F, @ as %40, % as %25)';

/** Why `url` is not a Redis URL ioredis can read, or undefined when it is one. */
export function redisUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDIS_URL_FIX;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    return 'should be a Redis URL like redis://redis.lan:6379 (rediss:// for TLS)';
  return undefined;
}

/**
 * `--redis`'s value, checked; undefined stays undefined (the config's `redis.url` is checked with the config).
 * @throws UsageError naming `--redis` and the fix (the URL itself is not repeated: it may hold a password).
 */
export function checkedRedisOption(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const problem = redisUrlProblem(url);
  if (problem !== undefined) throw new UsageError(`--redis ${problem}`);
  return url;
}
