/**
 * Files people attach to a message in a session thread: images become photos, a voice message (flag
 * `IS_VOICE_MESSAGE`) a voice note, anything else a document. The bytes come from the attachment's CDN URL
 * (signed by Discord; no token is sent).
 * @module
 */
import type { APIMessage } from 'discord-api-types/v10';
import { TetherError } from '../core/errors.js';
import type { IncomingFile } from '../core/inbound-files.js';
import type { ChatUser } from '../core/types.js';

const IS_VOICE_MESSAGE = 1 << 13;

/** The files of a message, for `handleFile`; the message's text is the first file's caption. */
export function incomingFiles(message: APIMessage, threadId: string, user: ChatUser): IncomingFile[] {
  const voice = ((message.flags ?? 0) & IS_VOICE_MESSAGE) !== 0;
  return message.attachments.map((attachment, index) => {
    const image =
      attachment.content_type?.startsWith('image/') ?? /\.(png|jpe?g|gif|webp)$/i.test(attachment.filename);
    return {
      threadId,
      user,
      kind: voice ? 'voice' : image ? 'photo' : 'document',
      fileName: attachment.filename,
      size: attachment.size,
      ...(attachment.content_type !== undefined ? { mimeType: attachment.content_type } : {}),
      ...(index === 0 && message.content.trim() !== '' ? { caption: message.content } : {}),
      download: () => downloadAttachment(attachment.url),
    };
  });
}

async function downloadAttachment(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new TetherError('NETWORK', 'Downloading the file from Discord failed; send it again.', {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new TetherError(
      'ATTACHMENT',
      `Discord refused the file download (HTTP ${response.status}); send it again.`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
