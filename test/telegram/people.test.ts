import { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { createTelegramTransport } from '../../src/telegram/transport.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  ManualClock,
  OWNER,
  STRANGER,
  say,
  startFake,
  waitForButton,
} from './telegram-world.js';

let world: FakeWorld;
let bridge: TelegramBridge | undefined;
const inputs: { threadId: string; text: string }[] = [];

beforeEach(async () => {
  world = await startFake();
  inputs.length = 0;
});

afterEach(async () => {
  await bridge?.stop();
  bridge = undefined;
  await world.fake.stop();
});

async function started(extra: Parameters<typeof bridgeOn>[1] = {}): Promise<TelegramBridge> {
  bridge = bridgeOn(world, {
    handlers: {
      onInput: (threadId, text) => {
        inputs.push({ threadId, text });
      },
      onStatusRequest: (threadId) => (threadId ? `status of ${threadId}` : 'all quiet'),
    },
    commands: { deploy: { description: 'Deploy the app', handler: ({ args }) => `deploying ${args}` } },
    ...extra,
  });
  await bridge.start();
  return bridge;
}

describe('start-up', () => {
  it('registers help/rules/status/stop/usage and custom commands for the group', async () => {
    await started();
    const call = world.fake.calls.find((c) => c.method === 'setMyCommands');
    const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
    const commands = json(call?.params.commands) as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual(['deploy', 'help', 'rules', 'status', 'stop', 'usage']);
    expect(json(call?.params.scope)).toEqual({ type: 'chat', chat_id: world.chatId });
    await world.fake.waitFor(() => world.fake.longPollWaiting, { what: 'the long poll' });
  });

  it('a wrong token is refused with the fix, and the token never appears in the message', async () => {
    bridge = bridgeOn(world, { token: '999999:SECRET-WRONG-TOKEN' });
    const error = await bridge.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('check TELEGRAM_BOT_TOKEN from @BotFather');
    expect((error as Error).message).not.toContain('SECRET-WRONG-TOKEN');
    bridge = undefined;
  });

  it('a group without Topics is refused with the fix', async () => {
    const chatId = world.fake.createForumGroup({ title: 'Plain', isForum: false });
    bridge = bridgeOn({ ...world, chatId });
    await expect(bridge.start()).rejects.toThrow(/enable Topics in the group settings/);
    bridge = undefined;
  });

  it('a bot that is not an administrator, or may not manage topics, is refused with the fix', async () => {
    const notAdmin = world.fake.createForumGroup({ title: 'No admin', botIsAdmin: false });
    await expect(bridgeOn({ ...world, chatId: notAdmin }).start()).rejects.toThrow(
      /make it an administrator with the "Manage topics" right/,
    );
    const noTopics = world.fake.createForumGroup({ title: 'No topics right', canManageTopics: false });
    await expect(bridgeOn({ ...world, chatId: noTopics }).start()).rejects.toThrow(
      /give it the "Manage topics" administrator right/,
    );
  });
});

