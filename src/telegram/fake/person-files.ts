/**
 * Files a person sends in the fake Telegram: a photo, a document or a voice note in a topic, as the bot receives
 * them (`photo` sizes, `document`, `voice`, each with a `file_id`); `getFile` and the file download endpoint
 * (`GET /file/bot<token>/<file_path>`) serve the bytes as the Bot API does, refusing files over 20 MB.
 * @module
 */
import type { File, Message } from '@grammyjs/types';
import { messageObject } from './api-objects.js';
import { BotApiRejection } from './api-rejection.js';
import type { MethodHandler } from './methods/method-context.js';
import type { MessageRecord, TelegramWorld } from './model.js';
import type { PersonSideDeps } from './person-side.js';
import type { FakePerson } from './types.js';

/** Input of `FakeTelegramServer.userSendsFile`. */
export interface UserSendsFileInput {
  readonly chatId: number;
  /** The topic's `message_thread_id`; `undefined` sends in General. */
  readonly topic?: number;
  readonly from: FakePerson;
  /** `photo` (a picture sent compressed), `document` (a file) or `voice` (a voice note, OGG/Opus). */
  readonly kind: 'photo' | 'document' | 'voice';
  readonly content: Buffer;
  /** The file's name (Telegram drops it for photos and voice notes). @defaultValue `file` */
  readonly fileName?: string;
  readonly caption?: string;
}

/** Bot API limit for bots downloading a file. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

let serial = 0;

/** A person sends a file; the bot gets a `message` update with `photo`, `document` or `voice`. */
export function userSendsFile(deps: PersonSideDeps, input: UserSendsFileInput): Message {
  const chat = deps.world.chats.get(input.chatId);
  if (!chat) throw new Error(`FakeTelegramServer.userSendsFile: no chat ${input.chatId}`);
  if (input.topic !== undefined && !chat.topics.get(input.topic)) {
    throw new Error(`FakeTelegramServer.userSendsFile: chat ${chat.id} has no topic ${input.topic}`);
  }
  const from = { id: input.from.id, is_bot: false, first_name: input.from.first_name };
  const record = deps.world.addMessage(chat, {
    threadId: input.topic,
    from: input.from.username !== undefined ? { ...from, username: input.from.username } : from,
    fromBot: false,
    date: Math.floor(deps.clock.now() / 1000),
    content: { text: input.caption ?? '', html: undefined, entities: [], replyMarkup: undefined },
    document: {
      fileName: input.fileName ?? 'file',
      size: input.content.length,
      fileId: `AgACAgIAAxkBAAP${++serial}`,
      content: input.content,
      kind: input.kind,
    },
    replyToMessageId: undefined,
    topicCreated: undefined,
  });
  const message = messageObject(chat, record);
  deps.queue.push({ message });
  return message;
}

function findFile(world: TelegramWorld, fileId: string): NonNullable<MessageRecord['document']> | undefined {
  for (const chat of world.chats.values()) {
    for (const message of chat.messages.values()) {
      if (message.document?.fileId === fileId) return message.document;
    }
  }
  return undefined;
}

/** `getFile`: the `file_path` to download a file from, as the Bot API answers it. */
export const fileMethods: Readonly<Record<string, MethodHandler>> = {
  getFile: (context, { params }): File => {
    const fileId = params.string('file_id');
    const file = findFile(context.world, fileId);
    if (!file) throw new BotApiRejection(400, 'Bad Request: invalid file_id');
    if (file.size > MAX_DOWNLOAD_BYTES) throw new BotApiRejection(400, 'Bad Request: file is too big');
    const folder = { photo: 'photos', voice: 'voice', document: 'documents' }[file.kind];
    return {
      file_id: fileId,
      file_unique_id: `u${fileId}`,
      file_size: file.size,
      file_path: `${folder}/${fileId}.${file.kind === 'voice' ? 'oga' : 'bin'}`,
    };
  },
};

/** The bytes behind a `file_path` given by `getFile`, or undefined (404). */
export function downloadFile(world: TelegramWorld, filePath: string): Buffer | undefined {
  const fileId = /^[a-z]+\/([A-Za-z0-9_-]+)\.[a-z]+$/.exec(filePath)?.[1];
  return fileId === undefined ? undefined : findFile(world, fileId)?.content;
}
