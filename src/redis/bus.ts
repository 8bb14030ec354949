/**
 * {@link RedisStreamBus}: topics as Redis Streams. `publish` is an XADD made idempotent by a message id (a
 * publish retried after a lost reply — ioredis re-sends unanswered commands after a reconnect — adds nothing);
 * `consume` reads in a consumer group (XREADGROUP), first replaying the entries this consumer was given but
 * never acknowledged (and, optionally, taking over those of a consumer that died: XAUTOCLAIM), then new ones;
 * `ack` is XACK. Delivery is at least once and in order per consumer; acknowledged entries never come back.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { clientOptions, loadIoredis } from './load.js';

/** One delivered message: its stream id (acknowledge it once handled) and payload. */
export interface StreamMessage<P> {
  readonly id: string;
  readonly payload: P;
}

/** Handles one message; the next is delivered after the returned promise settles. */
export type StreamHandler<P> = (message: StreamMessage<P>) => void | Promise<void>;

/** Options of {@link RedisStreamBus.connect}. */
export interface RedisStreamBusOptions {
  readonly url: string;
  /** This process's consumer name inside every group it joins — use the host name. */
  readonly consumer: string;
  /** @defaultValue `'agent-tether:'` */
  readonly keyPrefix?: string;
  /**
   * Entries kept per topic (approximate trim on publish). Entries trimmed before a consumer read them are lost,
   * so keep this well above what a consumer may lag behind.
   * @defaultValue 100000
   */
  readonly maxLength?: number;
  /**
   * How long a publish id is remembered for deduplication.
   * @defaultValue 86400 (one day)
   */
  readonly dedupeSeconds?: number;
  /**
   * After an acknowledgement, entries every group has acknowledged are trimmed (XTRIM MINID) at most this often:
   * a stream holds what some group still has to read or acknowledge. A group whose host never comes back holds
   * trimming back until `maxLength`.
   * @defaultValue 1000
   */
  readonly trimEveryMs?: number;
  readonly logger?: Logger;
}

/** Options of {@link RedisStreamBus.consume}. */
export interface ConsumeOptions {
  /**
   * Before reading, take over the unacknowledged entries other consumers of the group have held this long
   * (their host died): `0` takes them all at once — right when this host has just taken over the group's work
   * under a lease. Absent: never take over.
   */
  readonly claimIdleMs?: number;
  /**
   * Where a group created now starts: `beginning` delivers what was published before it existed, `new` only
   * what comes after.
   * @defaultValue 'beginning'
   */
  readonly startAt?: 'beginning' | 'new';
}

/** KEYS: dedupe key, stream. ARGV: ttl seconds, max length, payload. Returns the entry id (the first one's). */
const PUBLISH_ONCE = `
local seen = redis.call('GET', KEYS[1])
if seen then return seen end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'p', ARGV[3])
redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
return id
`;

/**
 * KEYS: stream. Trims the entries every group of the stream has been given and acknowledged: below the smallest,
 * over the groups, of the oldest unacknowledged entry (or, with none, the last delivered one).
 */
const TRIM_ACKED = `
local function before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local floor = nil
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local keep = info['last-delivered-id']
  if tonumber(info['pending']) > 0 then
    keep = redis.call('XPENDING', KEYS[1], info['name'], '-', '+', 1)[1][1]
  end
  if floor == nil or before(keep, floor) then floor = keep end
end
if floor == nil then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', floor)
`;

type Entry = [id: string, fields: string[] | null];

/**
 * A durable, acknowledged, replayable bus on Redis Streams.
 * @example
 * ```ts
 * const bus = await RedisStreamBus.connect<{ events: { text: string } }>({ url, consumer: 'laptop' });
 * const stop = bus.consume('events', 'hub', async (m) => { show(m.payload); await bus.ack('events', 'hub', m.id); });
 * await bus.publish('events', { text: 'hello' });
 * ```
 */
