/**
 * What the Telegram bridge takes from updates: who acted, in which topic, with what text or button.
 * Messages from other chats and from bots (including this one) are not for us.
 * @module
 */
import type { CallbackQuery, Message, User } from '@grammyjs/types';
import type { ChatUser } from '../core/types.js';

/** A person as the core sees them: numeric id as a string, username or first name. */
export function telegramPerson(from: User): ChatUser {
  return { id: String(from.id), name: from.username ?? from.first_name, platform: 'telegram' };
}

/** A person's message in the forum group. `topic` is undefined in General. */
export interface TelegramIncomingMessage {
  readonly topic: number | undefined;
  readonly user: ChatUser;
  readonly text: string;
  /** True when the text is a command (`/name`, `/name@bot`). */
  readonly isCommand: boolean;
}

/**
 * Read a person's message, or undefined when it is not for the bridge (other chat, a bot, no text).
 * @param message - the update's message.
 * @param chatId - the bridge's forum group.
 */
export function readIncomingMessage(message: Message, chatId: number): TelegramIncomingMessage | undefined {
  if (message.chat.id !== chatId) return undefined;
  const from = message.from;
  if (!from || from.is_bot) return undefined;
  const text = message.text ?? message.caption;
  if (text === undefined || text.trim() === '') return undefined;
  // Only topic messages carry is_topic_message; a reply in General may carry a message_thread_id without it.
  const topic = message.is_topic_message ? message.message_thread_id : undefined;
  return { topic, user: telegramPerson(from), text, isCommand: /^\/[A-Za-z]/.test(text.trim()) };
}

/** A button tap in the forum group. */
export interface TelegramIncomingTap {
  readonly topic: number | undefined;
  readonly user: ChatUser;
  readonly payload: string;
}

/**
 * Read a callback query, or undefined when it is not for the bridge (other chat, no data, a bot).
 * @param query - the update's callback query.
 * @param chatId - the bridge's forum group.
 */
export function readIncomingTap(query: CallbackQuery, chatId: number): TelegramIncomingTap | undefined {
  const message = query.message;
  if (!message || message.chat.id !== chatId) return undefined;
  if (query.data === undefined || query.from.is_bot) return undefined;
  const topic =
    'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined;
  return { topic, user: telegramPerson(query.from), payload: query.data };
}
