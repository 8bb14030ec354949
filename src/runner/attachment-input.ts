/**
 * How a file a person sent reaches an agent: runners that take files natively implement
 * `Runner.sendAttachment` (Claude: an image content block; subprocess agents: an `attachment` message); any
 * other gets the saved file's path as text input.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { IncomingAttachment } from '../core/types.js';
import type { Runner } from './types.js';

/** The text an agent without native file input receives: where the file is, and the person's caption. */
export function attachmentText(attachment: IncomingAttachment): string {
  const what = attachment.kind === 'photo' ? 'an image' : 'a file';
  const caption = attachment.caption ? `\n\n${attachment.caption}` : '';
  return `The person sent ${what}, saved at ${attachment.path}${caption}`;
}

/** Give a file to a session: natively when the runner can, else as its path in text input. */
export async function sendAttachmentTo(
  runner: Runner,
  sessionId: string,
  attachment: IncomingAttachment,
): Promise<void> {
  if (runner.sendAttachment) await runner.sendAttachment(sessionId, attachment);
  else await runner.sendInput(sessionId, attachmentText(attachment));
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

/** The image media type an API accepts for this attachment, by MIME type or extension, else undefined. */
export function imageMediaType(attachment: IncomingAttachment): (typeof IMAGE_TYPES)[number] | undefined {
  const byMime = IMAGE_TYPES.find((t) => t === attachment.mimeType);
  if (byMime) return byMime;
  const ext = /\.([a-z0-9]+)$/i.exec(attachment.fileName)?.[1]?.toLowerCase();
  if (ext === 'png') return 'image/png';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'gif') return 'image/gif';
  if (ext === 'webp') return 'image/webp';
  return undefined;
}

/** The saved file as base64, for an image content block. */
export function base64Of(attachment: IncomingAttachment): string {
  return readFileSync(attachment.path).toString('base64');
}
