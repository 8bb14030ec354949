/**
 * Several hosts: the holder notes each shown approval card in the shared store (so a host taking over can keep it
 * answerable); the note goes once the request is settled, so what Redis holds stays bounded.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { RedisStore } from '../../src/redis/store.js';
import { BridgeRouter } from '../../src/router.js';
import { MemorySessionBus, type SessionKey } from '../../src/serve/bus.js';
import { SessionHub } from '../../src/serve/hub.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!available)('shown approval cards in the shared store', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());

  it('answered and withdrawn requests leave no note behind', async () => {
    const prefix = 'shown1:';
    const store = await RedisStore.connect({ url: server.url, keyPrefix: prefix, retainResolved: 5 });
    const bus = new MemorySessionBus();
    const bridge = new MemoryBridge({ store });
    await bridge.start();
    const hub = new SessionHub({ router: new BridgeRouter([bridge]), bus, store, adoptOpenCards: true });
    hub.noteOpenRequests();
    hub.start();
    const probe = new Redis(server.url);
    const shownNotes = async () =>
      (await probe.hkeys(`${prefix}values`)).filter((f) => f.startsWith('serve.shown:')).length;
    const key: SessionKey = { source: 'runner', id: 's1' };
    await bus.publish('events', { key, event: { type: 'open', name: 'shop', runnerType: 'subprocess' } });
    const cardOf = (text: string) =>
      bridge
        .listThreads()
        .find((th) =>
          bridge
            .messages(th.platformRef)
            .some((m) => m.text.includes(text) && (m.buttons ?? []).flat().length > 0),
        )?.platformRef;

    for (let i = 0; i < 8; i++) {
      await bus.publish('events', {
        key,
        event: {
          type: 'permission',
          request: { requestId: `q${i}`, toolName: 'Bash', toolInput: { command: `echo ${i}` } },
        },
      });
      await until(async () => {
        await bridge.settle();
        return cardOf(`echo ${i}`) !== undefined;
      }, `card ${i}`);
      await bridge.userTaps(cardOf(`echo ${i}`)!, 'Allow');
      await bridge.settle();
    }
    // One the agent settles itself (answered in its terminal).
    await bus.publish('events', {
      key,
      event: {
        type: 'permission',
        request: { requestId: 'w', toolName: 'Bash', toolInput: { command: 'echo w' } },
      },
    });
    await until(async () => {
      await bridge.settle();
      return cardOf('echo w') !== undefined;
    }, 'the last card');
    expect(await shownNotes()).toBe(1); // the open one is noted
    await bus.publish('events', {
      key,
      event: { type: 'withdrawn', requestId: 'w', note: 'Answered in the terminal' },
    });
    await until(async () => {
      await bridge.settle();
      return cardOf('echo w') === undefined;
    }, 'the card to lose its buttons');

    await until(async () => (await shownNotes()) === 0, 'no note of a settled request');
    probe.disconnect();
    hub.stop();
    await bridge.stop();
    store.close();
  });
});
