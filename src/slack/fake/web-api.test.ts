import type { Logger } from '@slack/web-api';
import {
  LogLevel,
  WebAPIPlatformError,
  type WebAPIRateLimitedError,
  WebClient,
  WebClientEvent,
} from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlackServer } from './index.js';
import type { FakeSlackServerOptions } from './types.js';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

const fastRetries = { retries: 10, factor: 1, minTimeout: 5, maxTimeout: 10 };

let fake: FakeSlackServer | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function setup(options: FakeSlackServerOptions = {}) {
  const server = new FakeSlackServer({ echoBotMessages: false, ...options });
  fake = server;
  await server.start();
  const web = new WebClient(server.botToken, {
    slackApiUrl: server.apiUrl,
    logger: silent,
    retryConfig: fastRetries,
  });
  const channel = server.createChannel({ name: 'agents' });
  return { server, web, channel };
}

async function slackError(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WebAPIPlatformError))
    throw new Error(`expected a platform error, got ${String(error)}`);
  return error.data.error;
}

const button = (text: string, actionId: string, value = 'v') => ({
  type: 'button' as const,
  text: { type: 'plain_text' as const, text },
  action_id: actionId,
  value,
});

describe('FakeSlackServer Web API with the real WebClient', () => {
  it('answers auth.test for the bot token and refuses bad or missing tokens like Slack', async () => {
    const { server, web } = await setup();
    await expect(web.auth.test()).resolves.toMatchObject({
      ok: true,
      team_id: server.teamId,
      user_id: server.botUserId,
      bot_id: 'B0FAKEBOT',
    });

    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: server.apiUrl, logger: silent });
    expect(await slackError(wrong.auth.test())).toBe('invalid_auth');
    const bare = await fetch(`${server.apiUrl}auth.test`, { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await slackError(web.apps.connections.open())).toBe('not_allowed_token_type');
    expect(server.calls.map((c) => c.error ?? 'ok')).toEqual([
      'ok',
      'invalid_auth',
      'not_authed',
      'not_allowed_token_type',
    ]);
    expect(JSON.stringify(server.calls)).not.toContain(server.botToken);
  });

  it('accepts the token in a JSON body too, and answers unknown methods with unknown_method', async () => {
    const { server, web, channel } = await setup();
    const response = await fetch(`${server.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.botToken, channel, text: 'json body' }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel });
    expect(server.channelMessages(channel).map((m) => m.text)).toEqual(['json body']);
    expect(await slackError(web.apiCall('files.frobnicate'))).toBe('unknown_method');
  });

  it('refuses unknown channels, channels the bot is not in, and too-long text', async () => {
    const { server, web, channel } = await setup();
    const outside = server.createChannel({ name: 'random', botIsMember: false });
    const secret = server.createChannel({ name: 'secret', botIsMember: false, isPrivate: true });
    expect(await slackError(web.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(web.chat.postMessage({ channel: outside, text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(web.conversations.info({ channel: secret }))).toBe('channel_not_found');
    await expect(web.conversations.info({ channel: outside })).resolves.toMatchObject({
      channel: { id: outside, name: 'random', is_member: false, is_private: false },
    });
    expect(await slackError(web.chat.postMessage({ channel, text: 'x'.repeat(40_001) }))).toBe(
      'msg_too_long',
    );
    await expect(web.chat.postMessage({ channel, text: 'x'.repeat(40_000) })).resolves.toMatchObject({
      ok: true,
    });
    expect(await slackError(web.chat.postMessage({ channel, text: '' }))).toBe('no_text');
  });

  it('enforces Block Kit limits at their exact boundaries', async () => {
    const { web, channel } = await setup({ rateLimits: false });
    const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
    const actions = (...elements: ReturnType<typeof button>[]) => ({ type: 'actions' as const, elements });
    const post = (blocks: (ReturnType<typeof section> | ReturnType<typeof actions>)[]) =>
      web.chat.postMessage({ channel, text: 'fallback', blocks });

    await expect(post(Array.from({ length: 50 }, () => section('ok')))).resolves.toMatchObject({ ok: true });
    expect(await slackError(post(Array.from({ length: 51 }, () => section('ok'))))).toBe('invalid_blocks');
    await expect(post([section('s'.repeat(3000))])).resolves.toMatchObject({ ok: true });
    expect(await slackError(post([section('s'.repeat(3001))]))).toBe('invalid_blocks');
    await expect(post([actions(button('b'.repeat(75), 'a'))])).resolves.toMatchObject({ ok: true });
    expect(await slackError(post([actions(button('b'.repeat(76), 'a'))]))).toBe('invalid_blocks');
    expect(await slackError(post([actions(button('ok', 'a', 'v'.repeat(2001)))]))).toBe('invalid_blocks');
    expect(await slackError(post([actions(button('ok', 'a'.repeat(256)))]))).toBe('invalid_blocks');
    await expect(post([actions(button('ok', 'a'.repeat(255), 'v'.repeat(2000)))])).resolves.toMatchObject({
      ok: true,
    });
    expect(await slackError(post([actions(button('one', 'same'), button('two', 'same'))]))).toBe(
      'invalid_blocks',
    );

    const error = await post([section('s'.repeat(3001))]).catch((e: WebAPIPlatformError) => e);
    expect(error).toBeInstanceOf(WebAPIPlatformError);
    expect((error as WebAPIPlatformError).data).toMatchObject({
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    });
  });

  it('shows a person the edited card after chat.update, and refuses unknown messages', async () => {
    const { server, web, channel } = await setup();
    const root = server.userPosts({ channel, user: 'U0ALICE', text: 'fix the build' });
    const card = await web.chat.postMessage({
      channel,
      thread_ts: root,
      text: 'Allow Bash?',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Allow *Bash*: `npm test`?' } },
        {
          type: 'actions',
          block_id: 'r1',
          elements: [button('Allow', 'allow', 'r1:a'), button('Deny', 'deny', 'r1:d')],
        },
      ],
    });
    expect(server.threadMessages(channel, root)[1]?.buttons).toEqual([
      { text: 'Allow', actionId: 'allow', value: 'r1:a', blockId: 'r1' },
      { text: 'Deny', actionId: 'deny', value: 'r1:d', blockId: 'r1' },
    ]);

    await web.chat.update({
      channel,
      ts: card.ts ?? '',
      text: 'Allowed by alice',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '✅ Allowed by alice' } }],
    });

    const seen = server.threadMessages(channel, root);
    expect(seen.map((m) => [m.user, m.text, m.buttons.length, m.edits, m.botPosted])).toEqual([
      ['U0ALICE', 'fix the build', 0, 0, false],
      [server.botUserId, 'Allowed by alice', 0, 1, true],
    ]);
    expect(await slackError(web.chat.update({ channel, ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await slackError(web.chat.update({ channel, ts: root, text: 'x' }))).toBe('cant_update_message');

    await web.chat.delete({ channel, ts: card.ts ?? '' });
    expect(server.threadMessages(channel, root)[1]?.deleted).toBe(true);
    expect(await slackError(web.chat.update({ channel, ts: card.ts ?? '', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it('serves threads, reactions, ephemeral messages and users', async () => {
    const { server, web, channel } = await setup();
    server.addUser({ id: 'U0ALICE', name: 'alice', realName: 'Alice Example' });
    const root = server.userPosts({ channel, user: 'U0ALICE', text: 'root' });
    const reply = server.userPosts({ channel, user: 'U0ALICE', text: 'reply', threadTs: root });
    await web.chat.postMessage({ channel, thread_ts: reply, text: 'bot reply' });

    const replies = await web.conversations.replies({ channel, ts: root });
    expect(replies.messages?.map((m) => [m.text, m.thread_ts])).toEqual([
      ['root', root],
      ['reply', root],
      ['bot reply', root],
    ]);
    expect(await slackError(web.conversations.replies({ channel, ts: '1.000001' }))).toBe('thread_not_found');

    await web.reactions.add({ channel, timestamp: root, name: 'eyes' });
    expect(server.reactions(channel, root)).toEqual([{ name: 'eyes', users: [server.botUserId] }]);
    expect(await slackError(web.reactions.add({ channel, timestamp: root, name: 'eyes' }))).toBe(
      'already_reacted',
    );
    await web.reactions.remove({ channel, timestamp: root, name: 'eyes' });
    expect(server.reactions(channel, root)).toEqual([]);

    await web.chat.postEphemeral({ channel, user: 'U0ALICE', text: 'only you' });
    expect(server.ephemeralMessages(channel, 'U0ALICE').map((e) => e.text)).toEqual(['only you']);
    expect(await slackError(web.chat.postEphemeral({ channel, user: 'U0BOB', text: 'x' }))).toBe(
      'user_not_found',
    );

    await expect(web.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({
      user: { id: 'U0ALICE', name: 'alice', real_name: 'Alice Example', is_bot: false },
    });
    expect(await slackError(web.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
  });

  it('rate-limits chat.postMessage per channel with 429 + Retry-After, which WebClient waits out', async () => {
    const { server, web, channel } = await setup({
      rateLimits: { 'chat.postMessage': { perMinute: 60, burst: 2, scope: 'channel' } },
    });
    const other = server.createChannel({ name: 'other' });
    const waits: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));

    await web.chat.postMessage({ channel, text: '1' });
    await web.chat.postMessage({ channel, text: '2' });
    await web.chat.postMessage({ channel: other, text: 'elsewhere' });
    await web.chat.postMessage({ channel, text: '3' });

    expect(server.channelMessages(channel).map((m) => m.text)).toEqual(['1', '2', '3']);
    expect(server.calls.map((c) => [c.params.text, c.status, c.error ?? 'ok'])).toEqual([
      ['1', 200, 'ok'],
      ['2', 200, 'ok'],
      ['elsewhere', 200, 'ok'],
      ['3', 429, 'ratelimited'],
      ['3', 200, 'ok'],
    ]);
    expect(waits).toEqual([1]);
  });

  it('answers an injected rate limit with the Retry-After WebClient waits for', async () => {
    const { server, web, channel } = await setup({ rateLimits: false });
    server.inject({ method: 'chat.postMessage', kind: 'ratelimit', retryAfter: 1, times: 2 });

    const raw = await fetch(`${server.apiUrl}chat.postMessage`, { method: 'POST' });
    expect([raw.status, raw.headers.get('retry-after'), await raw.json()]).toEqual([
      429,
      '1',
      { ok: false, error: 'ratelimited' },
    ]);
    const waits: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    await web.chat.postMessage({ channel, text: 'after waiting' });

    expect(waits).toEqual([1]);
    expect(server.calls.map((c) => c.status)).toEqual([429, 429, 200]);
    const strict = new WebClient(server.botToken, {
      slackApiUrl: server.apiUrl,
      logger: silent,
      rejectRateLimitedCalls: true,
    });
    server.inject({ kind: 'ratelimit', retryAfter: 30 });
    const error = await strict.auth.test().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 });
    expect(error).toBeInstanceOf(Error);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(30);
  });

  it('injects 5xx statuses and delays that the WebClient retry policy rides out', async () => {
    const { server, web, channel } = await setup({ rateLimits: false });
    server.inject({ method: 'chat.postMessage', kind: 'status', status: 503 });
    server.inject({ method: 'chat.postMessage', kind: 'delay', ms: 20 });

    await web.chat.postMessage({ channel, text: 'eventually' });

    expect(server.calls.map((c) => c.status)).toEqual([503, 200]);
    expect(server.channelMessages(channel).map((m) => m.text)).toEqual(['eventually']);
  });
});
