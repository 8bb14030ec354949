import { GatewayDispatchEvents, Routes } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectBot, dispatchesOf, Intents, type TestBot } from './__tests__/discordjs-clients.js';
import { FakeDiscordServer } from './server.js';

const alice = { id: '2000000000000000001', username: 'alice' };

describe('FakeDiscordServer gateway with the real @discordjs/ws WebSocketManager', () => {
  let fake: FakeDiscordServer;
  let channelId: string;
  const bots: TestBot[] = [];

  beforeEach(async () => {
    // A 1 s heartbeat keeps a loaded machine from looking like a zombie connection (which would resume).
    fake = new FakeDiscordServer({ timeScale: 0.01, heartbeatIntervalMs: 1000 });
    await fake.start();
    channelId = fake.createTextChannel({ name: 'agents' });
  });

  afterEach(async () => {
    await Promise.allSettled(bots.splice(0).map((bot) => bot.destroy()));
    await fake.stop();
  });

  async function connect(intents?: number): Promise<TestBot> {
    const bot = await connectBot(fake, intents);
    bots.push(bot);
    return bot;
  }

  it('answers IDENTIFY with READY and GUILD_CREATE, and acknowledges heartbeats', async () => {
    const bot = await connect();
    const [ready] = dispatchesOf(bot, GatewayDispatchEvents.Ready);
    expect(ready?.d).toMatchObject({
      v: 10,
      user: { id: fake.botUserId, bot: true },
      guilds: [{ id: fake.guildId }],
    });
    const guild = await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.GuildCreate)[0]);
    expect(guild.d).toMatchObject({ id: fake.guildId, channels: [{ id: channelId, name: 'agents' }] });
    expect(bot.dispatches.map((payload) => payload.s)).toEqual([1, 2]);

    for (let round = 1; round <= 2; round++) {
      const before = fake.heartbeats;
      fake.requestHeartbeat();
      await fake.waitFor(() => fake.heartbeats > before && bot.acks >= round, {
        what: `heartbeat ack ${round}`,
      });
    }
    expect(fake.identifies).toBe(1);
    expect(fake.resumes).toBe(0);
  });

  it('delivers what happened while the socket was down exactly once after RESUME', async () => {
    const bot = await connect();
    fake.userSays({ channelId, author: alice, content: 'before the drop' });
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).length === 1);

    fake.dropSocket();
    fake.userSays({ channelId, author: alice, content: 'missed one' });
    fake.userSays({ channelId, author: alice, content: 'missed two' });
    await fake.waitFor(() => fake.resumes === 1, { what: 'a RESUME' });
    fake.userSays({ channelId, author: alice, content: 'after the resume' });

    const contents = await fake.waitFor(() => {
      const seen = dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).map((payload) => payload.d.content);
      return seen.length >= 4 ? seen : undefined;
    });
    expect(contents).toEqual(['before the drop', 'missed one', 'missed two', 'after the resume']);
    expect(fake.identifies).toBe(1);
    expect(fake.resumeLog[0]).toMatchObject({ replayed: 2, usedResumeUrl: true });
    const sequence = bot.dispatches.map((payload) => payload.s);
    expect(new Set(sequence).size).toBe(sequence.length);
  });

  it('survives a close with code 4000 by resuming', async () => {
    const bot = await connect();
    fake.dropSocket({ code: 4000 });
    fake.userSays({ channelId, author: alice, content: 'while closed' });
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).length === 1);
    expect(fake.resumes).toBe(1);
    expect(fake.identifies).toBe(1);
  });

  it('RECONNECT (op 7) makes the client resume on resume_gateway_url', async () => {
    const bot = await connect();
    fake.requestReconnect();
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.Resumed).length === 1, {
      what: 'RESUMED',
    });
    fake.userSays({ channelId, author: alice, content: 'hello again' });
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).length === 1);
    expect(fake.resumeLog).toEqual([expect.objectContaining({ replayed: 0, usedResumeUrl: true })]);
    expect(fake.identifies).toBe(1);
  });

  it('INVALID_SESSION(false) makes the client IDENTIFY again, INVALID_SESSION(true) makes it resume', async () => {
    const bot = await connect();
    fake.invalidateSession(false);
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.Ready).length === 2, {
      what: 'a second READY',
    });
    expect(fake.identifies).toBe(2);
    expect(fake.resumes).toBe(0);

    fake.invalidateSession(true);
    await fake.waitFor(() => fake.resumes === 1, { what: 'a RESUME' });
    fake.userSays({ channelId, author: alice, content: 'still here' });
    await fake.waitFor(() => dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).length === 1);
    expect(fake.identifies).toBe(2);
  });

  it('blanks message content without the MESSAGE_CONTENT intent, as Discord does', async () => {
    const bot = await connect(Intents.Guilds | Intents.GuildMessages);
    expect(fake.identifyLog[0]?.messageContent).toBe(false);
    fake.userSays({ channelId, author: alice, content: 'a secret plan' });
    fake.userSays({ channelId, author: alice, content: `<@${fake.botUserId}> approve it` });
    await bot.rest.post(Routes.channelMessages(channelId), { body: { content: 'bot speaking' } });

    const seen = await fake.waitFor(() => {
      const contents = dispatchesOf(bot, GatewayDispatchEvents.MessageCreate).map(
        (payload) => payload.d.content,
      );
      return contents.length === 3 ? contents : undefined;
    });
    expect(seen).toEqual(['', `<@${fake.botUserId}> approve it`, 'bot speaking']);
  });

  it('shows message content to a session with the MESSAGE_CONTENT intent', async () => {
    const bot = await connect(Intents.Guilds | Intents.GuildMessages | Intents.MessageContent);
    expect(fake.identifyLog[0]?.messageContent).toBe(true);
    fake.userSays({ channelId, author: alice, content: 'a secret plan' });
    const [created] = await fake.waitFor(() => {
      const list = dispatchesOf(bot, GatewayDispatchEvents.MessageCreate);
      return list.length === 1 ? list : undefined;
    });
    expect(created?.d).toMatchObject({
      content: 'a secret plan',
      author: { id: alice.id, username: 'alice' },
    });
  });

  it('sends no message events to a session without GUILD_MESSAGES, but THREAD_CREATE with GUILDS', async () => {
    const bot = await connect(Intents.Guilds);
    fake.userSays({ channelId, author: alice, content: 'unseen' });
    await bot.rest.post(Routes.threads(channelId), { body: { name: 'session 1', type: 11 } });
    const [thread] = await fake.waitFor(() => {
      const list = dispatchesOf(bot, GatewayDispatchEvents.ThreadCreate);
      return list.length === 1 ? list : undefined;
    });
    expect(thread?.d).toMatchObject({ name: 'session 1', parent_id: channelId, type: 11 });
    expect(dispatchesOf(bot, GatewayDispatchEvents.MessageCreate)).toEqual([]);
  });
});

