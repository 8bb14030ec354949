// Over 400 lines: one Store over Redis, one short method per Store call; its Lua scripts are in store-scripts.ts, the blocking connection in sync-redis.ts.
/**
 * {@link RedisStore}: the {@link Store} of several hosts sharing one bot. Threads, pending approvals, timers,
 * pairings, bridge values and the audit log live in Redis; every conditional write is one Lua script, so
 * "resolve exactly once" holds across hosts. The Store interface is synchronous: calls block on a worker
 * thread that runs ioredis (see {@link SyncRedis}), one round trip each.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { PAYLOAD_CODEC_SECRET_KEY } from '../core/approvals/codec.js';
import type {
  AuditEntry,
  Store,
  StoredPairedUser,
  StoredPending,
  StoredRule,
  StoredThread,
  StoredTimer,
} from '../core/store/types.js';
import { STORE_SCRIPTS, storeKeys } from './store-scripts.js';
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
   * How long one call (and the first connection) waits for Redis, a restart included, before failing with a
   * `STORE` error.
   * @defaultValue 10000
   */
  readonly callTimeoutMs?: number;
  /**
   * Resolved requests kept (oldest resolution forgotten first; a tap on a card that old is answered harmlessly).
   * @defaultValue 10000
   */
  readonly retainResolved?: number;
  /**
   * Audit entries kept (the oldest are trimmed on each write).
   * @defaultValue 100000
   */
  readonly retainAudit?: number;
}

