/**
 * What a person sees in the fake Telegram, for test assertions: topic contents, topic list, chat actions.
 * @module
 */
import type { InlineKeyboardButton } from '@grammyjs/types';
import type { ChatRecord, MessageRecord, TelegramWorld } from './model.js';
import type { RecordedChatAction, VisibleMessage, VisibleTopic } from './types.js';

function knownChat(world: TelegramWorld, chatId: number, reader: string): ChatRecord {
  const chat = world.chats.get(chatId);
  if (!chat)
    throw new Error(`FakeTelegramServer.${reader}: no chat ${chatId}; create one with createForumGroup()`);
  return chat;
}

function callbackData(button: InlineKeyboardButton): string {
  return 'callback_data' in button && typeof button.callback_data === 'string' ? button.callback_data : '';
}

/** A message record as a person sees it. */
export function visibleMessage(message: MessageRecord): VisibleMessage {
  const rows = message.content.replyMarkup?.inline_keyboard ?? [];
  const visible: VisibleMessage = {
    messageId: message.messageId,
    text: message.content.text,
    buttons: rows.map((row) => row.map((button) => button.text)),
    buttonData: rows.map((row) => row.map(callbackData)),
    edits: message.history.length,
    deleted: message.deleted,
    fromBot: message.fromBot,
  };
  return {
    ...visible,
    ...(message.content.html === undefined ? {} : { html: message.content.html }),
    ...(message.document
      ? {
          document: {
            fileName: message.document.fileName,
            size: message.document.size,
            content: message.document.content,
            kind: message.document.kind,
          },
        }
      : {}),
  };
}

/**
 * Messages of one topic, oldest first, deleted ones included (flagged), topic service messages left out.
 * @param topic - `message_thread_id`; `undefined` for General.
 */
export function topicMessages(
  world: TelegramWorld,
  chatId: number,
  topic: number | undefined,
): VisibleMessage[] {
  const chat = knownChat(world, chatId, 'topicMessages');
  return [...chat.messages.values()]
    .filter((message) => message.threadId === topic && !message.topicCreated)
    .sort((a, b) => a.messageId - b.messageId)
    .map(visibleMessage);
}

/** Forum topics the bot created that still exist (General is implicit and not listed). */
export function topicList(world: TelegramWorld, chatId: number): VisibleTopic[] {
  const chat = knownChat(world, chatId, 'topics');
  return [...chat.topics.values()]
    .filter((topic) => !topic.deleted)
    .map((topic) => ({ id: topic.id, name: topic.name, closed: topic.closed }));
}

/** Chat actions sent to one topic (`undefined` = General), oldest first. */
export function chatActions(
  world: TelegramWorld,
  chatId: number,
  topic: number | undefined,
): RecordedChatAction[] {
  const chat = knownChat(world, chatId, 'chatActions');
  return chat.actions.filter((action) => action.threadId === topic).map(({ action, at }) => ({ action, at }));
}

/** A short human-readable dump of every chat and topic, for timeout messages. */
export function describeWorld(world: TelegramWorld, maxPerTopic = 8): string {
  const lines: string[] = [];
  for (const chat of world.chats.values()) {
    const threads: (number | undefined)[] = [undefined, ...[...chat.topics.keys()]];
    lines.push(`chat ${chat.id} "${chat.title}"`);
    for (const threadId of threads) {
      const topic = threadId === undefined ? undefined : chat.topics.get(threadId);
      const title = topic
        ? `topic ${topic.id} "${topic.name}"${topic.closed ? ' (closed)' : ''}${topic.deleted ? ' (deleted)' : ''}`
        : 'General';
      const messages = topicMessages(world, chat.id, threadId);
      lines.push(`  ${title}: ${messages.length} message(s)`);
      for (const message of messages.slice(-maxPerTopic)) {
        const who = message.fromBot ? 'bot' : 'person';
        const flags = `${message.deleted ? ' [deleted]' : ''}${message.edits > 0 ? ` [edited ×${message.edits}]` : ''}`;
        const buttons =
          message.buttons.length > 0
            ? ` buttons: ${message.buttons.map((row) => row.join(' | ')).join(' / ')}`
            : '';
        const text = message.text.length > 120 ? `${message.text.slice(0, 117)}...` : message.text;
        lines.push(`    #${message.messageId} ${who}${flags}: ${JSON.stringify(text)}${buttons}`);
      }
    }
  }
  return lines.length > 0 ? lines.join('\n') : '(no chats)';
}
