/**
 * Reads and validates a message's content the way Telegram does: text or caption with its
 * `parse_mode`/`entities`, and the inline keyboard.
 * @module
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from '@grammyjs/types';
import { badRequest } from '../api-rejection.js';
import type { ParamReader } from '../bot-api-params.js';
import { parseTelegramHtml, visibleLength } from '../html-validator.js';
import type { MessageContent } from '../model.js';

/** Telegram's limit on message text, after entity parsing. */
export const MAX_TEXT_LENGTH = 4096;
/** Telegram's limit on media captions, after entity parsing. */
export const MAX_CAPTION_LENGTH = 1024;
/** Telegram's limit on `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * Reads `text` (or `caption`) with `parse_mode`/`entities` (or `caption_entities`) and `reply_markup`.
 * MarkdownV2/Markdown are stored verbatim (the fake does not parse them).
 * @param params - the request's parameters.
 * @param field - `text` for messages, `caption` for documents.
 */
export function readMessageContent(params: ParamReader, field: 'text' | 'caption'): MessageContent {
  const source = params.optionalString(field) ?? '';
  const parseMode = params.optionalString('parse_mode') ?? '';
  let text = source;
  let html: string | undefined;
  let entities: MessageEntity[] = [];
  if (parseMode.toLowerCase() === 'html') {
    const parsed = parseTelegramHtml(source);
    if (!parsed.ok) throw badRequest(`can't parse entities: ${parsed.reason}`);
    ({ text, entities } = parsed);
    html = source;
  } else if (parseMode !== '' && !['markdown', 'markdownv2'].includes(parseMode.toLowerCase())) {
    throw badRequest(`unsupported parse_mode`);
  } else if (parseMode === '') {
    const explicit = params.json(field === 'text' ? 'entities' : 'caption_entities');
    if (Array.isArray(explicit)) entities = explicit as MessageEntity[];
  }
  if (field === 'text') {
    if (text.trim() === '') throw badRequest('message text is empty');
    if (visibleLength(text) > MAX_TEXT_LENGTH) throw badRequest('message is too long');
  } else if (visibleLength(text) > MAX_CAPTION_LENGTH) {
    throw badRequest('message caption is too long');
  }
  return { text, html, entities, replyMarkup: readInlineKeyboard(params) };
}

/**
 * Reads `reply_markup` when it is an inline keyboard (other keyboards are accepted and not modelled).
 * @throws `400 BUTTON_DATA_INVALID` for `callback_data` outside 1-64 bytes, and Telegram's other button refusals.
 */
export function readInlineKeyboard(params: ParamReader): InlineKeyboardMarkup | undefined {
  const markup = params.json('reply_markup');
  if (typeof markup !== 'object' || markup === null || !('inline_keyboard' in markup)) return undefined;
  const rows: unknown = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw badRequest(
      'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays',
    );
  }
  for (const row of rows as unknown[][]) {
    for (const button of row) validateButton(button);
  }
  return { inline_keyboard: rows as InlineKeyboardButton[][] };
}

function validateButton(button: unknown): void {
  if (typeof button !== 'object' || button === null) {
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  }
  const fields = button as Record<string, unknown>;
  if (typeof fields.text !== 'string' || fields.text === '') throw badRequest('BUTTON_TEXT_INVALID');
  const data = fields.callback_data;
  if (data !== undefined) {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
    return;
  }
  if (typeof fields.url === 'string') {
    if (!/^(https?|tg):\/\/\S+$/i.test(fields.url)) throw badRequest('BUTTON_URL_INVALID');
    return;
  }
  const actions = ['web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat', 'pay'];
  if (!actions.some((action) => fields[action] !== undefined)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
}

/** Whether two contents look the same to a person (text, entities and keyboard). */
export function sameContent(a: MessageContent, b: MessageContent): boolean {
  return (
    a.text === b.text &&
    JSON.stringify(a.entities) === JSON.stringify(b.entities) &&
    JSON.stringify(a.replyMarkup ?? null) === JSON.stringify(b.replyMarkup ?? null)
  );
}
