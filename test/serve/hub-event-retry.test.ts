/**
 * The hub acknowledges a session event only once it handled it: an event whose handling failed (the shared store
 * refused or timed out once, as a RedisStore does during a Redis blip) is handled again, in order, and a poison
 * event that always fails is given up after a few tries (logged as an error, acknowledged) without blocking the
 * sessions after it. Both buses behave alike: the in-process one and the one on Redis Streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TetherError } from '../../src/core/errors.js';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import type { Logger } from '../../src/core/types.js';
import { RedisSessionBus } from '../../src/redis/session-bus.js';
import { BridgeRouter } from '../../src/router.js';
import { MemorySessionBus, type SessionBus, type SessionKey } from '../../src/serve/bus.js';
import { SessionHub } from '../../src/serve/hub.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const redisAvailable = hasRedisServer();
if (!redisAvailable) console.warn(NO_REDIS_MESSAGE);

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const blip = () =>
  new TetherError(
    'STORE',
    'Redis at redis://redis.lan:6379 did not answer in 10000 ms: is redis-server running there?',
  );

/** A store that fails the next few writes of a kind, as a shared store does while Redis stalls. */
class FlakyStore extends MemoryStore {
  failThreads = 0;
  failValues = 0;
  /** Thread names whose every write fails (a poison event). */
  readonly poison = new Set<string>();
  override putThread(thread: Parameters<MemoryStore['putThread']>[0]): void {
    if (this.poison.has(thread.name)) throw blip();
    if (this.failThreads > 0) {
      this.failThreads--;
      throw blip();
    }
    super.putThread(thread);
  }
  failDeletes = 0;
  override deleteValue(key: string): void {
    if (this.failDeletes > 0 && key.startsWith('serve.session:')) {
      this.failDeletes--;
      throw blip();
    }
    super.deleteValue(key);
  }
  override setValue(key: string, value: string): void {
    if (this.failValues > 0 && key.startsWith('serve.shown:')) {
      this.failValues--;
      throw blip();
    }
    super.setValue(key, value);
  }
}

interface World {
  readonly bus: SessionBus;
  /** Entries delivered to the hub and not acknowledged. */
  readonly unacked: () => Promise<number>;
  readonly close: () => Promise<void>;
}

const server = new RedisServerProcess();
let n = 0;
const buses: [string, boolean, () => Promise<World>][] = [
  [
    'the in-process bus',
    true,
    async () => {
      const bus = new MemorySessionBus();
      return { bus, unacked: async () => bus.unacked('events', 'hub'), close: () => bus.close() };
    },
  ],
  [
    'the bus on Redis Streams',
    redisAvailable,
    async () => {
      const keyPrefix = `retry${++n}:`;
      const bus = await RedisSessionBus.connect({ url: server.url, host: 'laptop', keyPrefix });
      const { Redis } = await import('ioredis');
      const probe = new Redis(server.url);
      return {
        bus,
        unacked: async () => {
          const summary = (await probe.xpending(`${keyPrefix}bus:events`, 'hub')) as [number];
          return Number(summary[0]);
        },
        close: async () => {
          probe.disconnect();
          await bus.close();
        },
      };
    },
  ],
];

