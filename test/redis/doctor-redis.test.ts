/**
 * `agent-tether doctor`'s Redis lines against a real redis-server: reachable with its version and append-only
 * file, who holds the platform connections among the hosts that reported; an unreachable Redis is a failure
 * naming the address (password hidden).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/cli/checks/redis.js';
import { RedisHostBeacon, RedisLease } from '../../src/redis/index.js';
import { hasRedisServer, RedisServerProcess } from '../support/redis-server.js';

describe.skipIf(!hasRedisServer())('doctor: Redis', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());

  it('names the version, the append-only file, and who holds the platform connections', async () => {
    expect(await checkRedis(server.url)).toEqual([
      {
        status: 'ok',
        text: expect.stringMatching(
          /^Redis at redis:\/\/127\.0\.0\.1:\d+\/?: version \d+\.\d+\.\d+, append-only file on$/,
        ),
      },
      {
        status: 'note',
        text: expect.stringMatching(
          /^Nobody holds the platform connections: start `agent-tether serve --redis URL`/,
        ),
      },
    ]);
    const lease = await RedisLease.connect({ url: server.url, name: 'platforms', host: 'laptop' });
    const beacons = await Promise.all(
      ['laptop', 'desktop'].map((host) => RedisHostBeacon.start({ url: server.url, host })),
    );
    await lease.acquire();
    const lines = await checkRedis(server.url);
    expect(lines[1]).toEqual({
      status: 'ok',
      text: expect.stringMatching(
        /^Platform connections held by laptop; 2 host\(s\): (laptop, desktop|desktop, laptop)$/,
      ),
    });
    await lease.close();
    for (const beacon of beacons) await beacon.close();
  });

  it('an unreachable Redis fails in one line naming the address, never the password', async () => {
    const [line] = await checkRedis('redis://:hunter2@127.0.0.1:1');
    expect(line?.status).toBe('fail');
    expect(line?.text).toMatch(
      /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/? did not answer: is redis-server running there\?/,
    );
    expect(line?.text).not.toContain('hunter2');
  });
});
