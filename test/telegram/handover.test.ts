/**
 * Several hosts take turns polling one bot over a shared store (`serve --redis`): the host that takes polling
 * over must not handle again what its predecessor handled but had not confirmed to Telegram yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { bridgeOn, type FakeWorld, say, startFake } from './telegram-world.js';

describe('Telegram polling handed over between hosts', () => {
  let world: FakeWorld | undefined;
  const bridges: TelegramBridge[] = [];
  afterEach(async () => {
    await Promise.allSettled(bridges.splice(0).map((b) => b.stop()));
    await world?.fake.stop();
  });

  async function handOver(rememberHandledUpdates: boolean) {
    world = await startFake();
    const shared = new MemoryStore();
    const laptopHeard: string[] = [];
    const desktopHeard: string[] = [];
    const laptop = bridgeOn(world, {
      store: shared,
      rememberHandledUpdates,
      handlers: { onInput: (_t, text) => void laptopHeard.push(text) },
    });
    bridges.push(laptop);
    await laptop.start();
    const thread = await laptop.createThread('repo');

    // The laptop handles "run the tests", then dies before its next poll confirms the update to Telegram.
    world.fake.inject({ method: 'getUpdates', kind: 'drop', times: 1000 });
    say(world, thread, 'run the tests');
    await world.fake.waitFor(() => laptopHeard.length === 1, { what: 'the laptop to hear it' });
    await laptop.stop();
    world.fake.clearFaults();
    expect(world.fake.pendingUpdateCount).toBeGreaterThan(0);

    // The desktop takes polling over with the same store.
    const desktop = bridgeOn(world, {
      store: shared,
      rememberHandledUpdates,
      handlers: { onInput: (_t, text) => void desktopHeard.push(text) },
    });
    bridges.push(desktop);
    await desktop.start();
    say(world, thread, 'now deploy');
    await world.fake.waitFor(() => desktopHeard.includes('now deploy'), { what: 'the desktop to hear it' });
    return { laptopHeard, desktopHeard };
  }

  it('the host taking over skips the update its predecessor already handled', async () => {
    const { laptopHeard, desktopHeard } = await handOver(true);
    expect(laptopHeard).toEqual(['run the tests']);
    expect(desktopHeard).toEqual(['now deploy']);
  });

  it('without remembering handled updates, the unconfirmed one would be handled twice', async () => {
    const { desktopHeard } = await handOver(false);
    expect(desktopHeard).toEqual(['run the tests', 'now deploy']);
  });
});
