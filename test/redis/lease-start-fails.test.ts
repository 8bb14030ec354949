/**
 * `serve --redis` on several hosts when the lease holder cannot start its platform connections (Telegram briefly
 * unreachable from it): it must not sit on the lease with nothing running. It gives the lease back, so a working
 * host takes the bot over, or it tries again itself a little later.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import { RedisLease } from '../../src/redis/lease.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { type ServeHandle, startServe } from '../../src/serve/serve.js';
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

/** A bridge whose platform cannot be reached for its first `failures` starts. */
class FlakyBridge extends MemoryBridge {
  attempts = 0;
  constructor(readonly failures: number) {
    super();
  }
  protected override async connect(): Promise<void> {
    this.attempts++;
    if (this.attempts <= this.failures) throw new Error('connect ECONNREFUSED api.telegram.org');
  }
}

describe.skipIf(!available)('a lease holder whose platform start fails', () => {
  const server = new RedisServerProcess();
  const root = mkdtempSync(join(tmpdir(), 'tether-lease-start-'));
  beforeAll(() => server.start().then(() => undefined));
  afterAll(async () => {
    await server.dispose();
    rmSync(root, { recursive: true, force: true });
  });
  let n = 0;

  async function host(name: string, keyPrefix: string, bridge: FlakyBridge) {
    const lease = await RedisLease.connect({
      url: server.url,
      name: 'platforms',
      host: name,
      keyPrefix,
      ttlMs: 1000,
    });
    const serve: ServeHandle = await startServe({
      bridges: [bridge],
      store: new MemoryStore(),
      dataDir: join(root, `${keyPrefix}${name}`),
      port: 0,
      registry: createDefaultRunnerRegistry(),
      holder: lease,
      claudeDir: join(root, 'claude'),
    });
    return { lease, serve, bridge };
  }

  it('gives the lease back, and a host that can reach the platform takes the bot over', async () => {
    const prefix = `moves${++n}:`;
    const laptop = await host('laptop', prefix, new FlakyBridge(Number.POSITIVE_INFINITY));
    await until(() => laptop.bridge.attempts >= 1, 'the laptop to try to start its bridge');
    const desktop = await host('desktop', prefix, new FlakyBridge(0));
    await until(
      () => desktop.lease.held !== undefined && desktop.bridge.running,
      'the desktop to hold the bot with its bridge running',
    );
    expect(laptop.lease.held).toBeUndefined();
    expect(laptop.bridge.running).toBe(false);
    expect(await laptop.lease.holder()).toMatchObject({ host: 'desktop' });
    await Promise.all([laptop.serve.stop(), desktop.serve.stop()]);
  });

  it('alone, it tries again later and then holds the bot with its bridge running', async () => {
    const prefix = `retry${++n}:`;
    const laptop = await host('laptop', prefix, new FlakyBridge(1));
    await until(
      () => laptop.lease.held !== undefined && laptop.bridge.running,
      'the laptop to hold the bot with its bridge running',
    );
    expect(laptop.bridge.attempts).toBe(2);
    await laptop.serve.stop();
  });
});
