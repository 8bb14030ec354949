import { Client, GatewayDispatchEvents, type ToEventProps } from '@discordjs/core';
import { DiscordAPIError } from '@discordjs/rest';
import type { APIInteraction, APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectBot, Intents, type TestBot } from './__tests__/discordjs-clients.js';
import { FakeDiscordServer } from './server.js';

const alice = { id: '2000000000000000001', username: 'alice' };

type InteractionEvent = ToEventProps<APIInteraction>;

describe('FakeDiscordServer interactions with the real @discordjs/core Client', () => {
  let fake: FakeDiscordServer;
  let bot: TestBot;
  let client: Client;
  let channelId: string;
  let card: APIMessage;
  /** What the bot does on a click; set per test. */
  let onClick: (event: InteractionEvent) => Promise<void>;
  const clickErrors: unknown[] = [];

  beforeEach(async () => {
    // 0.3 turns Discord's 3 s answer deadline into 900 ms: quick, yet roomy on a loaded machine.
    fake = new FakeDiscordServer({ timeScale: 0.3, heartbeatIntervalMs: 1000 });
    await fake.start();
    channelId = fake.createTextChannel({ name: 'agents' });
    bot = await connectBot(fake, Intents.Guilds | Intents.GuildMessages);
    client = new Client({ rest: bot.rest, gateway: bot.manager });
    onClick = async () => undefined;
    client.on(GatewayDispatchEvents.InteractionCreate, (event) => {
      onClick(event).catch((error: unknown) => clickErrors.push(error));
    });
    card = await client.api.channels.createMessage(channelId, {
      content: 'Allow `rm -rf build`?',
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 3, custom_id: 'ap:1:allow', label: 'Allow' },
            { type: 2, style: 4, custom_id: 'ap:1:deny', label: 'Deny' },
            { type: 2, style: 2, custom_id: 'ap:1:old', label: 'Old', disabled: true },
          ],
        },
      ],
    });
  });

  afterEach(async () => {
    clickErrors.length = 0;
    await bot.destroy();
    await fake.stop();
  });

  it('delivers a click as INTERACTION_CREATE and shows the reply; a second answer is refused with 40060', async () => {
    const seen: APIInteraction[] = [];
    let second: unknown;
    onClick = async ({ data, api }) => {
      seen.push(data);
      await api.interactions.reply(data.id, data.token, { content: 'Allowed by alice' });
      second = await api.interactions
        .reply(data.id, data.token, { content: 'again' })
        .catch((error: unknown) => error);
    };
    const outcome = await fake.userClicks({ channelId, messageId: card.id, label: 'Allow', user: alice });

    expect(outcome).toMatchObject({
      kind: 'reply',
      message: { content: 'Allowed by alice', authorIsBot: true },
    });
    expect(seen[0]).toMatchObject({
      type: 3,
      application_id: fake.applicationId,
      channel_id: channelId,
      data: { custom_id: 'ap:1:allow', component_type: 2 },
      member: { user: { id: alice.id, username: 'alice' } },
      message: { id: card.id },
    });
    await fake.waitFor(() => second);
    expect(second).toBeInstanceOf(DiscordAPIError);
    expect((second as DiscordAPIError).code).toBe(40060);
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual([
      'Allow `rm -rf build`?',
      'Allowed by alice',
    ]);
  });

  it('updates the clicked card in place (type 7) and accepts follow-ups on the interaction webhook', async () => {
    onClick = async ({ data, api }) => {
      await api.interactions.updateMessage(data.id, data.token, {
        content: '✅ Allowed by alice',
        components: [],
      });
      await api.interactions.followUp(data.application_id, data.token, {
        content: 'Only you can see this',
        flags: 64,
      });
    };
    const outcome = await fake.userClicks({
      channelId,
      messageId: card.id,
      customId: 'ap:1:allow',
      user: alice,
    });
    expect(outcome).toMatchObject({
      kind: 'updated',
      message: { id: card.id, content: '✅ Allowed by alice', components: [] },
    });

    const followUp = await fake.waitFor(() => fake.channelMessages(channelId)[1]);
    expect(followUp).toMatchObject({ content: 'Only you can see this', ephemeral: true });
    expect(fake.message(card.id)?.edits).toBe(1);
  });

  it('shows "thinking" for a deferred reply until the bot edits @original; type 6 only acknowledges', async () => {
    onClick = async ({ data, api }) => {
      if (data.type !== 3) return;
      if (data.data.custom_id === 'ap:1:allow') {
        await api.interactions.defer(data.id, data.token);
        await api.interactions.editReply(data.application_id, data.token, { content: 'Done thinking' });
      } else {
        await api.interactions.deferMessageUpdate(data.id, data.token);
        await api.interactions.editReply(data.application_id, data.token, {
          content: 'Denied',
          components: [],
        });
      }
    };
    const thinking = await fake.userClicks({
      channelId,
      messageId: card.id,
      customId: 'ap:1:allow',
      user: alice,
    });
    expect(thinking).toMatchObject({ kind: 'thinking', message: { flags: 128, content: '' } });
    if (thinking.kind !== 'thinking') throw new Error('unreachable');
    await fake.waitFor(() => fake.message(thinking.message.id)?.content === 'Done thinking');
    expect(fake.message(thinking.message.id)?.flags).toBe(0);

    const acknowledged = await fake.userClicks({
      channelId,
      messageId: card.id,
      customId: 'ap:1:deny',
      user: alice,
    });
    expect(acknowledged.kind).toBe('acknowledged');
    await fake.waitFor(() => fake.message(card.id)?.content === 'Denied');
  });

  it('tells the person the interaction failed when the bot is silent, and refuses a late answer with 10062', async () => {
    let late: unknown;
    onClick = async ({ data, api }) => {
      await fake.waitFor(() => lateGate);
      late = await api.interactions
        .reply(data.id, data.token, { content: 'too late' })
        .catch((error: unknown) => error);
    };
    let lateGate = false;
    const outcome = await fake.userClicks({
      channelId,
      messageId: card.id,
      customId: 'ap:1:deny',
      user: alice,
    });
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'This interaction failed' });
    lateGate = true;
    await fake.waitFor(() => late);
    expect((late as DiscordAPIError).code).toBe(10062);
    expect(fake.channelMessages(channelId)).toHaveLength(1);
  });

  it('refuses invalid reply bodies with 50035 and lets a person click only enabled buttons', async () => {
    let refused: unknown;
    onClick = async ({ data, api }) => {
      refused = await api.interactions
        .reply(data.id, data.token, { content: 'x'.repeat(2001) })
        .catch((error: unknown) => error);
      await api.interactions.reply(data.id, data.token, { content: 'short' });
    };
    const outcome = await fake.userClicks({
      channelId,
      messageId: card.id,
      customId: 'ap:1:allow',
      user: alice,
    });
    expect(outcome).toMatchObject({ kind: 'reply', message: { content: 'short' } });
    expect((refused as DiscordAPIError).code).toBe(50035);

    expect(() => fake.userClicks({ channelId, messageId: card.id, label: 'Old', user: alice })).toThrow(
      /disabled/,
    );
    expect(() => fake.userClicks({ channelId, messageId: card.id, customId: 'forged', user: alice })).toThrow(
      /no button/,
    );
    expect(clickErrors).toEqual([]);
  });
});
