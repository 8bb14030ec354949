/**
 * `agent-tether/telegram`: agent threads as forum topics of a Telegram supergroup, on grammY.
 * @module
 */

export { createTelegramBridge, TelegramBridge, type TelegramBridgeConfig } from './bridge.js';
export { MAX_CALLBACK_DATA_BYTES, renderTelegramCard, toInlineKeyboard } from './cards.js';
export { GENERAL_REF, htmlToPlainText } from './transport.js';
