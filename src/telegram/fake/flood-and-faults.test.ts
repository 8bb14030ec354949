import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeTelegramServer, type FakeTelegramServerOptions } from './index.js';

let fake: FakeTelegramServer | undefined;

async function setUp(options: FakeTelegramServerOptions = {}) {
  fake = new FakeTelegramServer(options);
  const apiRoot = await fake.start();
  const bot = new Bot(fake.token, { client: { apiRoot } });
  const chatId = fake.createForumGroup({ title: 'Agents' });
  return { fake, bot, chatId };
}

afterEach(async () => {
  vi.useRealTimers();
  await fake?.stop();
  fake = undefined;
});

async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe('FakeTelegramServer flood control', () => {
  it('answers the second message within a second to one chat with 429 and retry_after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { bot, chatId } = await setUp();
    await bot.api.sendMessage(chatId, 'first');
    const error = await refusal(bot.api.sendMessage(chatId, 'second'));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 1');
    expect(error.parameters.retry_after).toBe(1);
    vi.setSystemTime(Date.now() + 1000);
    await bot.api.sendMessage(chatId, 'third');
    expect(fake?.topicMessages(chatId).map((m) => m.text)).toEqual(['first', 'third']);
  });

  it('counts an edit like a new message: editing within a second of the last call draws a 429', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { bot, chatId } = await setUp();
    const sent = await bot.api.sendMessage(chatId, 'streaming…');
    const error = await refusal(bot.api.editMessageText(chatId, sent.message_id, 'streaming… more'));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    expect(fake?.topicMessages(chatId).map((m) => m.text)).toEqual(['streaming…']);
    vi.setSystemTime(Date.now() + 1000);
    await bot.api.editMessageText(chatId, sent.message_id, 'streaming… more');
    expect(fake?.topicMessages(chatId).map((m) => m.text)).toEqual(['streaming… more']);
  });

  it('limits a group to 20 messages a minute, reporting retry_after in scaled real seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { bot, chatId } = await setUp({ timeScale: 0.01, rateLimits: { perChatPerSecond: 100 } });
    for (let i = 0; i < 20; i++) await bot.api.sendMessage(chatId, `m${i}`);
    const error = await refusal(bot.api.sendMessage(chatId, 'one too many'));
    // A fake minute at timeScale 0.01 is 0.6 real seconds.
    expect(error.parameters.retry_after).toBe(0.6);
    expect(error.description).toBe('Too Many Requests: retry after 0.6');
    vi.setSystemTime(Date.now() + 600);
    await bot.api.sendMessage(chatId, 'after the minute');
  });

  it('lets @grammyjs/auto-retry wait out a scaled 429 and succeed', async () => {
    const { bot, chatId } = await setUp({ timeScale: 0.01 });
    bot.api.config.use(autoRetry());
    // What the flood window reports at timeScale 0.01 for a one-fake-second wait.
    fake?.inject({ method: 'sendMessage', kind: 'ratelimit', retryAfter: 0.01 });
    await bot.api.sendMessage(chatId, 'eventually');
    expect(fake?.calls.map((call) => `${call.method}:${call.status}`)).toEqual([
      'sendMessage:429',
      'sendMessage:200',
    ]);
    expect(fake?.topicMessages(chatId).map((m) => m.text)).toEqual(['eventually']);
  });
});

describe('FakeTelegramServer fault injection', () => {
  it('answers injected 5xx statuses, then serves normally', async () => {
    const { bot, chatId } = await setUp({ rateLimits: false });
    fake?.inject({ method: 'sendMessage', kind: 'status', status: 502, times: 2 });
    expect((await refusal(bot.api.sendMessage(chatId, 'a'))).error_code).toBe(502);
    expect((await refusal(bot.api.sendMessage(chatId, 'b'))).description).toBe('Bad Gateway');
    await bot.api.sendMessage(chatId, 'c');
    expect(fake?.topicMessages(chatId).map((m) => m.text)).toEqual(['c']);
  });

  it('drops the connection without an answer', async () => {
    const { bot, chatId } = await setUp({ rateLimits: false });
    fake?.inject({ kind: 'drop' });
    const error = await bot.api.sendMessage(chatId, 'lost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(fake?.calls.at(-1)).toMatchObject({ method: 'sendMessage', status: 0 });
    expect(fake?.topicMessages(chatId)).toEqual([]);
  });

  it('injects a 429 with the given retry_after and a delay before serving', async () => {
    const { bot, chatId } = await setUp({ rateLimits: false });
    fake?.inject({ method: 'editMessageText', kind: 'ratelimit', retryAfter: 7 });
    fake?.inject({ method: 'sendMessage', kind: 'delay', ms: 1 });
    const sent = await bot.api.sendMessage(chatId, 'slow');
    expect(fake?.topicMessages(chatId)).toMatchObject([{ text: 'slow' }]);
    const error = await refusal(bot.api.editMessageText(chatId, sent.message_id, 'edited'));
    expect(error.parameters.retry_after).toBe(7);
    expect(error.description).toBe('Too Many Requests: retry after 7');
  });

  it('refuses a bad timeScale with a message naming the fix', () => {
    expect(() => new FakeTelegramServer({ timeScale: 0 })).toThrow(/timeScale must be a positive number/);
  });
});
