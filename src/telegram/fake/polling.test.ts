import { Bot, GrammyError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeTelegramServer } from './index.js';

const alice = { id: 42, first_name: 'Alice', username: 'alice' };

let fake: FakeTelegramServer;
let chatId: number;
const bots: Bot[] = [];

function newBot(): Bot {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.url } });
  bots.push(bot);
  return bot;
}

beforeEach(async () => {
  fake = new FakeTelegramServer({ rateLimits: false });
  await fake.start();
  chatId = fake.createForumGroup({ title: 'Agents' });
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.allSettled(bots.splice(0).map((bot) => (bot.isRunning() ? bot.stop() : undefined)));
  await fake.stop();
});

describe('FakeTelegramServer long polling', () => {
  it('delivers each update until confirmed by offset, never after', async () => {
    const bot = newBot();
    fake.userSays({ chatId: chatId, from: alice, text: 'one' });
    fake.userSays({ chatId: chatId, from: alice, text: 'two' });
    const first = await bot.api.getUpdates({ timeout: 0 });
    expect(first.map((u) => u.message?.text)).toEqual(['one', 'two']);
    // Not confirmed yet: the same updates come again.
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual(
      first.map((u) => u.update_id),
    );
    const lastId = first.at(-1)?.update_id ?? 0;
    expect(await bot.api.getUpdates({ offset: lastId + 1, timeout: 0 })).toEqual([]);
    fake.userSays({ chatId: chatId, from: alice, text: 'three' });
    expect(
      (await bot.api.getUpdates({ offset: lastId + 1, timeout: 0, limit: 5 })).map((u) => u.message?.text),
    ).toEqual(['three']);
    expect(fake.pendingUpdateCount).toBe(1);
  });

  it('answers a waiting long poll as soon as a person writes', async () => {
    const bot = newBot();
    const poll = bot.api.getUpdates({ timeout: 30 });
    await fake.waitFor(() => fake.longPollWaiting, { what: 'a waiting getUpdates' });
    fake.userSays({ chatId: chatId, from: alice, text: 'wake up' });
    expect((await poll).map((u) => u.message?.text)).toEqual(['wake up']);
  });

  it('drops update types excluded by allowed_updates at creation time', async () => {
    const bot = newBot();
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['callback_query'] });
    fake.userSays({ chatId: chatId, from: alice, text: 'ignored' });
    expect(fake.pendingUpdateCount).toBe(0);
  });

  it('terminates a waiting poll with 409 Conflict when another getUpdates arrives', async () => {
    const first = newBot();
    const outcome = first.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await fake.waitFor(() => fake.longPollWaiting, { what: "the first bot's long poll" });
    const second = newBot();
    await second.api.getUpdates({ timeout: 0 });
    const error = await outcome;
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
  });

  it("brings a person's topic message to the bot's handler and the reply back into the topic", async () => {
    const setup = newBot();
    const topic = await setup.api.createForumTopic(chatId, 'session 1');
    const bot = newBot();
    const seen: string[] = [];
    bot.command('status', async (ctx) => {
      seen.push(`${ctx.message?.message_thread_id}:${ctx.message?.text}`);
      await ctx.reply('2 sessions running');
    });
    void bot.start();
    const said = fake.userSays({
      chatId: chatId,
      topic: topic.message_thread_id,
      from: alice,
      text: '/status',
    });
    expect(said).toMatchObject({
      is_topic_message: true,
      entities: [{ type: 'bot_command', offset: 0, length: 7 }],
    });
    const reply = await fake.waitFor(() =>
      fake.topicMessages(chatId, topic.message_thread_id).find((m) => m.fromBot),
    );
    expect(reply.text).toBe('2 sessions running');
    expect(seen).toEqual([`${topic.message_thread_id}:/status`]);
  });

  it('does not deliver an update twice across a stop and a restart', async () => {
    const received: string[] = [];
    const first = newBot();
    first.on('message:text', (ctx) => {
      received.push(`first:${ctx.message.text}`);
    });
    void first.start();
    fake.userSays({ chatId: chatId, from: alice, text: 'hello' });
    await fake.waitFor(() => received.length === 1);
    await first.stop();
    const second = newBot();
    second.on('message:text', (ctx) => {
      received.push(`second:${ctx.message.text}`);
    });
    void second.start();
    fake.userSays({ chatId: chatId, from: alice, text: 'again' });
    await fake.waitFor(() => received.length === 2);
    expect(received).toEqual(['first:hello', 'second:again']);
  });

  it('returns what answerCallbackQuery said to the person who tapped', async () => {
    const bot = newBot();
    bot.callbackQuery('allow:1', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Allowed', show_alert: true });
      await ctx.editMessageText('Allowed by Alice');
    });
    const card = await bot.api.sendMessage(chatId, 'Run ls?', {
      reply_markup: { inline_keyboard: [[{ text: 'Allow', callback_data: 'allow:1' }]] },
    });
    void bot.start();
    expect(await fake.userTaps({ message: card, button: 'Allow', from: alice })).toEqual({
      text: 'Allowed',
      showAlert: true,
    });
    await fake.waitFor(() => fake.topicMessages(chatId)[0]?.text === 'Allowed by Alice');
  });

  it('refuses a second answer, and an answer after 15 fake seconds', async () => {
    const bot = newBot();
    const card = await bot.api.sendMessage(chatId, 'Run ls?', {
      reply_markup: { inline_keyboard: [[{ text: 'Allow', callback_data: 'allow:1' }]] },
    });
    const tapped = fake.userTaps({ message: card.message_id, button: 'allow:1', from: alice });
    const [tap] = await bot.api.getUpdates({ timeout: 0 });
    const queryId = tap?.callback_query?.id ?? '';
    await bot.api.answerCallbackQuery(queryId);
    expect(await tapped).toEqual({});
    const twice = await bot.api.answerCallbackQuery(queryId).catch((e: unknown) => e);
    expect((twice as GrammyError).description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );

    const late = fake.userTapsData({
      chatId: chatId,
      messageId: card.message_id,
      data: 'forged',
      from: alice,
    });
    const updates = await bot.api.getUpdates({ offset: (tap?.update_id ?? 0) + 1, timeout: 0 });
    expect(updates[0]?.callback_query?.data).toBe('forged');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16_000);
    const expired = await bot.api
      .answerCallbackQuery(updates[0]?.callback_query?.id ?? '')
      .catch((e: unknown) => e);
    expect((expired as GrammyError).error_code).toBe(400);
    expect(await late).toBeUndefined();
  });

  it('explains what the topics hold when waitFor times out', async () => {
    fake.userSays({ chatId: chatId, from: alice, text: 'is anyone there?' });
    await expect(fake.waitFor(() => false, { timeoutMs: 50, what: 'a reply' })).rejects.toThrow(
      /gave up after 50 ms waiting for a reply[\s\S]*General: 1 message\(s\)[\s\S]*person: "is anyone there\?"/,
    );
  });
});
