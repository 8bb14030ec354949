/**
 * The outbox transport of the Telegram bridge: posts and edits messages in one forum group with
 * `parse_mode: 'HTML'`, re-sends a chunk as plain text when Telegram refuses its HTML (so nothing is lost),
 * treats "message is not modified" as success, and maps errors so the outbox retries 429s and 5xx correctly.
 * @module
 */
import type { Api } from 'grammy';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import type { Logger } from '../core/types.js';
import { PLATFORM_LIMITS, renderChunks, telegramVisibleText } from '../format/index.js';
import { toInlineKeyboard } from './cards.js';
import { isHtmlRefused, isNotModified, toTetherError } from './errors.js';

/** The outbox reference of the group's General topic (thread refs are numeric `message_thread_id`s). */
export const GENERAL_REF = 'general';

/** What {@link createTelegramTransport} needs. */
export interface TelegramTransportOptions {
  /** grammY's API client. */
  readonly api: Api;
  /** The forum group every topic lives in. */
  readonly chatId: number;
  /** The bot token, only to redact it from error messages. */
  readonly token: string;
  /** Clock milliseconds per real millisecond (for `retry_after`). @defaultValue 1 */
  readonly clockMsPerRealMs?: number;
  readonly logger: Logger;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The text a person would read in some (possibly invalid) Telegram HTML: tags removed, entities decoded.
 * Used to re-send a chunk Telegram refused to parse.
 * @param html - Telegram HTML, valid or not.
 */
export function htmlToPlainText(html: string): string {
  const valid = telegramVisibleText(html);
  if (valid !== undefined) return valid;
  return html.replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function placement(ref: string): { message_thread_id?: number } {
  return ref === GENERAL_REF ? {} : { message_thread_id: Number(ref) };
}

/**
 * Build the transport the outbox sends Telegram messages through.
 * @param options - API client, group, token (for redaction), time scale and logger.
 */
export function createTelegramTransport(options: TelegramTransportOptions): OutboxTransport {
  const { api, chatId, logger } = options;
  const fail = (operation: string, error: unknown) =>
    toTetherError(error, operation, {
      token: options.token,
      ...(options.clockMsPerRealMs !== undefined ? { clockMsPerRealMs: options.clockMsPerRealMs } : {}),
    });

  const keyboard = (message: OutgoingMessage) =>
    message.buttons && message.buttons.length > 0 ? { reply_markup: toInlineKeyboard(message.buttons) } : {};

  async function post(ref: string, message: OutgoingMessage): Promise<string> {
    const extra = { ...placement(ref), ...keyboard(message) };
    try {
      const sent = await api.sendMessage(chatId, message.text, { ...extra, parse_mode: 'HTML' });
      return String(sent.message_id);
    } catch (error) {
      if (!isHtmlRefused(error)) throw fail('sendMessage', error);
      logger.warn(
        { platform: 'telegram', ref },
        'Telegram refused the HTML; sending the chunk as plain text',
      );
    }
    try {
      const sent = await api.sendMessage(chatId, htmlToPlainText(message.text), extra);
      return String(sent.message_id);
    } catch (error) {
      throw fail('sendMessage', error);
    }
  }

  async function edit(ref: string, messageId: string, message: OutgoingMessage): Promise<void> {
    // An explicit empty keyboard removes a decided card's buttons; output edits carry none.
    const extra = message.buttons !== undefined ? { reply_markup: toInlineKeyboard(message.buttons) } : {};
    const id = Number(messageId);
    try {
      await api.editMessageText(chatId, id, message.text, { ...extra, parse_mode: 'HTML' });
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      if (!isHtmlRefused(error)) throw fail('editMessageText', error);
      logger.warn({ platform: 'telegram', ref }, 'Telegram refused the HTML; editing with plain text');
    }
    try {
      await api.editMessageText(chatId, id, htmlToPlainText(message.text), extra);
    } catch (error) {
      if (!isNotModified(error)) throw fail('editMessageText', error);
    }
  }

  return {
    platform: 'telegram',
    messageLimit: PLATFORM_LIMITS.telegram,
    render: (markdown) => renderChunks(markdown, 'telegram'),
    post,
    edit,
    // Every topic lives in one group, and Telegram's limits are per chat: topics share one bucket.
    chatKey: () => String(chatId),
  };
}
