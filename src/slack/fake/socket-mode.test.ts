import { type Logger, LogLevel, SocketModeClient } from '@slack/socket-mode';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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

let fake: FakeSlackServer | undefined;
let socket: SocketModeClient | undefined;

afterEach(async () => {
  await socket?.disconnect();
  socket = undefined;
  await fake?.stop();
  fake = undefined;
});

async function connect(options: FakeSlackServerOptions = {}) {
  const server = new FakeSlackServer(options);
  fake = server;
  await server.start();
  // clientPingTimeout also sets the client's reconnect delay (1 × timeout), so keep it short.
  const client = new SocketModeClient({
    appToken: server.appToken,
    logger: silent,
    clientPingTimeout: 1000,
    clientOptions: {
      slackApiUrl: server.apiUrl,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 },
    },
  });
  socket = client;
  const channel = server.createChannel({ name: 'agents' });
  return { server, client, channel };
}

function connectionOpens(server: FakeSlackServer): number {
  return server.calls.filter((c) => c.method === 'apps.connections.open' && c.ok).length;
}

describe('FakeSlackServer Socket Mode with the real SocketModeClient', () => {
  it('says hello, then delivers a person’s message and mention, and records the acks', async () => {
    const { server, client, channel } = await connect({ echoBotMessages: false });
    const messages: Record<string, unknown>[] = [];
    const mentions: Record<string, unknown>[] = [];
    client.on('message', async ({ event, ack }) => {
      messages.push(event);
      await ack();
    });
    client.on('app_mention', async ({ event, ack }) => {
      mentions.push(event);
      await ack();
    });
    await client.start();
    expect(server.connectionCount).toBe(1);

    const ts = server.userPosts({ channel, user: 'U0ALICE', text: `<@${server.botUserId}> run the tests` });
    await server.waitFor(
      () => server.envelopes().length === 2 && server.envelopes().every((e) => e.state === 'acked'),
    );

    expect(messages).toEqual([
      expect.objectContaining({
        type: 'message',
        channel,
        user: 'U0ALICE',
        text: `<@${server.botUserId}> run the tests`,
        ts,
        event_ts: ts,
        channel_type: 'channel',
        team: server.teamId,
      }),
    ]);
    expect(mentions).toEqual([
      expect.objectContaining({ type: 'app_mention', channel, user: 'U0ALICE', ts }),
    ]);
    expect(server.envelopes().map((e) => [e.type, e.deliveries, e.retryAttempt])).toEqual([
      ['events_api', 1, 0],
      ['events_api', 1, 0],
    ]);
  });

  it('redelivers an unacknowledged envelope with retry_attempt + 1 and retry_reason timeout', async () => {
    const { server, client, channel } = await connect({ ackTimeoutMs: 300, echoBotMessages: false });
    const seen: [number, string][] = [];
    client.on('slack_event', async ({ ack, retry_num, retry_reason }) => {
      seen.push([retry_num, retry_reason]);
      if (retry_num >= 1) await ack();
    });
    await client.start();

    server.userPosts({ channel, user: 'U0ALICE', text: 'are you there?' });
    await server.waitFor(() => server.envelopes()[0]?.state === 'acked');

    expect(seen).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    expect(server.envelopes()[0]).toMatchObject({ deliveries: 2, retryAttempt: 1, retryReason: 'timeout' });
  });

  it('gives up after three retries when nobody acks', async () => {
    const { server, client, channel } = await connect({ ackTimeoutMs: 30, echoBotMessages: false });
    const attempts: number[] = [];
    client.on('message', ({ retry_num }) => {
      attempts.push(retry_num);
    });
    await client.start();

    server.userPosts({ channel, user: 'U0ALICE', text: 'hello?' });
    await server.waitFor(() => server.envelopes()[0]?.state === 'expired');

    expect(attempts).toEqual([0, 1, 2, 3]);
    expect(server.envelopes()[0]?.deliveries).toBe(4);
  });

  it('treats a slowAck as too late: the envelope comes again and the second ack counts', async () => {
    const { server, client, channel } = await connect({ ackTimeoutMs: 300, echoBotMessages: false });
    const attempts: number[] = [];
    client.on('message', async ({ ack, retry_num }) => {
      attempts.push(retry_num);
      await ack();
    });
    await client.start();
    server.inject({ kind: 'slowAck' });

    server.userPosts({ channel, user: 'U0ALICE', text: 'ping' });
    await server.waitFor(() => server.envelopes()[0]?.state === 'acked');

    expect(attempts).toEqual([0, 1]);
  });

  it('on refresh_requested the client reconnects with a new URL and the next envelope arrives once', async () => {
    const { server, client, channel } = await connect({ echoBotMessages: false });
    const texts: string[] = [];
    client.on('message', async ({ event, ack }) => {
      texts.push(event.text);
      await ack();
    });
    await client.start();
    expect(connectionOpens(server)).toBe(1);

    server.disconnect('refresh_requested');
    await server.waitFor(() => server.connectionCount === 0, { description: 'the old connection to close' });
    // Posted while no connection is open: queued, then delivered on the new connection.
    server.userPosts({ channel, user: 'U0ALICE', text: 'after the refresh' });
    await server.waitFor(() => server.envelopes()[0]?.state === 'acked', {
      description: 'the queued envelope',
    });

    expect(connectionOpens(server)).toBe(2);
    expect(server.connectionCount).toBe(1);
    expect(texts).toEqual(['after the refresh']);
    expect(server.envelopes()[0]?.deliveries).toBe(1);
  });

  it('reconnects after the socket drops without warning', async () => {
    const { server, client, channel } = await connect({ echoBotMessages: false });
    const texts: string[] = [];
    client.on('message', async ({ event, ack }) => {
      texts.push(event.text);
      await ack();
    });
    await client.start();

    server.dropSocket();
    await server.waitFor(() => connectionOpens(server) === 2 && server.connectionCount === 1);
    server.userPosts({ channel, user: 'U0ALICE', text: 'still there?' });
    await server.waitFor(() => texts.length === 1);

    expect(texts).toEqual(['still there?']);
  });

  it('delivers a button click whose response_url replaces the card for everyone', async () => {
    const { server, client, channel } = await connect({ echoBotMessages: false });
    const web = new WebClient(server.botToken, { slackApiUrl: server.apiUrl, logger: silent });
    const clicks: Record<string, unknown>[] = [];
    client.on('interactive', async ({ body, ack }) => {
      clicks.push(body);
      await ack();
      await fetch(body.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replace_original: true, text: '✅ Allowed by alice' }),
      });
    });
    await client.start();
    const thread = server.userPosts({ channel, user: 'U0ALICE', text: 'start' });
    const card = await web.chat.postMessage({
      channel,
      thread_ts: thread,
      text: 'Allow Bash?',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Allow *Bash*?' } },
        {
          type: 'actions',
          block_id: 'approval',
          elements: [
            {
              type: 'button',
              action_id: 'allow',
              text: { type: 'plain_text', text: 'Allow' },
              value: 'r1:allow',
            },
            {
              type: 'button',
              action_id: 'deny',
              text: { type: 'plain_text', text: 'Deny' },
              value: 'r1:deny',
            },
          ],
        },
      ],
    });

    server.userClicks({ channel, message: card.ts ?? '', buttonText: 'Allow', user: 'U0ALICE' });
    await server.waitFor(() => server.message(channel, card.ts ?? '')?.edits === 1);

    expect(clicks[0]).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      channel: { id: channel },
      container: { type: 'message', message_ts: card.ts, channel_id: channel, thread_ts: thread },
      actions: [{ type: 'button', action_id: 'allow', block_id: 'approval', value: 'r1:allow' }],
    });
    const [, reply] = server.threadMessages(channel, thread);
    expect(reply).toMatchObject({ text: '✅ Allowed by alice', buttons: [], edits: 1, botPosted: true });
  });

  it('shows a slash command’s ack payload to the person who ran it', async () => {
    const { server, client, channel } = await connect({ echoBotMessages: false });
    const commands: Record<string, unknown>[] = [];
    client.on('slash_commands', async ({ body, ack }) => {
      commands.push(body);
      await ack({ text: 'Running: 1 session' });
    });
    await client.start();

    server.userRunsSlashCommand({ command: '/agent', text: 'status', user: 'U0ALICE', channel });
    await server.waitFor(() => server.ephemeralMessages(channel, 'U0ALICE').length === 1);

    expect(commands[0]).toMatchObject({
      command: '/agent',
      text: 'status',
      user_id: 'U0ALICE',
      channel_id: channel,
    });
    expect(server.ephemeralMessages(channel, 'U0ALICE')[0]?.text).toBe('Running: 1 session');
    expect(server.ephemeralMessages(channel, 'U0BOB')).toEqual([]);
  });

  it('echoes the bot’s own posts as message events with bot_id, as Slack does', async () => {
    const { server, client, channel } = await connect();
    const web = new WebClient(server.botToken, { slackApiUrl: server.apiUrl, logger: silent });
    const events: Record<string, unknown>[] = [];
    client.on('message', async ({ event, ack }) => {
      events.push(event);
      await ack();
    });
    await client.start();

    await web.chat.postMessage({ channel, text: 'from the bot' });
    await server.waitFor(() => events.length === 1);

    expect(events[0]).toMatchObject({ text: 'from the bot', bot_id: 'B0FAKEBOT', user: server.botUserId });
  });

  it('refuses a Socket Mode URL without a valid ticket', async () => {
    const server = new FakeSlackServer();
    fake = server;
    await server.start();
    const url = server.apiUrl.replace('http://', 'ws://').replace('/api/', '/socket?ticket=forged');
    const ws = new WebSocket(url);
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/401/);
    expect(server.connectionCount).toBe(0);
  });
});
