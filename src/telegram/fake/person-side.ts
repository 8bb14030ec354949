/**
 * What a person does in the fake Telegram: write in a topic, tap an inline button.
 * Each action becomes an update the bot receives through `getUpdates`.
 * @module
 */
import type { Message, MessageEntity, User } from '@grammyjs/types';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import { messageObject } from './api-objects.js';
import type { CallbackQueries } from './callback-queries.js';
import type { ChatRecord, MessageRecord, TelegramWorld } from './model.js';
import type { CallbackAnswer, FakePerson } from './types.js';
import type { UpdateQueue } from './update-queue.js';

/** What the person's side works on. */
export interface PersonSideDeps {
  readonly world: TelegramWorld;
  readonly queue: UpdateQueue;
  readonly clock: ScaledClock;
  readonly callbacks: CallbackQueries;
}

/** Input of `FakeTelegramServer.userSays`. */
export interface UserSaysInput {
  readonly chatId: number;
  /** The topic's `message_thread_id`; `undefined` writes in General. */
  readonly topic?: number;
  readonly from: FakePerson;
  readonly text: string;
  /** The id of the message this one replies to. */
  readonly replyTo?: number;
}

/** Input of `FakeTelegramServer.userTaps`. */
export interface UserTapsInput {
  /** The message holding the button, by id or as the `Message` the bot got back. */
  readonly message: number | Message;
  /** The button's label or its `callback_data`. */
  readonly button: string;
  readonly from: FakePerson;
  /** Needed only when several chats have a message with that id. */
  readonly chatId?: number;
}

/** Input of `FakeTelegramServer.userTapsData`: a tap with arbitrary (possibly forged) `callback_data`. */
export interface UserTapsDataInput {
  readonly chatId: number;
  readonly messageId: number;
  readonly data: string;
  readonly from: FakePerson;
}

function toUser(person: FakePerson): User {
  const user: User = { id: person.id, is_bot: false, first_name: person.first_name };
  if (person.username !== undefined) user.username = person.username;
  if (person.last_name !== undefined) user.last_name = person.last_name;
  return user;
}

function knownChat(world: TelegramWorld, chatId: number, action: string): ChatRecord {
  const chat = world.chats.get(chatId);
  if (!chat)
    throw new Error(`FakeTelegramServer.${action}: no chat ${chatId}; create one with createForumGroup()`);
  return chat;
}

function commandEntities(text: string): MessageEntity[] {
  const command = /^\/[a-zA-Z0-9_]{1,32}(@[a-zA-Z0-9_]{5,32})?/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
}

/** A person writes a message; the bot gets a `message` update. */
export function userSays(deps: PersonSideDeps, input: UserSaysInput): Message {
  const chat = knownChat(deps.world, input.chatId, 'userSays');
  const replied = input.replyTo === undefined ? undefined : chat.messages.get(input.replyTo);
  if (input.replyTo !== undefined && (!replied || replied.deleted)) {
    throw new Error(
      `FakeTelegramServer.userSays: message ${input.replyTo} does not exist in chat ${chat.id}`,
    );
  }
  const threadId = input.topic ?? replied?.threadId;
  if (threadId !== undefined) {
    const topic = chat.topics.get(threadId);
    if (!topic || topic.deleted)
      throw new Error(`FakeTelegramServer.userSays: chat ${chat.id} has no topic ${threadId}`);
    if (topic.closed)
      throw new Error(
        `FakeTelegramServer.userSays: topic "${topic.name}" is closed; a member can't write there`,
      );
  }
  if (input.text.trim() === '')
    throw new Error('FakeTelegramServer.userSays: Telegram clients do not send empty messages');
  const record = deps.world.addMessage(chat, {
    threadId,
    from: toUser(input.from),
    fromBot: false,
    date: Math.floor(deps.clock.now() / 1000),
    content: {
      text: input.text,
      html: undefined,
      entities: commandEntities(input.text),
      replyMarkup: undefined,
    },
    document: undefined,
    replyToMessageId: input.replyTo,
    topicCreated: undefined,
  });
  const message = messageObject(chat, record);
  deps.queue.push({ message });
  return message;
}

function findMessage(
  world: TelegramWorld,
  input: UserTapsInput,
): { chat: ChatRecord; message: MessageRecord } {
  const messageId = typeof input.message === 'number' ? input.message : input.message.message_id;
  const chatId = typeof input.message === 'number' ? input.chatId : input.message.chat.id;
  const candidates = [...world.chats.values()]
    .filter((chat) => chatId === undefined || chat.id === chatId)
    .flatMap((chat) => {
      const message = chat.messages.get(messageId);
      return message ? [{ chat, message }] : [];
    });
  const [found, second] = candidates;
  if (!found) throw new Error(`FakeTelegramServer.userTaps: no message ${messageId}`);
  if (second)
    throw new Error(`FakeTelegramServer.userTaps: message ${messageId} exists in several chats; pass chatId`);
  return found;
}

/** A person taps an inline button; resolves with the bot's `answerCallbackQuery`, if any. */
export function userTaps(deps: PersonSideDeps, input: UserTapsInput): Promise<CallbackAnswer | undefined> {
  const { chat, message } = findMessage(deps.world, input);
  if (message.deleted)
    throw new Error(`FakeTelegramServer.userTaps: message ${message.messageId} was deleted`);
  const buttons = message.content.replyMarkup?.inline_keyboard.flat() ?? [];
  const button =
    buttons.find((candidate) => candidate.text === input.button) ??
    buttons.find((candidate) => 'callback_data' in candidate && candidate.callback_data === input.button);
  if (!button || !('callback_data' in button) || button.callback_data === undefined) {
    const labels = buttons.map((candidate) => JSON.stringify(candidate.text)).join(', ') || 'none';
    throw new Error(
      `FakeTelegramServer.userTaps: message ${message.messageId} has no callback button ${JSON.stringify(input.button)} (buttons: ${labels})`,
    );
  }
  return tap(deps, chat, message, button.callback_data, input.from);
}

/** A person's client sends a callback query with arbitrary data for a message (forged payloads). */
export function userTapsData(
  deps: PersonSideDeps,
  input: UserTapsDataInput,
): Promise<CallbackAnswer | undefined> {
  const chat = knownChat(deps.world, input.chatId, 'userTapsData');
  const message = chat.messages.get(input.messageId);
  if (!message)
    throw new Error(`FakeTelegramServer.userTapsData: no message ${input.messageId} in chat ${chat.id}`);
  return tap(deps, chat, message, input.data, input.from);
}

function tap(
  deps: PersonSideDeps,
  chat: ChatRecord,
  message: MessageRecord,
  data: string,
  from: FakePerson,
): Promise<CallbackAnswer | undefined> {
  const user = toUser(from);
  deps.world.users.set(user.id, user);
  const { id, answer } = deps.callbacks.open();
  deps.queue.push({
    callback_query: {
      id,
      from: user,
      message: messageObject(chat, message),
      chat_instance: String(-chat.id * 7919),
      data,
    },
  });
  deps.world.changed();
  return answer;
}
