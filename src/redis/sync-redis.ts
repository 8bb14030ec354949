/**
 * {@link SyncRedis}: blocking Redis calls for the synchronous {@link Store} interface. ioredis runs in a
 * worker thread; the calling thread posts a request and sleeps on `Atomics.wait` until the worker answers,
 * then takes the answer with `receiveMessageOnPort`. One call costs one round trip to Redis; while Redis
 * restarts, a call waits (up to `callTimeoutMs`) for the reconnect instead of failing.
 * @module
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { TetherError } from '../core/errors.js';
import { redactRedisUrl, resolveIoredis } from './load.js';

/** A Lua script the worker registers once (ioredis sends EVALSHA and reloads it after a Redis restart). */
export interface LuaScript {
  readonly lua: string;
  readonly keys: number;
}

/** A value Redis returns. */
export type RedisReply = string | number | null | RedisReply[];

type Request =
  | { id: number; op: 'call'; args: string[] }
  | { id: number; op: 'script'; name: string; args: string[] }
  | { id: number; op: 'multi'; commands: string[][] };

/** A request as posted to the worker: with how long the caller waits for it. */
type Posted = Request & { timeoutMs: number };

/** `Atomics.waitAsync` (Node 16+; typed in lib ES2024, newer than this project's lib). */
type AtomicsWaitAsync = {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
    timeoutMs: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
};

type Reply = { id: number; ok: true; value: RedisReply } | { id: number; ok: false; error: string };

