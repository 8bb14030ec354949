import { DiscordAPIError, HTTPError, type RateLimitData, REST, RESTEvents } from '@discordjs/rest';
import {
  type APIButtonComponentWithCustomId,
  type APIMessage,
  type APIThreadChannel,
  type RESTGetAPIGatewayBotResult,
  Routes,
} from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restFor } from './__tests__/discordjs-clients.js';
import { FakeDiscordServer } from './server.js';

function button(customId: string, label = 'Approve'): APIButtonComponentWithCustomId {
  return { type: 2, style: 1, custom_id: customId, label };
}

async function refusal(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

describe('FakeDiscordServer REST with the real @discordjs/rest', () => {
  let fake: FakeDiscordServer;
  let rest: REST;
  let channelId: string;
  const clients: REST[] = [];

  beforeEach(async () => {
    fake = new FakeDiscordServer({ timeScale: 0.02 });
    await fake.start();
    rest = restFor(fake);
    clients.push(rest);
    channelId = fake.createTextChannel({ name: 'agents' });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) {
      client.clearHashSweeper();
      client.clearHandlerSweeper();
    }
    await fake.stop();
  });

  function client(): REST {
    const made = restFor(fake);
    clients.push(made);
    return made;
  }

  it('serves gateway/bot and users/@me, and refuses a wrong token with 401', async () => {
    const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    expect(gateway).toMatchObject({
      url: fake.gatewayUrl,
      shards: 1,
      session_start_limit: { max_concurrency: 1 },
    });
    expect(await rest.get(Routes.user('@me'))).toMatchObject({ id: fake.botUserId, bot: true });

    const intruder = restFor(fake, 'stolen');
    clients.push(intruder);
    const error = await refusal(intruder.get(Routes.user('@me')));
    expect([error.status, error.code, error.message]).toEqual([401, 0, '401: Unauthorized']);
  });

  it('creates, edits and deletes messages, recording edits and allowed_mentions', async () => {
    const sent = (await rest.post(Routes.channelMessages(channelId), {
      body: {
        content: 'working…',
        allowed_mentions: { parse: [] },
        components: [{ type: 1, components: [button('a:1')] }],
      },
    })) as APIMessage;
    await rest.patch(Routes.channelMessage(channelId, sent.id), { body: { content: 'done' } });
    const fetched = (await rest.get(Routes.channelMessage(channelId, sent.id))) as APIMessage;
    expect(fetched.content).toBe('done');

    const [seen] = fake.channelMessages(channelId);
    expect(seen).toMatchObject({
      content: 'done',
      edits: 1,
      history: ['working…', 'done'],
      allowedMentions: { parse: [] },
      authorIsBot: true,
      deleted: false,
      components: [[{ label: 'Approve', customId: 'a:1', style: 1, disabled: false }]],
    });

    await rest.delete(Routes.channelMessage(channelId, sent.id));
    expect(fake.channelMessages(channelId)[0]?.deleted).toBe(true);
    const gone = await refusal(rest.get(Routes.channelMessage(channelId, sent.id)));
    expect([gone.status, gone.code]).toEqual([404, 10008]);
  });

  it('refuses invalid messages with Discord error codes and stores nothing', async () => {
    const post = (body: unknown) => refusal(rest.post(Routes.channelMessages(channelId), { body }));

    const tooLong = await post({ content: 'x'.repeat(2001) });
    expect([tooLong.status, tooLong.code]).toEqual([400, 50035]);
    expect(tooLong.message).toContain('content[BASE_TYPE_MAX_LENGTH]');

    expect((await post({ content: '' })).code).toBe(50006);

    const sixButtons = Array.from({ length: 6 }, (_, index) => button(`b${index}`));
    const crowded = await post({ content: 'pick', components: [{ type: 1, components: sixButtons }] });
    expect([crowded.code, crowded.message]).toEqual([
      50035,
      expect.stringContaining('components[0].components'),
    ]);

    const sixRows = Array.from({ length: 6 }, (_, index) => ({ type: 1, components: [button(`r${index}`)] }));
    expect((await post({ content: 'pick', components: sixRows })).code).toBe(50035);

    const longId = await post({
      content: 'pick',
      components: [{ type: 1, components: [button('x'.repeat(101))] }],
    });
    expect(longId.message).toContain('components[0].components[0].custom_id[BASE_TYPE_MAX_LENGTH]');

    const longLabel = await post({
      content: 'pick',
      components: [{ type: 1, components: [button('ok', 'l'.repeat(81))] }],
    });
    expect(longLabel.message).toContain('label[BASE_TYPE_MAX_LENGTH]');

    const unknown = await refusal(rest.post(Routes.channelMessages('42'), { body: { content: 'hi' } }));
    expect([unknown.status, unknown.code]).toEqual([404, 10003]);

    expect(fake.channelMessages(channelId)).toEqual([]);
    expect(
      await rest.post(Routes.channelMessages(channelId), { body: { content: 'x'.repeat(2000) } }),
    ).toBeTruthy();
  });

  it('creates threads with and without a message, renames, archives and deletes them', async () => {
    const bare = (await rest.post(Routes.threads(channelId), {
      body: { name: 'session 1', type: 11 },
    })) as APIThreadChannel;
    const starter = (await rest.post(Routes.channelMessages(channelId), {
      body: { content: 'start' },
    })) as APIMessage;
    const fromMessage = (await rest.post(Routes.threads(channelId, starter.id), {
      body: { name: 'session 2' },
    })) as APIThreadChannel;
    expect(fromMessage.id).toBe(starter.id);
    const again = await refusal(rest.post(Routes.threads(channelId, starter.id), { body: { name: 'dup' } }));
    expect(again.code).toBe(160004);

    await rest.patch(Routes.channel(bare.id), { body: { name: 'session 1 (done)', archived: true } });
    await rest.post(Routes.channelMessages(fromMessage.id), { body: { content: 'inside' } });
    await rest.post(Routes.channelTyping(fromMessage.id));
    await rest.delete(Routes.channel(fromMessage.id));

    expect(fake.threads(channelId)).toEqual([
      expect.objectContaining({
        id: bare.id,
        name: 'session 1 (done)',
        type: 11,
        archived: true,
        deleted: false,
      }),
      expect.objectContaining({
        id: starter.id,
        name: 'session 2',
        startMessageId: starter.id,
        deleted: true,
      }),
    ]);
    expect(fake.channelMessages(fromMessage.id).map((message) => message.content)).toEqual(['inside']);
    expect(fake.typing(fromMessage.id)).toBe(1);
    const deleted = await refusal(rest.get(Routes.channel(fromMessage.id)));
    expect(deleted.code).toBe(10003);
  });

  it('sends rate-limit headers, and a 429 makes REST wait retry_after and retry', async () => {
    const limited: RateLimitData[] = [];
    const watcher = new REST({
      api: fake.apiUrl,
      offset: 0,
      rejectOnRateLimit: (info) => {
        limited.push(info);
        return false;
      },
    }).setToken(fake.token);
    clients.push(watcher);
    fake.inject({ route: 'POST /channels/:id/messages', kind: 'ratelimit', retryAfter: 10 });
    await watcher.post(Routes.channelMessages(channelId), { body: { content: 'after the wait' } });

    expect(fake.calls.map((call) => call.status)).toEqual([429, 200]);
    expect(limited).toEqual([expect.objectContaining({ retryAfter: 200, global: false, method: 'POST' })]);
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual(['after the wait']);
  });

  it('limits message creation per channel and REST stays within the advertised bucket', async () => {
    // 5 per 25 s, scaled by 0.02 to 500 ms: wide enough that a slow machine still fills the bucket in time.
    fake.setRateLimit('POST /channels/:id/messages', { limit: 5, windowMs: 25_000 });
    const headers: Record<string, string | null>[] = [];
    rest.on(RESTEvents.Response, (_request, response) => {
      headers.push({
        limit: response.headers.get('x-ratelimit-limit'),
        remaining: response.headers.get('x-ratelimit-remaining'),
        bucket: response.headers.get('x-ratelimit-bucket'),
      });
    });
    const texts = Array.from({ length: 7 }, (_, index) => `line ${index}`);
    for (const content of texts) await rest.post(Routes.channelMessages(channelId), { body: { content } });
    expect(fake.channelMessages(channelId).map((message) => message.content)).toEqual(texts);
    expect(headers[0]).toMatchObject({ limit: '5', remaining: '4' });
    expect(headers[4]).toMatchObject({ remaining: '0' });
    expect(fake.calls.filter((call) => call.status === 429)).toEqual([]);

    // A second client that knows nothing of the bucket meets a real 429 and retries after it.
    const other = client();
    fake.setRateLimit('POST /channels/:id/messages', { limit: 2, windowMs: 25_000 });
    for (let index = 0; index < 2; index++)
      await rest.post(Routes.channelMessages(channelId), { body: { content: 'x' } });
    await other.post(Routes.channelMessages(channelId), { body: { content: 'from the other client' } });
    expect(fake.calls.some((call) => call.status === 429)).toBe(true);
    expect(fake.channelMessages(channelId).at(-1)?.content).toBe('from the other client');
  });

  it('retries 5xx answers and gives up with HTTPError after its retries', async () => {
    fake.inject({ route: 'POST /channels/:id/messages', kind: 'status', status: 500, times: 2 });
    await rest.post(Routes.channelMessages(channelId), { body: { content: 'third time lucky' } });
    expect(fake.calls.map((call) => call.status)).toEqual([500, 500, 200]);
    expect(fake.channelMessages(channelId)).toHaveLength(1);

    fake.inject({ route: '/channels/:channelId/messages', kind: 'status', status: 502, times: 4 });
    const error = await rest
      .post(Routes.channelMessages(channelId), { body: { content: 'never' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HTTPError);
    expect(fake.channelMessages(channelId)).toHaveLength(1);
  });
});
