/**
 * Message methods of the fake Bot API: send, edit, delete, documents, chat actions.
 * @module
 */

import { messageObject } from '../api-objects.js';
import { BotApiRejection, badRequest } from '../api-rejection.js';
import type { ChatRecord, MessageContent, MessageRecord } from '../model.js';
import { retryAfterSeconds } from '../rate-limiter.js';
import { readInlineKeyboard, readMessageContent, sameContent } from './message-content.js';
import {
  fakeUnixSeconds,
  type MethodContext,
  type MethodHandler,
  type MethodRequest,
} from './method-context.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

interface Destination {
  readonly chat: ChatRecord;
  readonly threadId: number | undefined;
  readonly replyToMessageId: number | undefined;
}

/** Resolves chat, topic and reply target of a sending method, refusing as Telegram does. */
function readDestination(context: MethodContext, { params }: MethodRequest): Destination {
  const chat = context.world.chat(params.chatId());
  let threadId = params.optionalInt('message_thread_id');
  const topic = context.world.thread(chat, threadId);
  if (topic?.closed && !(chat.botIsAdmin && chat.canManageTopics)) throw badRequest('TOPIC_CLOSED');
  const replyParameters = params.json('reply_parameters');
  const replyToMessageId =
    typeof replyParameters === 'object' && replyParameters !== null && 'message_id' in replyParameters
      ? Number(replyParameters.message_id)
      : params.optionalInt('reply_to_message_id');
  if (replyToMessageId !== undefined) {
    const replied = chat.messages.get(replyToMessageId);
    if (!replied || replied.deleted) throw badRequest('message to be replied not found');
    // Without an explicit thread, a reply lands in the replied message's topic.
    threadId ??= replied.threadId;
  }
  return { chat, threadId, replyToMessageId };
}

/** Applies flood control; throws 429 with `retry_after` when a window is full. */
function consumeFloodQuota(context: MethodContext, chat: ChatRecord): void {
  const waitMs = context.flood.tryConsume(chat.id);
  if (waitMs === undefined) return;
  const retryAfter = retryAfterSeconds(waitMs, context.clock);
  throw new BotApiRejection(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

function storeBotMessage(
  context: MethodContext,
  destination: Destination,
  content: MessageContent,
  document?: MessageRecord['document'],
): MessageRecord {
  return context.world.addMessage(destination.chat, {
    threadId: destination.threadId,
    from: context.botInfo,
    fromBot: true,
    date: fakeUnixSeconds(context),
    content,
    document,
    replyToMessageId: destination.replyToMessageId,
    topicCreated: undefined,
  });
}

const sendMessage: MethodHandler = (context, request) => {
  const destination = readDestination(context, request);
  const content = readMessageContent(request.params, 'text');
  consumeFloodQuota(context, destination.chat);
  return messageObject(destination.chat, storeBotMessage(context, destination, content));
};

let fileSerial = 0;

function sendFile(field: 'document' | 'photo'): MethodHandler {
  return (context, request) => {
    const { params } = request;
    const destination = readDestination(context, request);
    const upload = params.file(field);
    const reference = params.optionalString(field);
    if (!upload && (reference === undefined || reference === '' || reference.startsWith('attach://'))) {
      throw badRequest(`there is no ${field} in the request`);
    }
    const content = readMessageContent(params, 'caption');
    consumeFloodQuota(context, destination.chat);
    const document = {
      fileName: upload?.fileName ?? field,
      size: upload?.size ?? 0,
      fileId: upload ? `BQACAgIAAxkBAAI${++fileSerial}` : (reference ?? ''),
      content: upload?.data ?? Buffer.alloc(0),
      kind: field,
    };
    return messageObject(destination.chat, storeBotMessage(context, destination, content, document));
  };
}

const sendDocument = sendFile('document');
const sendPhoto = sendFile('photo');

/** Finds the bot's own message to edit, refusing as Telegram does. */
function editableMessage(
  context: MethodContext,
  request: MethodRequest,
): { chat: ChatRecord; message: MessageRecord } {
  const { params } = request;
  if (params.optionalString('inline_message_id') !== undefined) {
    throw badRequest('inline messages are not modelled by the fake server');
  }
  const chat = context.world.chat(params.chatId());
  const message = context.world.liveMessage(chat, params.int('message_id'), 'message to edit not found');
  if (!message.fromBot || message.topicCreated) throw badRequest("message can't be edited");
  return { chat, message };
}

function applyEdit(context: MethodContext, message: MessageRecord, content: MessageContent): void {
  if (sameContent(message.content, content)) throw badRequest(NOT_MODIFIED);
  message.history.push(message.content);
  message.content = content;
  message.editDate = fakeUnixSeconds(context);
  context.world.changed();
}

const editMessageText: MethodHandler = (context, request) => {
  const { chat, message } = editableMessage(context, request);
  if (message.document) throw badRequest('there is no text in the message to edit');
  // Edits count against the same flood limits as new messages (edit-in-place streaming is not free on Telegram).
  consumeFloodQuota(context, chat);
  // Like Telegram, an edit without reply_markup removes the inline keyboard.
  applyEdit(context, message, readMessageContent(request.params, 'text'));
  return messageObject(chat, message);
};

const editMessageReplyMarkup: MethodHandler = (context, request) => {
  const { chat, message } = editableMessage(context, request);
  consumeFloodQuota(context, chat);
  applyEdit(context, message, { ...message.content, replyMarkup: readInlineKeyboard(request.params) });
  return messageObject(chat, message);
};

const deleteMessage: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  const message = context.world.liveMessage(chat, params.int('message_id'), 'message to delete not found');
  if (!message.fromBot && !chat.botIsAdmin) throw badRequest("message can't be deleted");
  message.deleted = true;
  context.world.changed();
  return true;
};

const sendChatAction: MethodHandler = (context, { params }) => {
  const chat = context.world.chat(params.chatId());
  const threadId = params.optionalInt('message_thread_id');
  context.world.thread(chat, threadId);
  const action = params.string('action');
  if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  chat.actions.push({ action, threadId, at: context.clock.now() });
  context.world.changed();
  return true;
};

/** Message methods by name. */
export const messageMethods: Readonly<Record<string, MethodHandler>> = {
  sendMessage,
  sendDocument,
  sendPhoto,
  editMessageText,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
};
