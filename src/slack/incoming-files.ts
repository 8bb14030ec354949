/**
 * Files people share in a session thread: each becomes a photo (images) or a document (an audio clip a voice
 * note), downloaded from its `url_private` with the bot token, as Slack requires. The message's text is the
 * first file's caption.
 * @module
 */
import { TetherError } from '../core/errors.js';
import type { IncomingFile } from '../core/inbound-files.js';
import type { ChatUser } from '../core/types.js';
import type { SlackSharedFile } from './events.js';

/** The shared files of a message, for `handleFile`. */
export function incomingSlackFiles(
  files: readonly SlackSharedFile[],
  text: string,
  threadId: string,
  user: ChatUser,
  botToken: string,
): IncomingFile[] {
  return files.map((file, index) => ({
    threadId,
    user,
    kind: file.mimetype?.startsWith('image/')
      ? 'photo'
      : file.mimetype?.startsWith('audio/')
        ? 'voice'
        : 'document',
    fileName: file.name,
    ...(file.mimetype !== undefined ? { mimeType: file.mimetype } : {}),
    ...(file.size !== undefined ? { size: file.size } : {}),
    ...(index === 0 && text.trim() !== '' ? { caption: text } : {}),
    download: () => download(file.url, botToken),
  }));
}

async function download(url: string, botToken: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${botToken}` } });
  } catch {
    // Never the token: only what failed.
    throw new TetherError('NETWORK', 'Downloading the file from Slack failed; send it again.');
  }
  if (!response.ok || response.headers.get('content-type')?.startsWith('text/html')) {
    throw new TetherError(
      'ATTACHMENT',
      `Slack refused the file download (HTTP ${response.status}). Fix: give the app the files:read scope, then send it again.`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
