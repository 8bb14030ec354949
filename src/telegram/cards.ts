/**
 * Approval and choice cards as Telegram messages: the card's Markdown rendered to Telegram HTML, its buttons
 * as an inline keyboard whose `callback_data` is the button payload (the codec keeps it within 64 bytes).
 * @module
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from '@grammyjs/types';
import type { Card } from '../core/approvals/cards.js';
import type { OutgoingMessage } from '../core/outbox.js';
import { renderChunks } from '../format/index.js';

/** Telegram's limit on `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * The inline keyboard of a message's button rows. An empty list gives `{ inline_keyboard: [] }`, which
 * removes the buttons when a card is edited after its decision.
 * @param rows - button rows (label + payload).
 * @throws RangeError when a payload is outside Telegram's 1-64 bytes (a bug in the caller, never sent).
 */
export function toInlineKeyboard(rows: NonNullable<OutgoingMessage['buttons']>): InlineKeyboardMarkup {
  const inline_keyboard: InlineKeyboardButton[][] = rows
    .map((row) =>
      row.map((button): InlineKeyboardButton => {
        const bytes = Buffer.byteLength(button.payload, 'utf8');
        if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) {
          throw new RangeError(
            `telegram: button "${button.label}" has a ${bytes}-byte payload; callback_data must be 1-${MAX_CALLBACK_DATA_BYTES} bytes`,
          );
        }
        return { text: button.label, callback_data: button.payload };
      }),
    )
    .filter((row) => row.length > 0);
  return { inline_keyboard };
}

/**
 * A card as a Telegram message: the first chunk of its Telegram HTML (cards are short; the tool input is
 * already truncated with a "Show all" button) and its buttons. A decided card has `buttons: []`.
 * @param card - the platform-neutral card.
 */
export function renderTelegramCard(card: Card): OutgoingMessage {
  const [text = ''] = renderChunks(card.markdown, 'telegram');
  return {
    text,
    buttons: card.buttons.map((row) => row.map(({ label, payload }) => ({ label, payload }))),
  };
}
