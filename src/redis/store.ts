/**
 * {@link RedisStore}: the {@link Store} of several hosts sharing one bot. Threads, pending approvals, timers,
 * pairings, bridge values and the audit log live in Redis; every conditional write is one Lua script, so
 * "resolve exactly once" holds across hosts. The Store interface is synchronous: calls block on a worker
 * thread that runs ioredis (see {@link SyncRedis}), one round trip each.
 * @module
 */
import type {
  AuditEntry,
  Store,
  StoredPairedUser,
  StoredPending,
  StoredThread,
  StoredTimer,
} from '../core/store/types.js';
import { STORE_SCRIPTS } from './store-scripts.js';
import { type RedisReply, SyncRedis } from './sync-redis.js';

/** A fencing token: writes succeed only while the lease's fence counter `key` still equals `token`. */
export interface FenceToken {
  readonly key: string;
  readonly token: string;
}

/** Options of {@link RedisStore.open}. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  readonly url: string;
  /**
   * Prefix of every key, so several bots (or tests) can share one Redis.
   * @defaultValue `'agent-tether:'`
   */
  readonly keyPrefix?: string;
  /**
   * When given, every write is fenced: it happens only if the returned token is still the lease's current one,
   * and otherwise throws a `STORE` error — a host that lost its lease cannot overwrite its successor's state.
   */
  readonly fence?: () => FenceToken;
  /**
   * How long one call waits for Redis (a restart included) before failing with a `STORE` error.
   * @defaultValue 10000
   */
  readonly callTimeoutMs?: number;
}

type Pairs = Map<string, string>;

function pairs(reply: RedisReply): Pairs {
  const map = new Map<string, string>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  return map;
}

