/**
 * Files people send in the forum group: a photo (its largest size), a document or a voice note, read from the
 * message and downloaded through `getFile` and the Bot API's file endpoint (bots may download up to 20 MB).
 * @module
 */

import type { Message } from '@grammyjs/types';
import type { Api } from 'grammy';
import { TetherError } from '../core/errors.js';
import type { IncomingFile } from '../core/inbound-files.js';
import { telegramPerson } from './inbound.js';

/**
 * The file of a person's message, for `handleFile`, or undefined when it carries none (or is not for the bridge).
 * `threadId` is the topic, undefined in General.
 */
export function incomingFile(
  message: Message,
  chatId: number,
  download: (fileId: string) => Promise<Uint8Array>,
): IncomingFile | undefined {
  if (message.chat.id !== chatId) return undefined;
  const from = message.from;
  if (!from || from.is_bot) return undefined;
  const photo = message.photo?.at(-1);
  const { document, voice } = message;
  const file = photo
    ? {
        kind: 'photo' as const,
        id: photo.file_id,
        name: 'photo.jpg',
        mime: 'image/jpeg',
        size: photo.file_size,
      }
    : document
      ? {
          kind: 'document' as const,
          id: document.file_id,
          name: document.file_name ?? 'file',
          mime: document.mime_type,
          size: document.file_size,
        }
      : voice
        ? {
            kind: 'voice' as const,
            id: voice.file_id,
            name: 'voice.ogg',
            mime: voice.mime_type,
            size: voice.file_size,
          }
        : undefined;
  if (!file) return undefined;
  return {
    threadId: message.is_topic_message ? String(message.message_thread_id) : undefined,
    user: telegramPerson(from),
    kind: file.kind,
    fileName: file.name,
    ...(file.mime !== undefined ? { mimeType: file.mime } : {}),
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(message.caption ? { caption: message.caption } : {}),
    download: () => download(file.id),
  };
}

/** Download a file by id. Errors never carry the token (it is in the download URL). */
export async function downloadTelegramFile(
  api: Api,
  bot: { readonly apiRoot: string | undefined; readonly token: string },
  fileId: string,
): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (file.file_path === undefined) {
    throw new TetherError('ATTACHMENT', 'Telegram gave no path for that file; send it again.');
  }
  const root = bot.apiRoot ?? 'https://api.telegram.org';
  let response: Response;
  try {
    response = await fetch(`${root}/file/bot${bot.token}/${file.file_path}`);
  } catch {
    throw new TetherError('NETWORK', 'Downloading the file from Telegram failed; send it again.');
  }
  if (!response.ok) {
    throw new TetherError(
      'ATTACHMENT',
      `Telegram refused the file download (HTTP ${response.status}); send it again.`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
