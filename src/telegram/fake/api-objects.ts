/**
 * Turns the fake's records into Bot API objects (`Chat`, `Message`), typed with `@grammyjs/types`.
 * @module
 */
import type { Chat, Message, Update } from '@grammyjs/types';
import type { ChatRecord, MessageRecord } from './model.js';

/** The `Chat` object of a fake supergroup. */
export function chatObject(chat: ChatRecord): Chat.SupergroupChat {
  return chat.isForum
    ? { id: chat.id, type: 'supergroup', title: chat.title, is_forum: true }
    : { id: chat.id, type: 'supergroup', title: chat.title };
}

/**
 * The `Message` object for a record, as Telegram would send it (topic fields, entities, keyboard,
 * reply, document, edit date).
 * @param chat - the message's chat.
 * @param message - the record.
 * @param withReply - whether to embed `reply_to_message` (Telegram does not nest replies twice).
 */
export function messageObject(
  chat: ChatRecord,
  message: MessageRecord,
  withReply = true,
): Message & Update.NonChannel {
  const { content } = message;
  const result: Message & Update.NonChannel = {
    message_id: message.messageId,
    date: message.date,
    chat: chatObject(chat),
    from: message.from,
  };
  if (message.threadId !== undefined) {
    result.message_thread_id = message.threadId;
    result.is_topic_message = true;
  }
  if (message.topicCreated) {
    result.forum_topic_created = {
      name: message.topicCreated.name,
      icon_color: message.topicCreated.iconColor,
    };
    return result;
  }
  if (message.document) {
    const file = {
      file_id: message.document.fileId,
      file_unique_id: `u${message.document.fileId}`,
      file_size: message.document.size,
    };
    if (message.document.kind === 'photo') result.photo = [{ ...file, width: 1, height: 1 }];
    else if (message.document.kind === 'voice')
      result.voice = { ...file, duration: 1, mime_type: 'audio/ogg' };
    else result.document = { ...file, file_name: message.document.fileName };
    if (content.text !== '') result.caption = content.text;
    if (content.entities.length > 0) result.caption_entities = content.entities;
  } else {
    result.text = content.text;
    if (content.entities.length > 0) result.entities = content.entities;
  }
  if (content.replyMarkup) result.reply_markup = content.replyMarkup;
  if (message.editDate !== undefined) result.edit_date = message.editDate;
  // Inside a topic, a message that replies to nothing replies to the topic's creation message.
  const replyId = message.replyToMessageId ?? message.threadId;
  const replied = replyId === undefined ? undefined : chat.messages.get(replyId);
  if (withReply && replied && !replied.deleted) {
    // @grammyjs/types spells a reply as `Message & { reply_to_message: undefined }`, which
    // exactOptionalPropertyTypes cannot construct; a message built without a reply is that shape.
    result.reply_to_message = messageObject(chat, replied, false) as unknown as NonNullable<
      Message['reply_to_message']
    >;
  }
  return result;
}