// CommonJS, evaluated by the worker: it must run under plain Node (tests run TypeScript only in the main thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Redis } = require(workerData.ioredisPath);
const { url, port, signal, scripts } = workerData;
const connect = () => {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  for (const [name, s] of Object.entries(scripts)) redis.defineCommand(name, { lua: s.lua, numberOfKeys: s.keys });
  redis.on('error', () => {});
  return redis;
};
let redis = connect();
const answer = (reply) => {
  port.postMessage(reply);
  Atomics.store(signal, 0, reply.id);
  Atomics.notify(signal, 0);
};
parentPort.on('message', async (request) => {
  // No answer while the caller waits: the connection may be half-open (packets dropped, nothing closed) and
  // would hang until the kernel gives up. Drop it for a new one; dropping fails what it still holds, and none of
  // that is sent later (ioredis's own reconnect would resend it: a write the caller was told had failed).
  const client = redis;
  const timer = setTimeout(() => {
    if (redis !== client) return;
    redis = connect();
    client.disconnect();
  }, request.timeoutMs);
  try {
    let value;
    if (request.op === 'call') value = await client.call(...request.args);
    else if (request.op === 'script') value = await client[request.name](...request.args);
    else {
      const multi = client.multi();
      for (const command of request.commands) multi.call(...command);
      const results = await multi.exec();
      const failed = (results || []).find(([error]) => error);
      if (failed) throw failed[0];
      value = (results || []).map(([, v]) => v);
    }
    answer({ id: request.id, ok: true, value });
  } catch (error) {
    answer({ id: request.id, ok: false, error: String(error && error.message ? error.message : error) });
  } finally {
    clearTimeout(timer);
  }
});
`;

/** Options of {@link SyncRedis.open}. */
export interface SyncRedisOptions {
  /** Scripts callable by name with {@link SyncRedis.script}. */
  readonly scripts?: Readonly<Record<string, LuaScript>>;
  /**
   * How long one call waits for Redis (including a reconnect) before it fails with a `STORE` error.
   * @defaultValue 10000
   */
  readonly callTimeoutMs?: number;
  /**
   * How long {@link SyncRedis.open} waits for the first connection.
   * @defaultValue 10000
   */
  readonly connectTimeoutMs?: number;
}

/** A blocking Redis client. Create it with {@link SyncRedis.open}. */
export class SyncRedis {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #where: string;
  readonly #timeoutMs: number;
  #next = 0;
  #closed = false;

  private constructor(
    worker: Worker,
    port: MessagePort,
    signal: Int32Array,
    where: string,
    timeoutMs: number,
  ) {
    this.#worker = worker;
    this.#port = port;
    this.#signal = signal;
    this.#where = where;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Start the worker and wait (blocking) until Redis answers a PING.
   * @throws ConfigError when ioredis is not installed; TetherError `STORE` when Redis cannot be reached.
   */
  static open(url: string, options: SyncRedisOptions = {}): SyncRedis {
    const client = SyncRedis.#spawn(url, options);
    try {
      client.#request({ id: 0, op: 'call', args: ['PING'] }, options.connectTimeoutMs ?? 10_000);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /**
   * Like {@link SyncRedis.open}, but waits for the first answer without blocking the event loop (the worker
   * takes a moment to start: a daemon's timers, e.g. lease renewals, keep running meanwhile).
   */
  static async connect(url: string, options: SyncRedisOptions = {}): Promise<SyncRedis> {
    const client = SyncRedis.#spawn(url, options);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    Atomics.store(client.#signal, 0, 0);
    client.#worker.postMessage({ id: -1, op: 'call', args: ['PING'], timeoutMs } satisfies Posted);
    const result = (Atomics as unknown as AtomicsWaitAsync).waitAsync(client.#signal, 0, 0, timeoutMs);
    const outcome = result.async ? await result.value : result.value;
    if (outcome === 'timed-out') {
      client.close();
      throw new TetherError(
        'STORE',
        `Redis at ${client.#where} did not answer in ${timeoutMs} ms: is redis-server running there?`,
      );
    }
    try {
      // The answer is there now: take it (or its error) the usual way.
      client.#request({ id: 0, op: 'call', args: ['PING'] }, timeoutMs);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  static #spawn(url: string, options: SyncRedisOptions): SyncRedis {
    const ioredisPath = resolveIoredis();
    const where = redactRedisUrl(url);
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ioredisPath, url, port: port2, signal, scripts: options.scripts ?? {} },
      transferList: [port2],
    });
    worker.unref();
    // A worker that fails to start shows up as a PING that times out; its error is not worth a crash.
    worker.on('error', () => {});
    return new SyncRedis(worker, port1, signal, where, options.callTimeoutMs ?? 10_000);
  }

  /** Run one command, e.g. `call('HGET', key, field)`. */
  call(...args: string[]): RedisReply {
    return this.#request({ id: 0, op: 'call', args });
  }

  /** Run a registered script with its keys first, then its arguments. */
  script(name: string, ...args: string[]): RedisReply {
    return this.#request({ id: 0, op: 'script', name, args });
  }

  /** Run commands in one MULTI/EXEC transaction; returns their replies. */
  multi(commands: string[][]): RedisReply[] {
    return this.#request({ id: 0, op: 'multi', commands }) as RedisReply[];
  }

  /** Stop the worker (closing its connection). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.close();
    void this.#worker.terminate();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #request(request: Request, timeoutMs = this.#timeoutMs): RedisReply {
    if (this.#closed)
      throw new TetherError('STORE', 'The Redis store is closed. Fix: connect a new RedisStore.');
    const id = ++this.#next;
    Atomics.store(this.#signal, 0, 0);
    this.#worker.postMessage({ ...request, id, timeoutMs } satisfies Posted);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // An answer to an earlier call that timed out may still arrive: skip it.
      for (
        let message = receiveMessageOnPort(this.#port);
        message;
        message = receiveMessageOnPort(this.#port)
      ) {
        const reply = message.message as Reply;
        if (reply.id !== id) continue;
        if (reply.ok) return reply.value;
        throw new TetherError('STORE', `Redis at ${this.#where} refused the call: ${reply.error}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TetherError(
          'STORE',
          `Redis at ${this.#where} did not answer in ${timeoutMs} ms: is redis-server running there?`,
        );
      }
      Atomics.wait(this.#signal, 0, 0, left);
      Atomics.store(this.#signal, 0, 0);
    }
  }
}