describe('messages and commands', () => {
  it('text in a thread is agent input; messages in other chats are ignored', async () => {
    const b = await started();
    const thread = await b.createThread('Input');
    const other = world.fake.createForumGroup({ title: 'Elsewhere' });
    world.fake.userSays({ chatId: other, from: OWNER, text: '/status' });
    say(world, thread, 'add a login page');
    await world.fake.waitFor(() => inputs.length === 1);
    expect(inputs).toEqual([{ threadId: thread, text: 'add a login page' }]);
    expect(world.fake.topicMessages(other)).toHaveLength(1);
  });

  it('commands work in a topic and in General (also /cmd@botname), answered where asked', async () => {
    const b = await started();
    const thread = await b.createThread('Commands');
    say(world, thread, '/status');
    await world.fake.waitFor(() => botMessages(world, thread).some((m) => m.text === `status of ${thread}`));
    say(world, undefined, '/status@fake_tether_bot');
    await world.fake.waitFor(() => botMessages(world, undefined).some((m) => m.text === 'all quiet'));
    say(world, undefined, '/deploy prod');
    await world.fake.waitFor(() => botMessages(world, undefined).some((m) => m.text === 'deploying prod'));
    say(world, undefined, '/help');
    await world.fake.waitFor(() => botMessages(world, undefined).some((m) => m.text.includes('/usage')));
    say(world, undefined, 'just chatting in General');
    expect(inputs).toEqual([]);
  });

  it('a stranger is refused with a short answer, audited, and their text is not input', async () => {
    const b = await started();
    const thread = await b.createThread('Auth');
    const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'deploy' } });
    const card = await waitForButton(world, thread, 'Allow');
    const answer = await world.fake.userTaps({ message: card.messageId, button: 'Allow', from: STRANGER });
    expect(answer).toMatchObject({ showAlert: true, text: expect.stringMatching(/not authorized/) });
    say(world, thread, 'run it anyway', STRANGER);
    await world.fake.waitFor(() => botMessages(world, thread).some((m) => m.text.includes('Sorry mallory')));
    expect(
      b.auditLog().filter((e) => e.action === 'auth.refused' && e.userId === String(STRANGER.id)),
    ).toHaveLength(2);
    expect(inputs).toEqual([]);
    expect(
      botMessages(world, thread).find((m) => m.messageId === card.messageId)?.buttons.length,
    ).toBeGreaterThan(0);
    await world.fake.userTaps({ message: card.messageId, button: 'Deny', from: OWNER });
    expect((await decision).behavior).toBe('deny');
  });

  it('pairing with the code lets a new person in', async () => {
    const b = await started({ allowedUserIds: [], pairingCode: '12345678' });
    const thread = await b.createThread('Pairing');
    say(world, thread, '/pair 12345678', STRANGER);
    await world.fake.waitFor(() =>
      botMessages(world, thread).some((m) => m.text.includes('Paired: mallory')),
    );
    say(world, thread, 'hello agent', STRANGER);
    await world.fake.waitFor(() => inputs.length === 1);
  });

  it('forged or unknown callback data is answered harmlessly and changes nothing', async () => {
    const b = await started();
    const thread = await b.createThread('Forged');
    const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    const card = await waitForButton(world, thread, 'Allow');
    const real = card.buttonData[0]?.[0] ?? '';
    for (const data of [
      'at1:a:AAAAAAAAAAAAAAAA',
      `${real.slice(0, -1)}${real.endsWith('X') ? 'Y' : 'X'}`, // a one-character forgery (never the real payload)
      'garbage',
      'at1:c9:AAAAAAAAAAAAAAAA',
    ]) {
      const answer = await world.fake.userTapsData({
        chatId: world.chatId,
        messageId: card.messageId,
        data,
        from: OWNER,
      });
      expect(answer?.text).toBe('This button is no longer active.');
    }
    expect(b.auditLog().filter((e) => e.action === 'tap.invalid')).toHaveLength(4);
    expect(botMessages(world, thread).find((m) => m.messageId === card.messageId)?.edits).toBe(0);
    await world.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER });
    expect((await decision).behavior).toBe('allow');
  });
});

describe('output details', () => {
  it('typing is shown in the topic, renewed every 4 s, and stops with output', async () => {
    const clock = new ManualClock();
    const b = await started({ clock });
    const thread = await b.createThread('Typing');
    b.sendTyping(thread);
    await world.fake.waitFor(() => world.fake.chatActions(world.chatId, Number(thread)).length === 1);
    clock.advance(3999);
    clock.advance(1);
    await world.fake.waitFor(() => world.fake.chatActions(world.chatId, Number(thread)).length === 2);
    clock.advance(4000);
    await world.fake.waitFor(() => world.fake.chatActions(world.chatId, Number(thread)).length === 3);
    expect(world.fake.chatActions(world.chatId, Number(thread)).every((a) => a.action === 'typing')).toBe(
      true,
    );
    await b.sendOutput(thread, 'done');
    expect(b.isTyping(thread)).toBe(false);
    clock.advance(20_000);
    expect(world.fake.chatActions(world.chatId, Number(thread))).toHaveLength(3);
  });

  it('HTML Telegram refuses is re-sent as plain text rather than lost', async () => {
    const bot = new Bot(world.fake.token, { client: { apiRoot: world.apiRoot } });
    const topic = await bot.api.createForumTopic(world.chatId, 'HTML');
    const warnings: string[] = [];
    const transport = createTelegramTransport({
      api: bot.api,
      chatId: world.chatId,
      token: world.fake.token,
      logger: { debug() {}, info() {}, error() {}, warn: (_o, msg) => warnings.push(String(msg)) },
    });
    const id = await transport.post(String(topic.message_thread_id), {
      text: '<b>bold <i>crossed</b></i> &amp; 1 &lt; 2',
    });
    const [message] = botMessages(world, String(topic.message_thread_id));
    expect(message?.text).toBe('bold crossed & 1 < 2');
    expect(message?.messageId).toBe(Number(id));
    expect(message?.html).toBeUndefined();
    expect(world.fake.countCalls('sendMessage')).toBe(2);
    expect(warnings).toHaveLength(1);
    await transport.edit(String(topic.message_thread_id), id, {
      text: '<b>bold <i>crossed</b></i> &amp; 1 &lt; 2',
    });
    expect(botMessages(world, String(topic.message_thread_id))[0]?.edits).toBe(0);
  });
});
