/**
 * Files that cross between a person and an agent. `saveAttachment` stores a file a person sent in the session's
 * attachment directory: size-limited, its name sanitised, and never outside that directory. `readAgentFile`
 * reads a file an agent produced (inside its working directory, size-limited) to send it to the chat.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TetherError } from './errors.js';
import { type OutgoingFile, safeFileName } from './outgoing-file.js';

/** Largest file accepted either way. @defaultValue 20 MB (Telegram bots cannot download more) */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const IMAGE = /\.(png|jpe?g|gif|webp)$/i;

/**
 * Save a person's file in `directory` (created 0700 when missing) and return its absolute path. The name is
 * sanitised (no directories, no control or shell characters, no leading dot) and made unique with a short
 * prefix, so a file can never land outside `directory` nor replace another.
 * @throws TetherError `ATTACHMENT` when the file is larger than `maxBytes`.
 */
export function saveAttachment(
  directory: string,
  name: string,
  bytes: Uint8Array,
  options: { maxBytes?: number } = {},
): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  if (bytes.length > maxBytes) {
    throw new TetherError(
      'ATTACHMENT',
      `The file "${safeFileName(name)}" has ${bytes.length} bytes, more than the ${maxBytes} allowed. Fix: send a smaller file, or raise maxAttachmentBytes.`,
    );
  }
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const base = path.resolve(directory);
  const target = path.join(base, `${randomUUID().slice(0, 8)}-${safeFileName(name, 'attachment')}`);
  // Belt and braces: the sanitised name has no separators, but check the result anyway.
  if (path.dirname(target) !== base) {
    throw new TetherError('ATTACHMENT', `Refusing to save "${name}" outside ${base}.`);
  }
  writeFileSync(target, bytes, { mode: 0o600, flag: 'wx' });
  return target;
}

/**
 * Read a file an agent wants to show, for {@link OutgoingFile}: only a regular file inside `cwd` (symlinks
 * resolved), at most `maxBytes`. Images are sent as photos.
 * @throws TetherError `ATTACHMENT` naming the file and the fix otherwise.
 */
export function readAgentFile(
  cwd: string,
  file: string,
  options: { maxBytes?: number; caption?: string } = {},
): OutgoingFile {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  let real: string;
  let root: string;
  try {
    root = realpathSync(cwd);
    real = realpathSync(path.resolve(cwd, file));
  } catch {
    throw new TetherError('ATTACHMENT', `The agent's file "${file}" does not exist in ${cwd}.`);
  }
  const relative = path.relative(root, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new TetherError(
      'ATTACHMENT',
      `The agent's file "${file}" is outside its directory ${cwd}; only files inside it are sent to the chat.`,
    );
  }
  const stats = statSync(real);
  if (!stats.isFile() || stats.size > maxBytes) {
    throw new TetherError(
      'ATTACHMENT',
      `The agent's file "${file}" is not a regular file of at most ${maxBytes} bytes, so it was not sent.`,
    );
  }
  return {
    fileName: path.basename(real),
    content: readFileSync(real),
    kind: IMAGE.test(real) ? 'photo' : 'document',
    ...(options.caption !== undefined ? { caption: options.caption } : {}),
  };
}
