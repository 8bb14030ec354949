/**
 * RedisStore against a real redis-server: the Store contract suite, unchanged, plus what only a shared store
 * must do — two hosts racing to settle one request, a Redis restart, fencing.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../src/core/store/store-contract.test-suite.js';
import type { Store } from '../../src/core/store/types.js';
import { RedisStore } from '../../src/redis/store.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!available)('RedisStore', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());

  let counter = 0;
  const prefixes = new WeakMap<Store, string>();
  const open = (prefix: string): RedisStore => {
    const store = RedisStore.open({ url: server.url, keyPrefix: prefix });
    prefixes.set(store, prefix);
    return store;
  };

  describeStoreContract('RedisStore', () => open(`contract${++counter}:`), {
    reopen: (store) => {
      const prefix = prefixes.get(store)!;
      store.close();
      return open(prefix);
    },
  });
});

describe.skipIf(!available)('RedisStore shared by several hosts', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());

  const pending = (requestId: string) => ({
    requestId,
    threadId: 't1',
    platform: 'telegram',
    kind: 'approval' as const,
    requestJson: JSON.stringify({ requestId, toolName: 'Bash', input: { command: 'npm publish' } }),
    cardJson: '[]',
    createdAt: 1,
  });

  it('two hosts racing to settle the same requests: each request gets exactly one decision', async () => {
    const count = 300;
    const setup = RedisStore.open({ url: server.url, keyPrefix: 'race:' });
    for (let i = 0; i < count; i++) setup.putPending(pending(`r${i}`));
    const hosts = ['laptop', 'desktop'].map((name) => raceHost(server.url, 'race:', name, count));
    await Promise.all(hosts.map((h) => h.ready));
    const go = new Redis(server.url);
    await go.multi().rpush('race:go:laptop', '1').rpush('race:go:desktop', '1').exec();
    go.disconnect();
    const [laptop, desktop] = await Promise.all(hosts.map((h) => h.result));

    const winners = new Map<string, string>();
    for (const id of laptop!) winners.set(id, 'laptop');
    for (const id of desktop!) {
      expect(winners.has(id), `${id} was won by both hosts`).toBe(false);
      winners.set(id, 'desktop');
    }
    expect(winners.size).toBe(count);
    // What the store says agrees with who won, for every request.
    for (const [id, host] of winners) {
      expect(JSON.parse(setup.getPending(id)!.decisionJson!).by.user.id).toBe(host);
    }
    expect(setup.listPending()).toEqual([]);
    setup.close();
  }, 120_000);

  it('a Redis restart loses nothing and the store reconnects by itself', async () => {
    const store = RedisStore.open({ url: server.url, keyPrefix: 'restart:' });
    store.putPending(pending('before'));
    store.setValue('telegram.offset', '41');
    await server.restart();
    // The first call after the restart waits for the reconnect instead of failing.
    expect(store.resolvePending('before', '{"behavior":"deny","by":"x"}', 5)).toBe(true);
    expect(store.getValue('telegram.offset')).toBe('41');
    expect(store.resolvePending('before', '{"behavior":"allow"}', 6)).toBe(false);
    store.close();
  });

  it('keeps Redis bounded: the oldest resolved requests and audit entries are forgotten past the limits', async () => {
    const store = RedisStore.open({
      url: server.url,
      keyPrefix: 'retain:',
      retainResolved: 3,
      retainAudit: 4,
    });
    for (let i = 1; i <= 6; i++) store.putPending(pending(`r${i}`));
    for (let i = 1; i <= 5; i++) expect(store.resolvePending(`r${i}`, '{"behavior":"deny"}', i)).toBe(true);
    // A request put with its decision counts as resolved too.
    store.putPending({ ...pending('r7'), decisionJson: '{"behavior":"allow"}', resolvedAt: 7 });
    expect(['r1', 'r2', 'r3'].map((id) => store.getPending(id))).toEqual([undefined, undefined, undefined]);
    expect(['r4', 'r5', 'r7'].map((id) => store.getPending(id)?.decisionJson !== undefined)).toEqual([
      true,
      true,
      true,
    ]);
    expect(store.listPending().map((p) => p.requestId)).toEqual(['r6']);
    // A forgotten request stays settled: a late answer to it wins nothing.
    expect(store.resolvePending('r1', '{"behavior":"allow"}', 9)).toBe(false);
    for (let i = 1; i <= 6; i++)
      store.audit({ at: i, platform: 'telegram', action: 'approve', detail: `entry ${i}` });
    expect(store.listAudit().map((e) => e.detail)).toEqual(['entry 3', 'entry 4', 'entry 5', 'entry 6']);
    const redis = new Redis(server.url);
    expect(await redis.hlen('retain:pending')).toBe(4);
    expect(await redis.hlen('retain:pending:cards')).toBe(4);
    expect(await redis.scard('retain:pending:thread:t1')).toBe(4);
    expect(await redis.llen('retain:audit')).toBe(4);
    redis.disconnect();
    store.close();
  });

  it("a fenced store writes only while its token is the lease's current one; reads always work", async () => {
    const redis = new Redis(server.url);
    const key = 'fence:lease:telegram:fence';
    const holder = RedisStore.open({
      url: server.url,
      keyPrefix: 'fence:',
      fence: () => ({ key, token: '7' }),
    });
    // Nobody has acquired the lease yet: no write.
    expect(() => holder.setValue('telegram.offset', '1')).toThrow(/no longer holds the lease/);
    await redis.set(key, '7');
    holder.setValue('telegram.offset', '1');
    holder.putPending(pending('p1'));
    // Another host takes the lease over: the counter moves on, and this host's writes are refused.
    await redis.incr(key);
    expect(() => holder.setValue('telegram.offset', '2')).toThrow(
      expect.objectContaining({ code: 'STORE', message: expect.stringMatching(/no longer holds the lease/) }),
    );
    expect(() => holder.resolvePending('p1', '{"behavior":"allow"}', 1)).toThrow(/no longer holds the lease/);
    expect(() => holder.deleteThread('t1')).toThrow(/no longer holds the lease/);
    expect(holder.getValue('telegram.offset')).toBe('1');
    expect(holder.getPending('p1')?.decisionJson).toBeUndefined();
    holder.close();
    redis.disconnect();
  });
});

describe('RedisStore without a reachable Redis', () => {
  it('fails with one line naming the address (password hidden) and the fix', async () => {
    const attempt = RedisStore.connect({ url: 'redis://:hunter2@127.0.0.1:1', callTimeoutMs: 500 });
    await expect(attempt).rejects.toThrow(
      expect.objectContaining({
        code: 'STORE',
        message: 'Redis at redis://:***@127.0.0.1:1 did not answer in 500 ms: is redis-server running there?',
      }),
    );
    expect(() => RedisStore.open({ url: 'redis://127.0.0.1:1', callTimeoutMs: 300 })).toThrow(
      /did not answer in 300 ms/,
    );
  });
});

function raceHost(url: string, prefix: string, host: string, count: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'race-host.ts'), url, prefix, host, String(count)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const lines = (n: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const all = out.split('\n');
        if (all.length > n) resolve(all[n - 1]!);
      };
      child.stdout.on('data', check);
      child.once('exit', (code) =>
        setTimeout(() => reject(new Error(`${host} exited ${code}: ${out}`)), 100),
      );
    });
  return { ready: lines(1), result: lines(2).then((line) => JSON.parse(line) as string[]) };
}
