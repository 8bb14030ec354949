import { Bot, GrammyError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from './index.js';

let fake: FakeTelegramServer;
let bot: Bot;
let chatId: number;

beforeEach(async () => {
  fake = new FakeTelegramServer({ rateLimits: false });
  const apiRoot = await fake.start();
  bot = new Bot(fake.token, { client: { apiRoot } });
  chatId = fake.createForumGroup({ title: 'Agents' });
});

afterEach(async () => {
  await fake.stop();
});

async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe('FakeTelegramServer Bot API', () => {
  it('answers getMe with the bot and refuses a wrong token with 401 Unauthorized', async () => {
    expect(await bot.api.getMe()).toMatchObject({ is_bot: true, username: 'fake_tether_bot', id: 123456 });
    const stranger = new Bot('999:WRONG', { client: { apiRoot: fake.url } });
    const error = await refusal(stranger.api.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe('Unauthorized');
  });

  it('answers an unknown method with 404 method not found', async () => {
    const raw = bot.api.raw as unknown as Record<string, () => Promise<unknown>>;
    const error = await refusal(raw.fooBarBaz?.() ?? Promise.resolve());
    expect(error.error_code).toBe(404);
    expect(error.description).toBe('Not Found: method not found');
  });

  it('shows a topic message as its visible text, with the HTML source and buttons', async () => {
    const topic = await bot.api.createForumTopic(chatId, 'session 1');
    expect(fake.topics(chatId)).toEqual([{ id: topic.message_thread_id, name: 'session 1', closed: false }]);
    const sent = await bot.api.sendMessage(chatId, '<b>Run</b> <code>ls &amp;&amp; pwd</code>?', {
      parse_mode: 'HTML',
      message_thread_id: topic.message_thread_id,
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Allow', callback_data: 'a:1' },
            { text: 'Deny', callback_data: 'd:1' },
          ],
        ],
      },
    });
    expect(sent).toMatchObject({
      message_thread_id: topic.message_thread_id,
      is_topic_message: true,
      text: 'Run ls && pwd?',
    });
    expect(fake.topicMessages(chatId, topic.message_thread_id)).toEqual([
      {
        messageId: sent.message_id,
        text: 'Run ls && pwd?',
        html: '<b>Run</b> <code>ls &amp;&amp; pwd</code>?',
        buttons: [['Allow', 'Deny']],
        buttonData: [['a:1', 'd:1']],
        edits: 0,
        deleted: false,
        fromBot: true,
      },
    ]);
    expect(fake.topicMessages(chatId)).toEqual([]);
  });

  it('refuses empty and over-long text, counting the text after entity parsing', async () => {
    expect((await refusal(bot.api.sendMessage(chatId, '  '))).description).toBe(
      'Bad Request: message text is empty',
    );
    const tooLong = await refusal(bot.api.sendMessage(chatId, 'x'.repeat(4097)));
    expect(tooLong.description).toBe('Bad Request: message is too long');
    // 4096 visible characters wrapped in tags fit.
    await bot.api.sendMessage(chatId, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(fake.topicMessages(chatId)).toHaveLength(1);
  });

  it("refuses invalid HTML with can't parse entities", async () => {
    const error = await refusal(bot.api.sendMessage(chatId, 'a <script>x</script>', { parse_mode: 'HTML' }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 2`,
    );
  });

  it('refuses callback_data over 64 bytes with BUTTON_DATA_INVALID', async () => {
    const error = await refusal(
      bot.api.sendMessage(chatId, 'card', {
        reply_markup: { inline_keyboard: [[{ text: 'Allow', callback_data: 'é'.repeat(33) }]] },
      }),
    );
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('edits text and keyboard, and refuses an edit that changes nothing', async () => {
    const keyboard = { inline_keyboard: [[{ text: 'Allow', callback_data: 'a' }]] };
    const sent = await bot.api.sendMessage(chatId, 'Approve?', { reply_markup: keyboard });
    const same = await refusal(
      bot.api.editMessageText(chatId, sent.message_id, 'Approve?', { reply_markup: keyboard }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified: specified new message content/);
    await bot.api.editMessageText(chatId, sent.message_id, 'Approved ✅');
    await bot.api.editMessageReplyMarkup(chatId, sent.message_id, { reply_markup: keyboard });
    const [message] = fake.topicMessages(chatId);
    expect(message).toMatchObject({ text: 'Approved ✅', buttons: [['Allow']], edits: 2 });
    const noMarkup = await refusal(
      bot.api.editMessageReplyMarkup(chatId, sent.message_id, { reply_markup: keyboard }),
    );
    expect(noMarkup.description).toMatch(/message is not modified/);
  });

  it('deletes a message, which stays visible to readers only as deleted', async () => {
    const sent = await bot.api.sendMessage(chatId, 'temporary');
    await bot.api.deleteMessage(chatId, sent.message_id);
    expect(fake.topicMessages(chatId)).toMatchObject([{ text: 'temporary', deleted: true }]);
    const again = await refusal(bot.api.deleteMessage(chatId, sent.message_id));
    expect(again.description).toBe('Bad Request: message to delete not found');
  });

  it('refuses unknown, deleted and General (id 1) threads with message thread not found', async () => {
    const unknown = await refusal(bot.api.sendMessage(chatId, 'hi', { message_thread_id: 999 }));
    expect(unknown.description).toBe('Bad Request: message thread not found');
    const general = await refusal(bot.api.sendMessage(chatId, 'hi', { message_thread_id: 1 }));
    expect(general.description).toBe('Bad Request: message thread not found');
    const topic = await bot.api.createForumTopic(chatId, 'short-lived');
    await bot.api.deleteForumTopic(chatId, topic.message_thread_id);
    const deleted = await refusal(
      bot.api.sendMessage(chatId, 'hi', { message_thread_id: topic.message_thread_id }),
    );
    expect(deleted.description).toBe('Bad Request: message thread not found');
    expect(fake.topics(chatId)).toEqual([]);
  });

  it('refuses createForumTopic outside a forum and without rights', async () => {
    const plain = fake.createForumGroup({ title: 'plain', isForum: false });
    expect((await refusal(bot.api.createForumTopic(plain, 't'))).description).toBe(
      'Bad Request: the chat is not a forum',
    );
    const noRights = fake.createForumGroup({ title: 'no rights', canManageTopics: false });
    expect((await refusal(bot.api.createForumTopic(noRights, 't'))).description).toBe(
      'Bad Request: not enough rights to create a topic',
    );
    expect((await refusal(bot.api.sendMessage(-42, 'hi'))).description).toBe('Bad Request: chat not found');
  });

  it('edits, closes and reopens topics', async () => {
    const topic = await bot.api.createForumTopic(chatId, 'draft');
    await bot.api.editForumTopic(chatId, topic.message_thread_id, { name: 'final' });
    await bot.api.closeForumTopic(chatId, topic.message_thread_id);
    expect(fake.topics(chatId)).toEqual([{ id: topic.message_thread_id, name: 'final', closed: true }]);
    const twice = await refusal(bot.api.closeForumTopic(chatId, topic.message_thread_id));
    expect(twice.description).toBe('Bad Request: TOPIC_NOT_MODIFIED');
    await bot.api.reopenForumTopic(chatId, topic.message_thread_id);
    expect(fake.topics(chatId)[0]?.closed).toBe(false);
  });

  it('uploads a document as multipart/form-data and records its name and size', async () => {
    const topic = await bot.api.createForumTopic(chatId, 'logs');
    const sent = await bot.api.sendDocument(
      chatId,
      new InputFile(Buffer.from('line 1\nline 2\n'), 'output.log'),
      {
        message_thread_id: topic.message_thread_id,
        caption: '<i>full output</i>',
        parse_mode: 'HTML',
      },
    );
    expect(sent.document).toMatchObject({ file_name: 'output.log', file_size: 14 });
    expect(fake.topicMessages(chatId, topic.message_thread_id)).toMatchObject([
      { text: 'full output', document: { fileName: 'output.log', size: 14 } },
    ]);
    expect(fake.calls.find((call) => call.method === 'sendDocument')?.params.document).toEqual({
      fileName: 'output.log',
      size: 14,
    });
  });

  it('records chat actions, commands and chat information', async () => {
    const topic = await bot.api.createForumTopic(chatId, 'work');
    await bot.api.sendChatAction(chatId, 'typing', { message_thread_id: topic.message_thread_id });
    expect(fake.chatActions(chatId, topic.message_thread_id)).toMatchObject([{ action: 'typing' }]);
    expect(fake.chatActions(chatId)).toEqual([]);
    await bot.api.setMyCommands([{ command: 'status', description: 'Show sessions' }]);
    expect(fake.commands()).toEqual([{ command: 'status', description: 'Show sessions' }]);
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'status', description: 'Show sessions' }]);
    expect(await bot.api.getChat(chatId)).toMatchObject({
      id: chatId,
      type: 'supergroup',
      is_forum: true,
    });
    expect(await bot.api.getChatMember(chatId, 123456)).toMatchObject({
      status: 'administrator',
      can_manage_topics: true,
    });
    expect((await bot.api.getChatAdministrators(chatId)).map((m) => m.status)).toEqual([
      'creator',
      'administrator',
    ]);
    expect(fake.countCalls('sendChatAction')).toBe(1);
  });

  it('accepts form-urlencoded and query-string parameters', async () => {
    const form = await fetch(`${fake.url}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(chatId), text: 'from a form' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: 'from a form' } });
    const query = await fetch(`${fake.url}/bot${fake.token}/getChat?chat_id=${chatId}`);
    expect(await query.json()).toMatchObject({ ok: true, result: { id: chatId } });
  });
});
