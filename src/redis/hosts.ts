/**
 * Who is out there: every `serve --redis` host writes a heartbeat into one Redis hash ({@link RedisHostBeacon}),
 * and {@link readClusterStatus} reads it back with the Redis version, its persistence and who holds each lease —
 * what `agent-tether status` and `doctor` show.
 * @module
 */
import type { Redis } from 'ioredis';
import { TetherError } from '../core/errors.js';
import type { LeaseHolder } from './lease.js';
import { clientOptions, loadIoredis, redactRedisUrl } from './load.js';

/** One host's heartbeat. */
export interface HostBeat {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  /** When it last wrote (epoch ms). */
  readonly seenAt: number;
  /** The names of its config's projects (what `/new <host>:<project>` may start there; never their paths). */
  readonly projects?: readonly string[];
  /** The runners it can start. */
  readonly runners?: readonly string[];
}

/** What {@link readClusterStatus} finds. */
export interface ClusterStatus {
  /** e.g. `7.0.15` */
  readonly version: string;
  /** Whether Redis writes an append-only file (a restart then keeps pending approvals). */
  readonly appendOnly: boolean;
  /** Hosts that wrote a heartbeat, newest first. */
  readonly hosts: readonly HostBeat[];
  /** Lease name (e.g. `platforms`) → its holder, or undefined when nobody holds it. */
  readonly leases: Readonly<Record<string, LeaseHolder | undefined>>;
}

const hostsKey = (prefix: string) => `${prefix}hosts`;

/** Writes this host's heartbeat every `everyMs` until closed (and removes it on close). */
export class RedisHostBeacon {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #beat: Omit<HostBeat, 'seenAt'>;
  readonly #timer: NodeJS.Timeout;
  readonly #everyMs: number;
  /** This host's name. */
  readonly self: string;

  private constructor(
    redis: Redis,
    prefix: string,
    beat: Omit<HostBeat, 'seenAt' | 'pid' | 'startedAt'>,
    everyMs: number,
  ) {
    this.#redis = redis;
    this.#key = hostsKey(prefix);
    this.#beat = { ...beat, pid: process.pid, startedAt: Date.now() };
    this.self = beat.host;
    this.#everyMs = everyMs;
    this.#write();
    this.#timer = setInterval(() => this.#write(), everyMs);
    this.#timer.unref();
  }

  /** Start beating (ioredis is loaded now). */
  static async start(options: {
    url: string;
    host: string;
    keyPrefix?: string;
    /** @defaultValue 5000 */
    everyMs?: number;
    /** The config's project names, for `/new <host>:<project>` on the host holding the bot. */
    projects?: readonly string[];
    /** The runners this host can start. */
    runners?: readonly string[];
  }): Promise<RedisHostBeacon> {
    const Redis = await loadIoredis();
    const redis = new Redis(options.url, clientOptions());
    redis.on('error', () => {});
    return new RedisHostBeacon(
      redis,
      options.keyPrefix ?? 'agent-tether:',
      {
        host: options.host,
        ...(options.projects ? { projects: [...options.projects] } : {}),
        ...(options.runners ? { runners: [...options.runners] } : {}),
      },
      options.everyMs ?? 5000,
    );
  }

  /**
   * The hosts alive now: those whose last heartbeat is at most three beats old (a host that was killed stays in
   * the list until then), this one first, then by name.
   */
  async live(): Promise<HostBeat[]> {
    const beats = await this.#redis.hgetall(this.#key);
    const since = Date.now() - 3 * this.#everyMs;
    return Object.values(beats)
      .map((json) => JSON.parse(json) as HostBeat)
      .filter((beat) => beat.host === this.self || beat.seenAt >= since)
      .sort((a, b) => (a.host === this.self ? -1 : b.host === this.self ? 1 : a.host.localeCompare(b.host)));
  }

  #write(): void {
    const beat: HostBeat = { ...this.#beat, seenAt: Date.now() };
    this.#redis.hset(this.#key, beat.host, JSON.stringify(beat)).catch(() => undefined);
  }

  /** Stop and remove this host from the list. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#redis.hdel(this.#key, this.#beat.host).catch(() => undefined);
    this.#redis.disconnect();
  }
}

/**
 * Read the hosts, the leases and Redis's version and persistence.
 * @throws TetherError `STORE` when Redis does not answer within `timeoutMs` (the message names the address).
 */
export async function readClusterStatus(
  url: string,
  options: {
    keyPrefix?: string;
    /** @defaultValue 3000 */
    timeoutMs?: number;
    /** The leases to report. @defaultValue serve's (`platforms`) and one per platform */
    leases?: readonly string[];
  } = {},
): Promise<ClusterStatus> {
  const prefix = options.keyPrefix ?? 'agent-tether:';
  const timeoutMs = options.timeoutMs ?? 3000;
  const Redis = await loadIoredis();
  const redis = new Redis(url, {
    ...clientOptions(),
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    lazyConnect: true,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const names = options.leases ?? ['platforms', 'telegram', 'slack', 'discord'];
    const [info, beats, values] = await Promise.all([
      redis.info(),
      redis.hgetall(hostsKey(prefix)),
      redis.mget(names.map((name) => `${prefix}lease:${name}`)),
    ]);
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
    return {
      version: field('redis_version'),
      appendOnly: field('aof_enabled') === '1',
      hosts: Object.values(beats)
        .map((json) => JSON.parse(json) as HostBeat)
        .sort((a, b) => b.seenAt - a.seenAt),
      leases: Object.fromEntries(
        names.flatMap((name, i): [string, LeaseHolder | undefined][] => {
          const value = values[i];
          // Only the leases someone holds, plus serve's (so "nobody holds it" shows).
          if (!value) return name === 'platforms' ? [[name, undefined]] : [];
          return [[name, JSON.parse(value) as LeaseHolder]];
        }),
      ),
    };
  } catch (error) {
    throw new TetherError(
      'STORE',
      `Redis at ${redactRedisUrl(url)} did not answer: is redis-server running there? (${(error as Error).message})`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}
