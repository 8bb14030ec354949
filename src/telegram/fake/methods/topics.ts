/**
 * Forum topic methods of the fake Bot API.
 * @module
 */
import type { ForumTopic } from '@grammyjs/types';
import { badRequest } from '../api-rejection.js';
import type { ChatRecord, TopicRecord } from '../model.js';
import {
  fakeUnixSeconds,
  type MethodContext,
  type MethodHandler,
  type MethodRequest,
} from './method-context.js';

/** The topic icon colours Telegram allows. */
const ICON_COLORS = [0x6fb9f0, 0xffd67e, 0xcb86db, 0x8eee98, 0xff93b2, 0xfb6f5f];
const MAX_TOPIC_NAME = 128;

/** Topics the bot created, which it may manage without `can_manage_topics` (per the Bot API docs). */
const createdByBot = new WeakSet<TopicRecord>();

function topicObject(topic: TopicRecord): ForumTopic {
  const result: ForumTopic = { message_thread_id: topic.id, name: topic.name, icon_color: topic.iconColor };
  if (topic.iconCustomEmojiId !== undefined) result.icon_custom_emoji_id = topic.iconCustomEmojiId;
  return result;
}

function readTopicName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name.trim() === '' || [...name].length > MAX_TOPIC_NAME) throw badRequest('TOPIC_TITLE_INVALID');
  return name;
}

const createForumTopic: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  if (!chat.isForum) throw badRequest('the chat is not a forum');
  if (!chat.botIsAdmin || !chat.canManageTopics) throw badRequest('not enough rights to create a topic');
  const name = readTopicName(params.string('name')) ?? '';
  const iconColor = params.optionalInt('icon_color') ?? ICON_COLORS[0] ?? 0;
  if (!ICON_COLORS.includes(iconColor)) throw badRequest('TOPIC_ICON_COLOR_INVALID');
  // The topic's thread id is the id of the service message that created it.
  const service = context.world.addMessage(chat, {
    threadId: chat.nextMessageId,
    from: context.botInfo,
    fromBot: true,
    date: fakeUnixSeconds(context),
    content: { text: '', html: undefined, entities: [], replyMarkup: undefined },
    document: undefined,
    replyToMessageId: undefined,
    topicCreated: { name, iconColor },
  });
  const topic: TopicRecord = {
    id: service.messageId,
    name,
    iconColor,
    iconCustomEmojiId: params.optionalString('icon_custom_emoji_id'),
    closed: false,
    deleted: false,
  };
  chat.topics.set(topic.id, topic);
  createdByBot.add(topic);
  context.world.changed();
  return topicObject(topic);
};

/** Finds a topic the bot may manage. */
function manageableTopic(
  context: MethodContext,
  { params }: MethodRequest,
): { chat: ChatRecord; topic: TopicRecord } {
  const chat = context.world.chat(params.chatId());
  if (!chat.isForum) throw badRequest('the chat is not a forum');
  const topic = context.world.thread(chat, params.int('message_thread_id'));
  if (!topic) throw badRequest('message thread not found');
  const mayManage = chat.botIsAdmin && (chat.canManageTopics || createdByBot.has(topic));
  if (!mayManage) throw badRequest('not enough rights to manage topics');
  return { chat, topic };
}

const editForumTopic: MethodHandler = (context, request) => {
  const { topic } = manageableTopic(context, request);
  const name = readTopicName(request.params.optionalString('name'));
  const emoji = request.params.optionalString('icon_custom_emoji_id');
  const newName = name ?? topic.name;
  const newEmoji = emoji === undefined ? topic.iconCustomEmojiId : emoji === '' ? undefined : emoji;
  if (newName === topic.name && newEmoji === topic.iconCustomEmojiId) throw badRequest('TOPIC_NOT_MODIFIED');
  topic.name = newName;
  topic.iconCustomEmojiId = newEmoji;
  context.world.changed();
  return true;
};

function setClosed(closed: boolean): MethodHandler {
  return (context, request) => {
    const { topic } = manageableTopic(context, request);
    if (topic.closed === closed) throw badRequest('TOPIC_NOT_MODIFIED');
    topic.closed = closed;
    context.world.changed();
    return true;
  };
}

const deleteForumTopic: MethodHandler = (context, request) => {
  const { chat, topic } = manageableTopic(context, request);
  topic.deleted = true;
  for (const message of chat.messages.values()) {
    if (message.threadId === topic.id) message.deleted = true;
  }
  context.world.changed();
  return true;
};

/** Forum topic methods by name. */
export const topicMethods: Readonly<Record<string, MethodHandler>> = {
  createForumTopic,
  editForumTopic,
  closeForumTopic: setClosed(true),
  reopenForumTopic: setClosed(false),
  deleteForumTopic,
};