/** What {@link RedisStore} keeps by default, so Redis's memory stays bounded however long the bot runs. */
export const REDIS_STORE_DEFAULTS = { retainResolved: 10_000, retainAudit: 100_000 } as const;

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
  readonly #k: ReturnType<typeof storeKeys>;
  readonly #prefix: string;
  readonly #retainResolved: string;
  readonly #retainAudit: string;

  private constructor(redis: SyncRedis, options: RedisStoreOptions) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'agent-tether:';
    this.#fence = options.fence;
    this.#k = storeKeys(this.#prefix);
    const keep = (value: number | undefined, fallback: number, min: number) =>
      String(Math.max(min, Math.floor(value ?? fallback)));
    this.#retainResolved = keep(options.retainResolved, REDIS_STORE_DEFAULTS.retainResolved, 0);
    this.#retainAudit = keep(options.retainAudit, REDIS_STORE_DEFAULTS.retainAudit, 1);
  }

  /**
   * Connect to Redis; blocks until it answers (like opening a database file).
   * @throws ConfigError when ioredis is not installed (`npm install ioredis`); TetherError `STORE` when Redis
   * cannot be reached.
   */
  /**
   * Connect to Redis without blocking the event loop while the connection starts (use this in a running daemon).
   * @throws like {@link RedisStore.open}.
   */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const redis = await SyncRedis.connect(options.url, RedisStore.#clientOptions(options));
    return new RedisStore(redis, options).#prepared();
  }

  /**
   * A fenced store cannot write before its host holds the lease, but bridges read (and, the first time, make) the
   * payload secret when they are constructed: make it now, once across hosts, unfenced.
   */
  #prepared(): this {
    if (this.#fence) this.initValue(PAYLOAD_CODEC_SECRET_KEY, randomUUID() + randomUUID());
    return this;
  }

  static #clientOptions(options: RedisStoreOptions) {
    return {
      scripts: STORE_SCRIPTS,
      ...(options.callTimeoutMs !== undefined && {
        callTimeoutMs: options.callTimeoutMs,
        connectTimeoutMs: options.callTimeoutMs,
      }),
    };
  }

  static open(options: RedisStoreOptions): RedisStore {
    const redis = SyncRedis.open(options.url, RedisStore.#clientOptions(options));
    return new RedisStore(redis, options).#prepared();
  }

  // ------------------------------------------------------------------ threads

  putThread(thread: StoredThread): void {
    const k = this.#k;
    this.#write(
      'atPutThread',
      [k.threads, k.threadSeqs, k.seq],
      [
        thread.threadId,
        JSON.stringify(thread),
        this.#prefix,
        thread.platform,
        thread.name,
        thread.platformRef,
      ],
    );
  }

  getThread(threadId: string): StoredThread | undefined {
    const json = text(this.#redis.call('HGET', this.#k.threads, threadId));
    return json === undefined ? undefined : (JSON.parse(json) as StoredThread);
  }

  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined {
    return this.#findThread('ref', platform, platformRef);
  }

  /** An index lookup (a set per platform and name), never a scan of every thread. */
  findThreadByName(platform: string, name: string): StoredThread | undefined {
    return this.#findThread('name', platform, name);
  }

  #findThread(kind: 'name' | 'ref', platform: string, value: string): StoredThread | undefined {
    const reply = this.#redis.script(
      'atFindThreads',
      this.#k.threads,
      this.#k.threadSeqs,
      this.#prefix,
      kind,
      platform,
      value,
    );
    let found: { thread: StoredThread; seq: number } | undefined;
    const flat = Array.isArray(reply) ? reply : [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const candidate = { thread: JSON.parse(String(flat[i])) as StoredThread, seq: Number(flat[i + 1]) };
      if (
        found === undefined ||
        candidate.thread.createdAt < found.thread.createdAt ||
        (candidate.thread.createdAt === found.thread.createdAt && candidate.seq < found.seq)
      )
        found = candidate;
    }
    return found?.thread;
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
      [threadId, this.#prefix],
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
      [
        pending.requestId,
        JSON.stringify(core),
        cardJson,
        decision ? JSON.stringify(decision) : '',
        pending.threadId,
        this.#prefix,
        this.#retainResolved,
      ],
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

  /** Reads the index of open requests: the cost follows the open requests, not the history. */
  listPending(threadId?: string): StoredPending[] {
    const k = this.#k;
    const reply = this.#redis.script(
      'atListOpen',
      k.pending,
      k.pendingSeqs,
      k.cards,
      this.#prefix,
      threadId ?? '',
    );
    const flat = Array.isArray(reply) ? reply : [];
    const open: { pending: StoredPending; seq: number }[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      open.push({ pending: assemble(String(flat[i]), String(flat[i + 2])), seq: Number(flat[i + 1]) });
    }
    return open
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
      this.#write(
        'atResolvePending',
        [k.pending, k.decisions],
        [requestId, JSON.stringify(decision), this.#prefix, this.#retainResolved],
      ) === 1
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

  // ------------------------------------------------------------------ rules

  putRule(rule: StoredRule): void {
    const k = this.#k;
    this.#write('atPutOrdered', [k.rules, k.ruleSeqs, k.seq], [rule.ruleId, JSON.stringify(rule)]);
  }

  /** Every rule, oldest first (creation time, then insertion order). */
  listRules(): StoredRule[] {
    const [records, seqs] = this.#multi(['HGETALL', this.#k.rules], ['HGETALL', this.#k.ruleSeqs]);
    const order = pairs(seqs ?? null);
    return [...pairs(records ?? null)]
      .map(([id, json]) => ({ rule: JSON.parse(json) as StoredRule, seq: Number(order.get(id) ?? 0) }))
      .sort((a, b) => a.rule.createdAt - b.rule.createdAt || a.seq - b.seq)
      .map(({ rule }) => rule);
  }

  deleteRule(ruleId: string): boolean {
    const removed = this.#write('atFencedCall', [this.#k.rules], ['HDEL', ruleId]) === 1;
    if (removed) this.#write('atFencedCall', [this.#k.ruleSeqs], ['HDEL', ruleId]);
    return removed;
  }

  // ------------------------------------------------------------------ values

  getValue(key: string): string | undefined {
    return text(this.#redis.call('HGET', this.#k.values, key));
  }

  setValue(key: string, value: string): void {
    this.#write('atFencedCall', [this.#k.values], ['HSET', key, value]);
  }

  /**
   * Set a value only if it has none yet, without the fence (a value every host needs before any holds the lease,
   * such as the payload secret). @returns whether this call set it.
   */
  initValue(key: string, value: string): boolean {
    return this.#redis.call('HSETNX', this.#k.values, key, value) === 1;
  }

  deleteValue(key: string): void {
    this.#write('atFencedCall', [this.#k.values], ['HDEL', key]);
  }

  // ------------------------------------------------------------------ audit

  audit(entry: AuditEntry): void {
    this.#write('atAudit', [this.#k.audit], [JSON.stringify(entry), this.#retainAudit]);
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
