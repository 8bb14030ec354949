import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_CHANNEL_KEY } from '../../src/discord/index.js';
import { channelText, type DiscordWorld, openWorld, owner, stranger } from './discord-harness.js';

const CODE = '4815-1623';
const bob = { id: '3000000000000000002', username: 'bob' };

describe('DiscordBridge pairing', () => {
  let world: DiscordWorld;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('pairs with !pair <code>: a wrong code is refused, the right one pairs', async () => {
    const { fake, channelId } = world;
    const bridge = world.bridge({ pairingCode: CODE, allowedUserIds: [] });
    await bridge.start();
    fake.userSays({ channelId, author: bob, content: '!pair 0000-0000' });
    await fake.waitFor(() => channelText(fake, channelId).includes('Wrong pairing code'));
    expect(bridge.auth.isAuthorized(bob.id)).toBe(false);
    fake.userSays({ channelId, author: bob, content: `!pair ${CODE}` });
    await fake.waitFor(() => channelText(fake, channelId).includes('Paired: bob'));
    expect(bridge.auth.isAuthorized(bob.id)).toBe(true);
    expect(bridge.auditLog().map((e) => e.action)).toEqual(
      expect.arrayContaining(['pairing.failed', 'pairing.paired']),
    );
    expect(JSON.stringify(bridge.auditLog())).not.toContain(CODE);
  });

  it('rate-limits a burst of wrong codes: even the right code is refused afterwards', async () => {
    const { fake, channelId } = world;
    const bridge = world.bridge({ pairingCode: CODE, allowedUserIds: [] });
    await bridge.start();
    for (let i = 0; i < 6; i++) fake.userSays({ channelId, author: bob, content: `!pair 1111-000${i}` });
    await fake.waitFor(() => channelText(fake, channelId).includes('Too many wrong codes'));
    fake.userSays({ channelId, author: bob, content: `!pair ${CODE}` });
    await fake.waitFor(() => channelText(fake, channelId).match(/Too many wrong codes/g)?.length === 2);
    expect(bridge.auth.isAuthorized(bob.id)).toBe(false);
    expect(channelText(fake, channelId).match(/Wrong pairing code/g)).toHaveLength(5);
  });

  it('claims a control channel with !setup <code>, remembered across a restart', async () => {
    const { fake } = world;
    const lobby = fake.createTextChannel({ name: 'lobby' });
    const first = world.bridge({ withoutChannel: true, pairingCode: CODE, allowedUserIds: [] });
    await first.start();
    expect(first.controlChannelId).toBeUndefined();
    await expect(first.createThread('too early')).rejects.toThrow(/!setup/);
    fake.userSays({ channelId: lobby, author: bob, content: '!setup 9999-9999' });
    await fake.waitFor(() => channelText(fake, lobby).includes('Wrong pairing code'));
    expect(first.controlChannelId).toBeUndefined();
    fake.userSays({ channelId: lobby, author: bob, content: `!setup ${CODE}` });
    await fake.waitFor(() => channelText(fake, lobby).includes('now the control channel'));
    expect(first.controlChannelId).toBe(lobby);
    expect(world.store.getValue(CONTROL_CHANNEL_KEY)).toBe(lobby);
    expect(first.auth.isAuthorized(bob.id)).toBe(true);
    await first.stop();

    const second = world.bridge({ withoutChannel: true, pairingCode: CODE, allowedUserIds: [] });
    await second.start();
    expect(second.controlChannelId).toBe(lobby);
    expect(second.auth.isAuthorized(bob.id)).toBe(true);
    const thread = await second.createThread('Repo');
    expect(fake.threads(lobby).map((t) => [t.id, t.type])).toEqual([[thread, 11]]);
  });

  it('!pair-status shows pairing and paired users (never the code); strangers are refused and audited', async () => {
    const { fake, channelId } = world;
    const bridge = world.bridge({ pairingCode: CODE });
    await bridge.start();
    fake.userSays({ channelId, author: bob, content: `!pair ${CODE}` });
    await fake.waitFor(() => bridge.auth.isAuthorized(bob.id));
    fake.userSays({ channelId, author: owner, content: '!pair-status' });
    await fake.waitFor(() => channelText(fake, channelId).includes('Paired users (1)'));
    const text = channelText(fake, channelId);
    expect(text).toContain('Pairing is on');
    expect(text).toContain('bob');
    expect(text).not.toContain(CODE);

    fake.userSays({ channelId, author: stranger, content: '!pair-status' });
    await fake.waitFor(() => channelText(fake, channelId).includes('not authorized'));
    expect(bridge.auditLog().some((e) => e.action === 'auth.refused' && e.userId === stranger.id)).toBe(true);
    expect(channelText(fake, channelId).match(/Paired users/g)).toHaveLength(1);
  });
});
