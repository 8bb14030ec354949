/**
 * In-process `serve` hosts sharing one bot through one Redis, composed as `serve --redis` composes them: a lease
 * for the platform connections, the fenced shared store, the Redis Streams bus, a heartbeat, a Telegram bridge
 * on the fake. Fast: no processes besides redis-server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStore } from '../../src/core/store/memory.js';
import { RedisHostBeacon, RedisLease, RedisSessionBus, RedisStore } from '../../src/redis/index.js';
import { createDefaultRunnerRegistry } from '../../src/runner/default-registry.js';
import { type ServeHandle, startServe } from '../../src/serve/serve.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { bridgeOn, type FakeWorld } from '../telegram/telegram-world.js';

/** One host. */
export interface ServeHost {
  readonly name: string;
  readonly lease: RedisLease;
  readonly bus: RedisSessionBus;
  readonly beacon: RedisHostBeacon;
  readonly bridge: TelegramBridge;
  /** The shared store, fenced by the lease. */
  readonly store: RedisStore;
  /** The host's own store (its session sources, and the starts other hosts asked of it). */
  readonly own: MemoryStore;
  readonly serve: ServeHandle;
  /** Stop it and close its connections. */
  close(): Promise<void>;
}

/** Options of {@link startServeHost}. */
export interface ServeHostOptions {
  /** Keeps one test's hosts apart from another's in the one Redis. @defaultValue 'agent-tether:' */
  readonly keyPrefix?: string;
  /** True from the moment the host "dies": its store writes nothing more, as a SIGKILLed process would. */
  readonly dead?: () => boolean;
  /** Its config's projects (the directories are made). @defaultValue {} */
  readonly projects?: Record<string, string>;
}

/** Start a host named `name` on the Redis at `url`, its data directory under `root`. */
export async function startServeHost(
  url: string,
  world: FakeWorld,
  root: string,
  name: string,
  options: ServeHostOptions = {},
): Promise<ServeHost> {
  const keyPrefix = options.keyPrefix ?? 'agent-tether:';
  const projects = options.projects ?? {};
  for (const dir of Object.values(projects)) mkdirSync(dir, { recursive: true });
  const lease = await RedisLease.connect({ url, name: 'platforms', host: name, ttlMs: 2000, keyPrefix });
  // A dead host's writes carry a token Redis refuses.
  const fence = () => (options.dead?.() ? { ...lease.fence(), token: '0' } : lease.fence());
  const store = await RedisStore.connect({ url, fence, keyPrefix });
  const bus = await RedisSessionBus.connect({ url, host: name, keyPrefix });
  const registry = createDefaultRunnerRegistry({ defaults: { scripted: { paceMs: 0 } } });
  const beacon = await RedisHostBeacon.start({
    url,
    host: name,
    keyPrefix,
    projects: Object.keys(projects),
    runners: registry.list(),
  });
  const bridge = bridgeOn(world, { store, rememberHandledUpdates: true, endOrphanedRequests: false });
  const own = new MemoryStore();
  const serve = await startServe({
    bridges: [bridge],
    store,
    sourceStore: own,
    dataDir: join(root, name),
    port: 0,
    registry,
    defaultRunner: 'scripted',
    projects,
    bus,
    holder: lease,
    hosts: beacon,
  });
  return {
    name,
    lease,
    bus,
    beacon,
    bridge,
    store,
    own,
    serve,
    async close() {
      await serve.stop();
      await beacon.close();
      await bus.close();
      store.close();
    },
  };
}
