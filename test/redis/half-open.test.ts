/**
 * A half-open connection to Redis: the network silently drops the packets of the established connections (a Wi-Fi
 * change, an expired NAT entry, a moved VM) while new connections work. Nothing closes the socket, so a client
 * waits for an answer until the kernel gives up (about 15 minutes). The lease, the store and the bus must notice
 * the silence, reconnect, and carry on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamBus } from '../../src/redis/bus.js';
import { RedisLease } from '../../src/redis/lease.js';
import { RedisStore } from '../../src/redis/store.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The proxy's program: it forwards 127.0.0.1:<port 0> to Redis, prints its port, and on `drop` (a line on stdin)
 * silences the connections open now — nothing passes either way, a close neither — and answers `dropped`.
 */
const PROXY_SOURCE = `
const net = require('node:net');
const links = [];
const server = net.createServer((client) => {
  const upstream = net.connect(Number(process.argv[1]), '127.0.0.1');
  const link = { dead: false };
  links.push(link);
  client.on('data', (d) => { if (!link.dead) upstream.write(d); });
  upstream.on('data', (d) => { if (!link.dead) client.write(d); });
  client.on('end', () => { if (!link.dead) upstream.end(); });
  upstream.on('end', () => { if (!link.dead) client.end(); });
  client.on('error', () => {});
  upstream.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('data', () => {
  for (const link of links) link.dead = true;
  console.log('dropped');
});
`;

/**
 * A TCP proxy to Redis standing for the network, in its own process (a store call blocks this thread while it
 * waits). `drop()` makes the connections open now half-open; new connections work.
 */
class SilentProxy {
  readonly #child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly url: string;

  private constructor(child: ChildProcess, lines: AsyncIterator<string>, port: string) {
    this.#child = child;
    this.#lines = lines;
    this.url = `redis://127.0.0.1:${port}`;
  }

  static async start(redisPort: number): Promise<SilentProxy> {
    const child = spawn(process.execPath, ['-e', PROXY_SOURCE, String(redisPort)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const port = (await lines.next()).value as string;
    return new SilentProxy(child, lines, port);
  }

  async drop(): Promise<void> {
    this.#child.stdin!.write('drop\n');
    await this.#lines.next();
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill();
    await exited;
  }
}

describe.skipIf(!available)('a half-open connection to Redis', () => {
  const server = new RedisServerProcess();
  let direct: Redis;
  beforeAll(async () => {
    await server.start();
    direct = new Redis(server.url);
  });
  afterAll(async () => {
    direct.disconnect();
    await server.dispose();
  });

  it('the lease holder notices, reconnects and keeps (or takes back) the lease', async () => {
    const proxy = await SilentProxy.start(server.port);
    const prefix = 'halfopen-lease:';
    const lease = await RedisLease.connect({
      url: proxy.url,
      name: 'platforms',
      host: 'laptop',
      keyPrefix: prefix,
      ttlMs: 1000,
    });
    const log: string[] = [];
    lease.hold({
      onAcquired: (held) => {
        log.push(`acquired #${held.token}`);
      },
      onLost: (reason) => {
        log.push(`lost (${reason})`);
      },
    });
    await until(() => lease.held !== undefined, 'the lease to be held');
    await proxy.drop();
    // Several TTLs: a holder that stopped renewing has lost the key in Redis by now.
    await new Promise((r) => setTimeout(r, 3000));
    const holdsInRedis = async () => {
      const value = await direct.get(`${prefix}lease:platforms`);
      return value !== null && (JSON.parse(value) as { instance: string }).instance === lease.instance;
    };
    await until(
      async () => lease.held !== undefined && (await holdsInRedis()),
      `the laptop to hold the lease again (${log.join(', ')})`,
    );
    await lease.close();
    expect(await direct.get(`${prefix}lease:platforms`)).toBeNull();
    await proxy.close();
  });

  it('a store call fails once (after callTimeoutMs), then the store works on a new connection', async () => {
    const proxy = await SilentProxy.start(server.port);
    const store = await RedisStore.connect({
      url: proxy.url,
      keyPrefix: 'halfopen-store:',
      callTimeoutMs: 2000,
    });
    store.setValue('telegram.offset', '42');
    await proxy.drop();
    let failures = 0;
    await until(() => {
      try {
        return store.getValue('telegram.offset') === '42';
      } catch {
        failures++;
        return false;
      }
    }, 'a store call to succeed again');
    expect(failures).toBeGreaterThan(0);
    store.close();
    await proxy.close();
  });

  it('a publish on the bus goes through on a new connection', async () => {
    const proxy = await SilentProxy.start(server.port);
    const bus = await RedisStreamBus.connect<{ events: { n: number } }>({
      url: proxy.url,
      consumer: 'laptop',
      keyPrefix: 'halfopen-bus:',
    });
    await bus.publish('events', { n: 1 });
    await proxy.drop();
    let published = false;
    void bus.publish('events', { n: 2 }).then(() => {
      published = true;
    });
    await until(() => published, 'the second publish to go through');
    expect(await direct.xlen('halfopen-bus:bus:events')).toBe(2);
    await bus.close();
    await proxy.close();
  });
});