export class RedisStreamBus<Topics extends { [topic: string]: unknown }> {
  readonly #redis: Redis;
  readonly #options: Required<Omit<RedisStreamBusOptions, 'logger'>>;
  /** Entries trimmed after acknowledgements so far (for tests and status). */
  trimmed = 0;
  readonly #logger: Logger;
  readonly #loops = new Set<{ stop: () => void; done: Promise<void> }>();
  readonly #trims = new Map<string, NodeJS.Timeout>();
  #closed = false;

  private constructor(redis: Redis, options: RedisStreamBusOptions) {
    this.#redis = redis;
    this.#logger = options.logger ?? silentLogger;
    this.#options = {
      url: options.url,
      consumer: options.consumer,
      keyPrefix: options.keyPrefix ?? 'agent-tether:',
      maxLength: options.maxLength ?? 100_000,
      dedupeSeconds: options.dedupeSeconds ?? 86_400,
      trimEveryMs: options.trimEveryMs ?? 1000,
    };
    this.#redis.defineCommand('atPublishOnce', { numberOfKeys: 2, lua: PUBLISH_ONCE });
    this.#redis.defineCommand('atTrimAcked', { numberOfKeys: 1, lua: TRIM_ACKED });
  }

  /** Connect (ioredis is loaded now). */
  static async connect<T extends { [topic: string]: unknown }>(
    options: RedisStreamBusOptions,
  ): Promise<RedisStreamBus<T>> {
    const Redis = await loadIoredis();
    const redis = new Redis(options.url, clientOptions());
    redis.on('error', () => {});
    return new RedisStreamBus<T>(redis, options);
  }

  /** The stream key of a topic. */
  streamKey(topic: keyof Topics & string): string {
    return `${this.#options.keyPrefix}bus:${topic}`;
  }

  /**
   * Append a message. With the same `messageId` twice (a retry), the second publish adds nothing and returns
   * the first entry's id.
   */
  async publish<T extends keyof Topics & string>(
    topic: T,
    payload: Topics[T],
    options: { messageId?: string } = {},
  ): Promise<string> {
    const messageId = options.messageId ?? randomUUID();
    const run = (this.#redis as unknown as Record<string, (...args: string[]) => Promise<string>>)
      .atPublishOnce!;
    return run.call(
      this.#redis,
      `${this.#options.keyPrefix}bus:seen:${topic}:${messageId}`,
      this.streamKey(topic),
      String(this.#options.dedupeSeconds),
      String(this.#options.maxLength),
      JSON.stringify(payload),
    );
  }

  /**
   * Receive a topic's messages as this bus's consumer in `group`: unacknowledged ones first (replay after a
   * restart), then new ones, one at a time in stream order. A handler that throws leaves its message
   * unacknowledged (it is delivered again after a restart); the next message is still delivered.
   * @returns a function that stops consuming.
   */
  consume<T extends keyof Topics & string>(
    topic: T,
    group: string,
    handler: StreamHandler<Topics[T]>,
    options: ConsumeOptions = {},
  ): () => void {
    const reader = this.#redis.duplicate();
    reader.on('error', () => {});
    let stopped = false;
    const stop = () => {
      stopped = true;
      reader.disconnect();
    };
    const done = this.#loop(reader, topic, group, handler as StreamHandler<unknown>, options, () => stopped);
    const entry = { stop, done };
    this.#loops.add(entry);
    void done.finally(() => this.#loops.delete(entry));
    return stop;
  }

  /** Mark a message handled by `group`; what every group has handled is trimmed soon after. */
  async ack(topic: keyof Topics & string, group: string, id: string): Promise<void> {
    await this.#redis.xack(this.streamKey(topic), group, id);
    this.#scheduleTrim(this.streamKey(topic));
  }

  #scheduleTrim(stream: string): void {
    if (this.#closed || this.#trims.has(stream)) return;
    const timer = setTimeout(() => {
      const run = (this.#redis as unknown as Record<string, (key: string) => Promise<number>>).atTrimAcked!;
      run
        .call(this.#redis, stream)
        .then((count) => {
          this.trimmed += Number(count);
        })
        .catch((error: unknown) => this.#logger.warn({ err: error, stream }, 'trimming a stream failed'))
        .finally(() => this.#trims.delete(stream));
    }, this.#options.trimEveryMs);
    timer.unref();
    this.#trims.set(stream, timer);
  }

  /** Entries of a group delivered but not acknowledged (for status and tests). */
  async pending(topic: keyof Topics & string, group: string): Promise<number> {
    try {
      const summary = (await this.#redis.xpending(this.streamKey(topic), group)) as [number, ...unknown[]];
      return Number(summary[0]);
    } catch {
      return 0;
    }
  }

  /** Stop every consumer and close the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#trims.values()) clearTimeout(timer);
    this.#trims.clear();
    const loops = [...this.#loops];
    for (const loop of loops) loop.stop();
    await Promise.allSettled(loops.map((loop) => loop.done));
    this.#redis.disconnect();
  }

  async #ensureGroup(reader: Redis, stream: string, group: string, startAt: string): Promise<void> {
    try {
      await reader.xgroup('CREATE', stream, group, startAt === 'new' ? '$' : '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async #loop(
    reader: Redis,
    topic: string,
    group: string,
    handler: StreamHandler<unknown>,
    options: ConsumeOptions,
    stopped: () => boolean,
  ): Promise<void> {
    const stream = `${this.#options.keyPrefix}bus:${topic}`;
    const consumer = this.#options.consumer;
    const deliver = async (entries: Entry[]) => {
      for (const [id, fields] of entries) {
        if (stopped()) return;
        // A trimmed entry comes back without fields: nothing to deliver, only to acknowledge.
        const json = fields?.[1];
        if (json === undefined) {
          await reader.xack(stream, group, id);
          continue;
        }
        try {
          await handler({ id, payload: JSON.parse(json) });
        } catch (error) {
          this.#logger.warn(
            { err: error, topic, id },
            'a bus handler failed; the message stays unacknowledged',
          );
        }
      }
    };
    let needsSetup = true;
    while (!stopped()) {
      try {
        if (needsSetup) {
          await this.#ensureGroup(reader, stream, group, options.startAt ?? 'beginning');
          if (options.claimIdleMs !== undefined)
            await this.#claim(reader, stream, group, options.claimIdleMs);
          // Replay what this consumer was given but never acknowledged (it crashed or lost Redis meanwhile).
          await this.#readAll(reader, stream, group, '0', deliver, stopped);
          needsSetup = false;
        }
        const reply = (await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          100,
          'BLOCK',
          1000,
          'STREAMS',
          stream,
          '>',
        )) as [string, Entry[]][] | null;
        await deliver(reply?.[0]?.[1] ?? []);
      } catch (error) {
        if (stopped()) return;
        // NOGROUP: Redis lost its data (no persistence): create the group again and go on.
        if (String((error as Error).message).includes('NOGROUP')) needsSetup = true;
        this.#logger.warn({ err: error, topic }, 'reading the bus failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async #readAll(
    reader: Redis,
    stream: string,
    group: string,
    from: string,
    deliver: (entries: Entry[]) => Promise<void>,
    stopped: () => boolean,
  ): Promise<void> {
    let cursor = from;
    while (!stopped()) {
      const reply = (await reader.xreadgroup(
        'GROUP',
        group,
        this.#options.consumer,
        'COUNT',
        100,
        'STREAMS',
        stream,
        cursor,
      )) as [string, Entry[]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      await deliver(entries);
      cursor = entries[entries.length - 1]![0];
    }
  }

  async #claim(reader: Redis, stream: string, group: string, idleMs: number): Promise<void> {
    let cursor = '0-0';
    do {
      const reply = (await reader.xautoclaim(
        stream,
        group,
        this.#options.consumer,
        idleMs,
        cursor,
        'COUNT',
        100,
        'JUSTID',
      )) as [string, string[], ...unknown[]];
      cursor = reply[0];
    } while (cursor !== '0-0');
  }
}
