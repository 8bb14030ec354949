/**
 * The fake's world: chats, forum topics, messages, chat actions and the bot's commands.
 * Plain records; the Bot API methods and the person's side both change it.
 * @module
 */
import type { BotCommand, InlineKeyboardMarkup, MessageEntity, User } from '@grammyjs/types';
import { badRequest } from './api-rejection.js';

/** The General topic's `message_thread_id` inside the fake (never valid in requests, as on Telegram). */
export const GENERAL_TOPIC_ID = 1;

/** A forum topic. */
export interface TopicRecord {
  readonly id: number;
  name: string;
  iconColor: number;
  iconCustomEmojiId: string | undefined;
  closed: boolean;
  deleted: boolean;
}

/** One version of a message's content. */
export interface MessageContent {
  readonly text: string;
  readonly html: string | undefined;
  readonly entities: MessageEntity[];
  readonly replyMarkup: InlineKeyboardMarkup | undefined;
}

/** A message in a chat. */
export interface MessageRecord {
  readonly chatId: number;
  readonly messageId: number;
  /** `undefined` for the General topic (and for non-forum chats). */
  readonly threadId: number | undefined;
  readonly from: User;
  readonly fromBot: boolean;
  /** Unix seconds, fake time. */
  readonly date: number;
  content: MessageContent;
  /** Earlier versions, oldest first. */
  readonly history: MessageContent[];
  editDate: number | undefined;
  deleted: boolean;
  readonly document:
    | {
        readonly fileName: string;
        readonly size: number;
        readonly fileId: string;
        /** The uploaded bytes (empty when the bot sent a file_id). */
        readonly content: Buffer;
        /** `photo` for sendPhoto. */
        readonly kind: 'document' | 'photo' | 'voice';
      }
    | undefined;
  readonly replyToMessageId: number | undefined;
  /** Set on the service message that created a topic (its id is the topic's thread id). */
  readonly topicCreated: { readonly name: string; readonly iconColor: number } | undefined;
}

/** A chat action the bot sent. */
export interface ChatActionRecord {
  readonly action: string;
  readonly threadId: number | undefined;
  readonly at: number;
}

/** A chat (the fake models supergroups, forum or not). */
export interface ChatRecord {
  readonly id: number;
  readonly title: string;
  readonly isForum: boolean;
  readonly botIsAdmin: boolean;
  readonly canManageTopics: boolean;
  readonly owner: User;
  nextMessageId: number;
  readonly topics: Map<number, TopicRecord>;
  readonly messages: Map<number, MessageRecord>;
  readonly actions: ChatActionRecord[];
}

/** Everything the fake remembers, plus a change signal for `waitFor`. */
export class TelegramWorld {
  readonly chats = new Map<number, ChatRecord>();
  readonly users = new Map<number, User>();
  readonly commands = new Map<string, BotCommand[]>();
  #nextChatSerial = 1;
  readonly #listeners = new Set<() => void>();

  /** @param bot - the bot user (`getMe`). */
  constructor(readonly bot: User) {}

  /** Creates a supergroup chat with an id like Telegram's (`-100…`). */
  addChat(options: Omit<ChatRecord, 'id' | 'nextMessageId' | 'topics' | 'messages' | 'actions'>): ChatRecord {
    const id = -(1_000_000_000_000 + 2_000_000 + this.#nextChatSerial++);
    const chat: ChatRecord = {
      id,
      nextMessageId: 1,
      topics: new Map(),
      messages: new Map(),
      actions: [],
      ...options,
    };
    this.chats.set(id, chat);
    this.users.set(options.owner.id, options.owner);
    this.changed();
    return chat;
  }

  /** The chat for a `chat_id` parameter, or `400 chat not found`. */
  chat(chatId: number | string): ChatRecord {
    const chat = typeof chatId === 'number' ? this.chats.get(chatId) : undefined;
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  /**
   * Resolves a `message_thread_id` parameter: `undefined` means General; anything else must be a
   * live topic of a forum (General's own id 1 is refused, as Telegram does).
   */
  thread(chat: ChatRecord, threadId: number | undefined): TopicRecord | undefined {
    if (threadId === undefined) return undefined;
    const topic = chat.isForum ? chat.topics.get(threadId) : undefined;
    if (!topic || topic.deleted) throw badRequest('message thread not found');
    return topic;
  }

  /** The message `messageId` of `chat`, live, or a refusal naming the operation. */
  liveMessage(chat: ChatRecord, messageId: number, notFound: string): MessageRecord {
    const message = chat.messages.get(messageId);
    if (!message || message.deleted) throw badRequest(notFound);
    return message;
  }

  /** Stores a new message with the chat's next id. */
  addMessage(
    chat: ChatRecord,
    fields: Omit<MessageRecord, 'chatId' | 'messageId' | 'history' | 'editDate' | 'deleted'>,
  ) {
    const message: MessageRecord = {
      ...fields,
      chatId: chat.id,
      messageId: chat.nextMessageId++,
      history: [],
      editDate: undefined,
      deleted: false,
    };
    chat.messages.set(message.messageId, message);
    if (!fields.fromBot) this.users.set(fields.from.id, fields.from);
    this.changed();
    return message;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Signals that the world changed. */
  changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
