/**
 * RedisLease against a real redis-server: one holder at a time, takeover after the holder dies, fencing of the
 * old holder's writes, release on shutdown, and a Redis restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LeaseHolder, RedisLease } from '../../src/redis/lease.js';
import { RedisStore } from '../../src/redis/store.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Set when two hosts believed they held the lease at once (checked after each test). */
let overlap = false;

/** Hosts competing for one lease, recording who believes they hold it. */
function watch(lease: RedisLease, holders: Set<string>, log: string[]) {
  lease.hold({
    onAcquired: (held: LeaseHolder) => {
      holders.add(lease.host);
      log.push(`${lease.host} acquired #${held.token}`);
      if (holders.size > 1) overlap = true;
    },
    onLost: (reason) => {
      holders.delete(lease.host);
      log.push(`${lease.host} lost (${reason})`);
    },
  });
}

describe.skipIf(!available)('RedisLease', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());
  afterEach(() => {
    expect(overlap, 'two hosts held the lease at the same time').toBe(false);
  });
  let n = 0;
  const lease = (host: string, keyPrefix: string, ttlMs = 1000) =>
    RedisLease.connect({ url: server.url, name: 'telegram', host, keyPrefix, ttlMs });

  it('one host holds the connection; while it renews, nobody else gets it', async () => {
    const prefix = `one${++n}:`;
    const [laptop, desktop] = await Promise.all([lease('laptop', prefix), lease('desktop', prefix)]);
    const holders = new Set<string>();
    const log: string[] = [];
    watch(laptop, holders, log);
    await until(() => holders.has('laptop'), 'laptop to hold');
    watch(desktop, holders, log);
    // Several TTLs pass: the laptop keeps renewing, the desktop keeps trying and failing.
    await new Promise((r) => setTimeout(r, 3000));
    expect([...holders]).toEqual(['laptop']);
    expect(await desktop.holder()).toMatchObject({ host: 'laptop', token: 1 });
    await Promise.all([laptop.close(), desktop.close()]);
  });

  it('when the holder dies, another host takes over after the TTL; the dead one is fenced out', async () => {
    const prefix = `die${++n}:`;
    const dead = await lease('laptop', prefix);
    const first = await dead.acquire(); // acquires once and never renews: a SIGKILLed holder
    expect(first?.token).toBe(1);
    const deadStore = RedisStore.open({ url: server.url, keyPrefix: prefix, fence: () => dead.fence() });
    deadStore.setValue('telegram.offset', '100');

    const heir = await lease('desktop', prefix);
    const holders = new Set<string>();
    const log: string[] = [];
    watch(heir, holders, log);
    await until(() => holders.has('desktop'), 'desktop to take over');
    expect(heir.held?.token).toBe(2);
    expect(await heir.holder()).toMatchObject({ host: 'desktop', token: 2 });

    // The old holder wakes up (it was only paused): its renewal fails and its writes are refused.
    expect(await dead.renew()).toBe(false);
    expect(() => deadStore.setValue('telegram.offset', '99')).toThrow(/no longer holds the lease/);
    const heirStore = RedisStore.open({ url: server.url, keyPrefix: prefix, fence: () => heir.fence() });
    heirStore.setValue('telegram.offset', '101');
    expect(deadStore.getValue('telegram.offset')).toBe('101');
    deadStore.close();
    heirStore.close();
    await Promise.all([dead.close(), heir.close()]);
  });

  it('a holder that shuts down releases the lease so another host takes over at once', async () => {
    const prefix = `release${++n}:`;
    const laptop = await lease('laptop', prefix, 60_000);
    const holders = new Set<string>();
    const log: string[] = [];
    watch(laptop, holders, log);
    await until(() => holders.has('laptop'), 'laptop to hold');
    const desktop = await RedisLease.connect({
      url: server.url,
      name: 'telegram',
      host: 'desktop',
      keyPrefix: prefix,
      ttlMs: 60_000,
      renewEveryMs: 100,
    });
    watch(desktop, holders, log);
    await laptop.close();
    // With a 60 s TTL, only the release lets the desktop in within the wait.
    await until(() => holders.has('desktop'), 'desktop to take over', 20_000);
    expect(log).toEqual(['laptop acquired #1', 'laptop lost (released)', 'desktop acquired #2']);
    await desktop.close();
  });

  it('survives a Redis restart: afterwards exactly one host holds the lease', async () => {
    const prefix = `restart${++n}:`;
    const [laptop, desktop] = await Promise.all([lease('laptop', prefix), lease('desktop', prefix)]);
    const holders = new Set<string>();
    const log: string[] = [];
    watch(laptop, holders, log);
    await until(() => holders.has('laptop'), 'laptop to hold');
    watch(desktop, holders, log);
    await server.restart();
    await new Promise((r) => setTimeout(r, 3000));
    await until(() => holders.size === 1, 'one holder after the restart');
    const holder = await laptop.holder();
    expect(holder?.host).toBe([...holders][0]);
    await Promise.all([laptop.close(), desktop.close()]);
  });
});