function text(reply: RedisReply): string | undefined {
  return typeof reply === 'string' ? reply : undefined;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A request without its cards and decision, as kept in the `pending` hash. */
type PendingCore = Omit<StoredPending, 'cardJson' | 'decisionJson' | 'resolvedAt'>;
type Decision = { decisionJson: string; resolvedAt?: number };

/**
 * A {@link Store} in Redis, shared by every host of one bot.
 * @example
 * ```ts
 * const store = RedisStore.open({ url: 'redis://127.0.0.1:6379' });
 * const bridge = new TelegramBridge({ token, forumGroupId, store, handlers });
 * ```
 */
export class RedisStore implements Store {
  readonly #redis: SyncRedis;
  readonly #fence: (() => FenceToken) | undefined;
  readonly #k: ReturnType<typeof keys>;

  private constructor(redis: SyncRedis, prefix: string, fence: (() => FenceToken) | undefined) {
    this.#redis = redis;
    this.#fence = fence;
    this.#k = keys(prefix);
  }

  /**
   * Connect to Redis; blocks until it answers (like opening a database file).
   * @throws ConfigError when ioredis is not installed (`npm install ioredis`); TetherError `STORE` when Redis
   * cannot be reached.
   */
  static open(options: RedisStoreOptions): RedisStore {
    const redis = SyncRedis.open(options.url, {
      scripts: STORE_SCRIPTS,
      ...(options.callTimeoutMs !== undefined && { callTimeoutMs: options.callTimeoutMs }),
    });
    return new RedisStore(redis, options.keyPrefix ?? 'agent-tether:', options.fence);
  }

  // ------------------------------------------------------------------ threads

  putThread(thread: StoredThread): void {
    const k = this.#k;
    this.#write('atPutOrdered', [k.threads, k.threadSeqs, k.seq], [thread.threadId, JSON.stringify(thread)]);
  }

  getThread(threadId: string): StoredThread | undefined {
    const json = text(this.#redis.call('HGET', this.#k.threads, threadId));
    return json === undefined ? undefined : (JSON.parse(json) as StoredThread);
  }

  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined {
    return this.listThreads(platform).find((thread) => thread.platformRef === platformRef);
  }

  listThreads(platform?: string): StoredThread[] {
    const [records, seqs] = this.#multi(['HGETALL', this.#k.threads], ['HGETALL', this.#k.threadSeqs]);
    const order = pairs(seqs ?? null);
    return [...pairs(records ?? null)]
      .map(([id, json]) => ({ thread: JSON.parse(json) as StoredThread, seq: Number(order.get(id) ?? 0) }))
      .filter(({ thread }) => platform === undefined || thread.platform === platform)
      .sort((a, b) => a.thread.createdAt - b.thread.createdAt || a.seq - b.seq)
      .map(({ thread }) => thread);
  }

  /** Removes the thread with its pending requests and timers. Audit entries stay. */
  deleteThread(threadId: string): void {
    const k = this.#k;
    this.#write(
      'atDeleteThread',
      [k.threads, k.threadSeqs, k.pending, k.pendingSeqs, k.cards, k.decisions, k.timers],
      [threadId],
    );
  }

  // ------------------------------------------------------------------ pending requests

  /** Adds or replaces a request. Replacing never reopens a resolved request: its decision stays. */
  putPending(pending: StoredPending): void {
    const { cardJson, decisionJson, resolvedAt, ...core } = pending;
    const decision: Decision | undefined =
      decisionJson === undefined
        ? undefined
        : { decisionJson, ...(resolvedAt !== undefined && { resolvedAt }) };
    const k = this.#k;
    this.#write(
      'atPutPending',
      [k.pending, k.pendingSeqs, k.seq, k.cards, k.decisions],
      [pending.requestId, JSON.stringify(core), cardJson, decision ? JSON.stringify(decision) : ''],
    );
  }

  getPending(requestId: string): StoredPending | undefined {
    const k = this.#k;
    const [core, cards, decision] = this.#multi(
      ['HGET', k.pending, requestId],
      ['HGET', k.cards, requestId],
      ['HGET', k.decisions, requestId],
    );
    const json = text(core ?? null);
    if (json === undefined) return undefined;
    return assemble(json, text(cards ?? null) ?? '[]', text(decision ?? null));
  }

  listPending(threadId?: string): StoredPending[] {
    const k = this.#k;
    const [cores, seqs, cards, resolved] = this.#multi(
      ['HGETALL', k.pending],
      ['HGETALL', k.pendingSeqs],
      ['HGETALL', k.cards],
      ['HKEYS', k.decisions],
    );
    const done = new Set(Array.isArray(resolved) ? resolved.map(String) : []);
    const order = pairs(seqs ?? null);
    const cardsOf = pairs(cards ?? null);
    return [...pairs(cores ?? null)]
      .filter(([id]) => !done.has(id))
      .map(([id, json]) => ({
        pending: assemble(json, cardsOf.get(id) ?? '[]'),
        seq: Number(order.get(id) ?? 0),
      }))
      .filter(({ pending }) => threadId === undefined || pending.threadId === threadId)
      .sort((a, b) => a.pending.createdAt - b.pending.createdAt || a.seq - b.seq)
      .map(({ pending }) => pending);
  }

  updatePendingCards(requestId: string, cardJson: string): void {
    this.#write('atUpdateCards', [this.#k.pending, this.#k.cards], [requestId, cardJson]);
  }

  /** The exactly-once gate, atomic across every host sharing this Redis. */
  resolvePending(requestId: string, decisionJson: string, at: number): boolean {
    const decision: Decision = { decisionJson, resolvedAt: at };
    const k = this.#k;
    return (
      this.#write('atResolvePending', [k.pending, k.decisions], [requestId, JSON.stringify(decision)]) === 1
    );
  }

  // ------------------------------------------------------------------ timers

  putTimer(timer: StoredTimer): void {
    const field = JSON.stringify([timer.threadId, timer.scope, timer.key]);
    this.#write('atFencedCall', [this.#k.timers], ['HSET', field, String(timer.expiresAt)]);
  }

  /** Timers sorted by thread id, scope and key. */
  listTimers(threadId?: string): StoredTimer[] {
    return [...pairs(this.#redis.call('HGETALL', this.#k.timers))]
      .map(([field, expiresAt]) => {
        const [id, scope, key] = JSON.parse(field) as [string, StoredTimer['scope'], string];
        return { threadId: id, scope, key, expiresAt: Number(expiresAt) };
      })
      .filter((timer) => threadId === undefined || timer.threadId === threadId)
      .sort(
        (a, b) =>
          compareText(a.threadId, b.threadId) || compareText(a.scope, b.scope) || compareText(a.key, b.key),
      );
  }

  deleteTimers(threadId: string, scope?: StoredTimer['scope'], key?: string): void {
    const hasKey = scope !== undefined && key !== undefined ? '1' : '0';
    this.#write('atDeleteTimers', [this.#k.timers], [threadId, scope ?? '', hasKey, key ?? '']);
  }

  // ------------------------------------------------------------------ pairing

  putPairedUser(user: StoredPairedUser): void {
    const field = JSON.stringify([user.platform, user.userId]);
    this.#write('atFencedCall', [this.#k.paired], ['HSET', field, JSON.stringify(user)]);
  }

  /** Paired users of a platform, oldest pairing first. */
  listPairedUsers(platform: string): StoredPairedUser[] {
    return [...pairs(this.#redis.call('HGETALL', this.#k.paired)).values()]
      .map((json) => JSON.parse(json) as StoredPairedUser)
      .filter((user) => user.platform === platform)
      .sort((a, b) => a.pairedAt - b.pairedAt || compareText(a.userId, b.userId));
  }

  deletePairedUser(platform: string, userId: string): void {
    this.#write('atFencedCall', [this.#k.paired], ['HDEL', JSON.stringify([platform, userId])]);
  }

  // ------------------------------------------------------------------ values

  getValue(key: string): string | undefined {
    return text(this.#redis.call('HGET', this.#k.values, key));
  }

  setValue(key: string, value: string): void {
    this.#write('atFencedCall', [this.#k.values], ['HSET', key, value]);
  }

  deleteValue(key: string): void {
    this.#write('atFencedCall', [this.#k.values], ['HDEL', key]);
  }

  // ------------------------------------------------------------------ audit

  audit(entry: AuditEntry): void {
    this.#write('atFencedCall', [this.#k.audit], ['RPUSH', JSON.stringify(entry)]);
  }

  /** Audit entries in the order they were written; with `limit`, the newest `limit` of them. */
  listAudit(filter: { threadId?: string; requestId?: string; limit?: number } = {}): AuditEntry[] {
    const limit =
      filter.limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(filter.limit));
    if (limit === 0) {
      this.#redis.call('PING');
      return [];
    }
    const unfiltered = filter.threadId === undefined && filter.requestId === undefined;
    const from = unfiltered && Number.isFinite(limit) ? String(-limit) : '0';
    const reply = this.#redis.call('LRANGE', this.#k.audit, from, '-1');
    const matches = (Array.isArray(reply) ? reply : [])
      .map((json) => JSON.parse(String(json)) as AuditEntry)
      .filter(
        (entry) =>
          (filter.threadId === undefined || entry.threadId === filter.threadId) &&
          (filter.requestId === undefined || entry.requestId === filter.requestId),
      );
    return Number.isFinite(limit) ? matches.slice(Math.max(0, matches.length - limit)) : matches;
  }

  /** Close the connection and its worker. Idempotent; any later call throws a `STORE` error. */
  close(): void {
    this.#redis.close();
  }

  // ------------------------------------------------------------------ internals

  #write(script: keyof typeof STORE_SCRIPTS, keys: string[], args: string[]): RedisReply {
    const fence = this.#fence?.();
    return this.#redis.script(script, fence?.key ?? this.#k.noFence, ...keys, fence?.token ?? '', ...args);
  }

  #multi(...commands: string[][]): RedisReply[] {
    return this.#redis.multi(commands);
  }
}

function keys(prefix: string) {
  return {
    noFence: `${prefix}fence:none`,
    seq: `${prefix}seq`,
    threads: `${prefix}threads`,
    threadSeqs: `${prefix}threads:seq`,
    pending: `${prefix}pending`,
    pendingSeqs: `${prefix}pending:seq`,
    cards: `${prefix}pending:cards`,
    decisions: `${prefix}pending:decisions`,
    timers: `${prefix}timers`,
    paired: `${prefix}paired`,
    values: `${prefix}values`,
    audit: `${prefix}audit`,
  };
}

function assemble(coreJson: string, cardJson: string, decisionJson?: string): StoredPending {
  const core = JSON.parse(coreJson) as PendingCore;
  const decision = decisionJson === undefined ? undefined : (JSON.parse(decisionJson) as Decision);
  return {
    ...core,
    cardJson,
    ...(decision && { decisionJson: decision.decisionJson }),
    ...(decision?.resolvedAt !== undefined && { resolvedAt: decision.resolvedAt }),
  };
}
