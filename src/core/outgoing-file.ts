/**
 * A file a bridge sends to a thread: the whole diff behind "Show all", or a file or image an agent made.
 * @module
 */
import { escapeMarkdown } from './approvals/cards.js';

/** A file to send. Telegram sends it with sendDocument / sendPhoto, Slack through its external upload flow,
 * Discord as a message attachment; the web page and custom bridges show it inline. */
export interface OutgoingFile {
  /** The file name people see, e.g. `app.ts.diff`. Sanitised by the bridge before upload. */
  readonly fileName: string;
  /** The bytes (a string is sent as UTF-8). */
  readonly content: Uint8Array | string;
  /** `photo` shows an image inline where the platform can; `document` is a download. @defaultValue 'document' */
  readonly kind?: 'document' | 'photo';
  /** A short Markdown caption. */
  readonly caption?: string;
}

/** Longest file name sent to a platform. */
const MAX_FILE_NAME = 64;

/**
 * A file name safe on every platform: no directories, no control or path characters, no leading dot, at most
 * 64 characters, keeping the extension. Never empty.
 */
export function safeFileName(name: string, fallback = 'file'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*`$&;'\s]+/g, '_')
    .replace(/^[.\-_]+/, '');
  if (cleaned.length > MAX_FILE_NAME) {
    const dot = cleaned.lastIndexOf('.');
    const ext = dot > 0 && cleaned.length - dot <= 12 ? cleaned.slice(dot) : '';
    cleaned = cleaned.slice(0, MAX_FILE_NAME - ext.length) + ext;
  }
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

/** The bytes of a file. */
export function fileBytes(file: OutgoingFile): Buffer {
  return typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
}

/**
 * A file as Markdown, for a platform that shows no files (the web page, custom bridges): a text file's content as
 * a fenced code block (a `.diff` highlighted as one), a binary file as its name and size.
 */
export function fileAsMarkdown(file: OutgoingFile): string {
  const bytes = fileBytes(file);
  const name = safeFileName(file.fileName);
  const text = bytes.toString('utf8');
  const isText = !text.includes('\uFFFD') && !text.includes('\u0000');
  const lang = name.endsWith('.diff') ? 'diff' : '';
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return isText
    ? `📎 ${escapeMarkdown(name)}\n\n${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`
    : `📎 ${escapeMarkdown(name)} (${bytes.length} bytes; this platform shows no files)`;
}
