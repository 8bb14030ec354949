/**
 * The README's "Several machines, one bot" example, driven as people would: two hosts share one Redis and one
 * bot on FakeTelegramServer; the holder answers; it dies; the other host takes the connection over and the
 * person's next message and tap land there, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdTelegram } from '../../examples/several-hosts.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';
import { type FakeWorld, OWNER, say, startFake, tap, waitForButton } from '../telegram/telegram-world.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!available)('several machines, one Telegram bot (examples/several-hosts.ts)', () => {
  const server = new RedisServerProcess();
  let world: FakeWorld;
  beforeAll(async () => {
    await server.start();
    world = await startFake();
  });
  afterAll(async () => {
    await world.fake.stop();
    await server.dispose();
  });

  it('one host polls; when it dies another takes over, and an open approval is answered exactly once', async () => {
    const heard: string[] = [];
    const decided: string[] = [];
    const host = (name: string) =>
      holdTelegram(
        server.url,
        name,
        {
          token: world.fake.token,
          forumGroupId: world.chatId,
          apiRoot: world.apiRoot,
          allowedUserIds: [OWNER.id],
          handlers: {
            onInput: (_t, text) => void heard.push(`${name}: ${text}`),
            onApprovalResponse: (_t, requestId, approved) =>
              void decided.push(`${name}: ${requestId} ${approved ? 'allowed' : 'denied'}`),
          },
        },
        2000,
      );
    const laptop = await host('laptop');
    await world.fake.waitFor(() => laptop.bridge.running && laptop.lease.held !== undefined, {
      what: 'the laptop to hold the bot',
    });
    const desktop = await host('desktop');

    const thread = await laptop.bridge.createThread('repo');
    say(world, thread, 'hello from the phone');
    await world.fake.waitFor(() => heard.length === 1, { what: 'the laptop to hear it' });
    await laptop.bridge.sendApprovalRequest(thread, {
      requestId: 'req-1',
      toolName: 'Bash',
      description: 'npm publish',
    });

    // The laptop dies mid-approval: no release, it just stops.
    await laptop.lease.close({ release: false });
    await laptop.bridge.stop();

    await world.fake.waitFor(() => desktop.lease.held !== undefined && desktop.bridge.running, {
      what: 'the desktop to take over',
      timeoutMs: 30_000,
    });
    say(world, thread, 'still there?');
    await world.fake.waitFor(() => heard.length === 2, { what: 'the desktop to hear it' });
    // The card the laptop posted is still there; a tap on it is handled by the desktop.
    const card = await waitForButton(world, thread, 'Allow');
    const allowData = card.buttonData.flat()[card.buttons.flat().indexOf('Allow')]!;
    const answer = await tap(world, thread, 'Allow');
    expect(answer?.text).toMatch(/allow/i);
    await world.fake.waitFor(() => decided.length === 1, { what: 'the decision' });
    // A second tap on the same old card (another phone that still shows it) changes nothing.
    const again = await world.fake.userTapsData({
      chatId: world.chatId,
      messageId: card.messageId,
      data: allowData,
      from: OWNER,
    });
    expect(again?.text).toMatch(/already/i);

    expect(heard).toEqual(['laptop: hello from the phone', 'desktop: still there?']);
    expect(decided).toEqual(['desktop: req-1 allowed']);
    await desktop.lease.close();
    await desktop.bridge.stop();
    desktop.store.close();
    laptop.store.close();
  });
});