describe('FakeDiscordServer gateway protocol checks (raw socket)', () => {
  let fake: FakeDiscordServer;

  beforeEach(async () => {
    fake = new FakeDiscordServer();
    await fake.start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  function closeCode(socket: WebSocket): Promise<number> {
    return new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  it('says HELLO and closes with 4004 on a wrong token', async () => {
    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const hello = await new Promise<unknown>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    expect(hello).toEqual({ op: 10, d: { heartbeat_interval: 41_250 } });
    const closed = closeCode(socket);
    socket.send(JSON.stringify({ op: 2, d: { token: 'not-the-token', intents: 0, properties: {} } }));
    expect(await closed).toBe(4004);
    expect(fake.identifies).toBe(0);
  });

  it('answers a RESUME of an unknown session with INVALID_SESSION(false)', async () => {
    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await fake.waitFor(() => frames.length === 1);
    socket.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: 'nope', seq: 3 } }));
    await fake.waitFor(() => frames.length === 2);
    expect(frames[1]).toEqual({ op: 9, d: false });
    socket.close();
  });

  it('refuses compressed or non-JSON gateway connections', async () => {
    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    socket.on('error', () => undefined);
    await closeCode(socket);
    expect(fake.gatewayRefusals).toEqual([expect.stringContaining('compress=zlib-stream')]);
  });
});