describe('the hub acknowledges a session event only once handled', () => {
  beforeAll(async () => {
    if (redisAvailable) await server.start();
  });
  afterAll(() => (redisAvailable ? server.dispose() : undefined));

  for (const [name, available, connect] of buses) {
    describe.skipIf(!available)(name, () => {
      const setup = async () => {
        const world = await connect();
        const store = new FlakyStore();
        const bridge = new MemoryBridge({ store });
        await bridge.start();
        const errors: string[] = [];
        const logger = {
          debug() {},
          info() {},
          warn() {},
          error: (_o: unknown, m: string) => errors.push(m),
        } as unknown as Logger;
        const hub = new SessionHub({
          router: new BridgeRouter([bridge]),
          bus: world.bus,
          store,
          adoptOpenCards: true,
          logger,
          eventRetryDelayMs: 20,
        });
        hub.noteOpenRequests();
        hub.start();
        const shows = (text: string) =>
          bridge.listThreads().some((t) => bridge.texts(t.platformRef).some((m) => m.includes(text)));
        const done = async () => {
          hub.stop();
          await bridge.stop();
          await world.close();
        };
        return { world, store, bridge, hub, errors, shows, done };
      };
      const key = (id: string): SessionKey => ({ source: 'runner', id });

      it('an open event whose handling failed once is handled again: the session gets its thread and its output', async () => {
        const { world, store, bridge, hub, shows, done } = await setup();
        store.failThreads = 1;
        await world.bus.publish('events', {
          key: key('s1'),
          event: { type: 'open', name: 'fix the cart test', runnerType: 'subprocess', host: 'desktop' },
        });
        await world.bus.publish('events', {
          key: key('s1'),
          event: { type: 'output', text: 'hello from the agent' },
        });
        await until(() => shows('hello from the agent'), 'the output in the session thread');
        expect(hub.has(key('s1'))).toBe(true);
        expect(bridge.listThreads().map((t) => t.name)).toContain('fix the cart test');
        await until(() => store.failThreads === 0, 'the failure to have happened');
        let unacked = -1;
        for (let i = 0; i < 500 && unacked !== 0; i++) {
          unacked = await world.unacked();
          if (unacked !== 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(unacked).toBe(0);
        await done();
      });

      it('a permission event whose card could not be recorded once still shows its card', async () => {
        const { world, store, bridge, shows, done } = await setup();
        await world.bus.publish('events', {
          key: key('s2'),
          event: { type: 'open', name: 'shop', runnerType: 'subprocess' },
        });
        await until(() => bridge.listThreads().length === 1, 'the thread');
        store.failValues = 1;
        await world.bus.publish('events', {
          key: key('s2'),
          event: {
            type: 'permission',
            request: { requestId: 'q1', toolName: 'Bash', toolInput: { command: 'echo card-after-blip' } },
          },
        });
        await until(() => shows('card-after-blip'), 'the card');
        const thread = bridge.listThreads()[0]!.platformRef;
        const cards = bridge.messages(thread).filter((m) => m.text.includes('card-after-blip'));
        expect(cards.length).toBe(1);
        expect((cards[0]!.buttons ?? []).flat().length).toBeGreaterThan(0);
        await done();
      });

      it('a session that exits while the store does not answer is forgotten, and nothing crashes', async () => {
        const { world, store, hub, bridge, shows, done } = await setup();
        await world.bus.publish('events', {
          key: key('s3'),
          event: { type: 'open', name: 'short', runnerType: 'subprocess' },
        });
        await until(() => bridge.listThreads().length === 1, 'the thread');
        store.failDeletes = 1;
        await world.bus.publish('events', { key: key('s3'), event: { type: 'exit', exitCode: 0 } });
        await until(() => !hub.has(key('s3')), 'the session to end');
        await until(() => store.failDeletes === 0, 'the failing write');
        await world.bus.publish('events', {
          key: key('s4'),
          event: { type: 'open', name: 'next', runnerType: 'x' },
        });
        await world.bus.publish('events', {
          key: key('s4'),
          event: { type: 'output', text: 'still serving' },
        });
        await until(() => shows('still serving'), 'the next session');
        await done();
      });

      it('a poison event is given up after a few tries, loudly, and the events after it go on', async () => {
        const { world, store, hub, errors, shows, done } = await setup();
        store.poison.add('never works');
        await world.bus.publish('events', {
          key: key('poison'),
          event: { type: 'open', name: 'never works', runnerType: 'subprocess' },
        });
        await world.bus.publish('events', {
          key: key('ok'),
          event: { type: 'open', name: 'works', runnerType: 'x' },
        });
        await world.bus.publish('events', {
          key: key('ok'),
          event: { type: 'output', text: 'after the poison' },
        });
        await until(() => shows('after the poison'), 'the next session');
        expect(hub.has(key('poison'))).toBe(false);
        expect(errors.some((m) => /gave up/i.test(m))).toBe(true);
        let unacked = -1;
        for (let i = 0; i < 500 && unacked !== 0; i++) {
          unacked = await world.unacked();
          if (unacked !== 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(unacked).toBe(0);
        await done();
      });
    });
  }
});

describe.skipIf(!redisAvailable)('a holder that stops while an event waits for its next try', () => {
  const redis = new RedisServerProcess();
  beforeAll(() => redis.start().then(() => undefined));
  afterAll(() => redis.dispose());

  it('leaves it unacknowledged: the host taking over handles it', async () => {
    const keyPrefix = 'handover:';
    const start = async (host: string, store: MemoryStore) => {
      const bus = await RedisSessionBus.connect({ url: redis.url, host, keyPrefix });
      const bridge = new MemoryBridge({ store });
      await bridge.start();
      const hub = new SessionHub({
        router: new BridgeRouter([bridge]),
        bus,
        store,
        adoptOpenCards: true,
        eventRetryDelayMs: 60_000,
      });
      hub.noteOpenRequests();
      hub.start();
      return { bus, bridge, hub };
    };
    const broken = new FlakyStore();
    broken.failThreads = 1;
    const laptop = await start('laptop', broken);
    await laptop.bus.publish('events', {
      key: { source: 'runner', id: 's1' },
      event: { type: 'open', name: 'carried over', runnerType: 'subprocess' },
    });
    await until(() => broken.failThreads === 0, 'the first try to fail');
    laptop.hub.stop(); // lost the lease while waiting for the next try
    await laptop.bridge.stop();
    await laptop.bus.close();

    const desktop = await start('desktop', new MemoryStore());
    await until(
      () => desktop.bridge.listThreads().some((t) => t.name === 'carried over'),
      'the next holder to open the session',
    );
    expect(laptop.hub.has({ source: 'runner', id: 's1' })).toBe(false);
    desktop.hub.stop();
    await desktop.bridge.stop();
    await desktop.bus.close();
  });
});
