/**
 * `agent-tether/format` — formatting: Markdown parsed once (markdown-it) and rendered per platform, a tool-input
 * humanizer, and chunking that never breaks an entity, a code block or a surrogate pair. Pure functions; no
 * platform SDK is imported. A platform that lives outside this package writes a {@link Dialect} (a small table
 * of renderers) and renders with {@link renderWithDialect}.
 * @module
 */
import { chunkTokens, MIN_CHUNK_LIMIT, PLATFORM_LIMITS } from './chunk.js';
import { discordDialect } from './discord.js';
import { renderMarkdownChunks } from './pipeline.js';
import { plainDialect } from './plain-dialect.js';
import type { Dialect } from './render-tree.js';
import { slackDialect } from './slack.js';
import { telegramDialect } from './telegram.js';
import { webDialect } from './web.js';

export { chunkPlainText, chunkTokens, MIN_CHUNK_LIMIT, PLATFORM_LIMITS } from './chunk.js';
export { escapeDiscordText, renderDiscordMarkdown } from './discord.js';
export type { HiddenCharacters } from './hidden-characters.js';
export { findHiddenCharacters, revealHiddenCharacters } from './hidden-characters.js';
export type { FormatToolInputOptions, FormattedToolInput } from './humanize.js';
export { formatToolInput, formatToolInputFull, humanizeEnumValue, humanizeKey } from './humanize.js';
export { parseMarkdown } from './markdown.js';
export { renderPlainText } from './plain.js';
export { plainDialect } from './plain-dialect.js';
export type { Dialect, MarkPair, RenderContext } from './render-tree.js';
export { escapeSlackText, renderSlackMrkdwn } from './slack.js';
export { escapeTelegramHtml, renderTelegramHtml } from './telegram.js';
export { telegramVisibleText, validateTelegramHtml } from './telegram-validate.js';
export type { RenderToken } from './tokens.js';
export { textToken, wrapTokens } from './tokens.js';
export { escapeWebHtml, renderWebHtml, webDialect } from './web.js';

/** The outputs {@link renderChunks} can produce. */
export type FormatTarget = 'telegram' | 'slack' | 'discord' | 'web' | 'plain';

/** Limit used for `plain` when none is given: the smallest chat limit (Discord's), so it fits anywhere. */
export const DEFAULT_PLAIN_LIMIT = PLATFORM_LIMITS.discord;

const DIALECTS: Record<FormatTarget, Dialect> = {
  telegram: telegramDialect,
  slack: slackDialect,
  discord: discordDialect,
  web: webDialect,
  plain: plainDialect,
};

/** Options of {@link renderChunks}. */
export interface RenderChunksOptions {
  /**
   * Maximum length of one chunk in UTF-16 code units (at least 32).
   * @defaultValue the platform's limit from {@link PLATFORM_LIMITS}; {@link DEFAULT_PLAIN_LIMIT} for `plain`.
   */
  readonly limit?: number;
}

/**
 * Renders Markdown for a platform and splits it into messages that each fit the platform's limit. Formatting
 * open at a split is closed and reopened in the next chunk; code blocks stay code blocks.
 * @param md - Markdown source (an agent's reply, a tool's output).
 * @param platform - the target output.
 * @param options - optional limit override.
 * @returns the messages to send, in order: never empty when `md` has a non-whitespace character, every chunk
 * non-empty and within the limit.
 * @throws ConfigError when `options.limit` is below 32.
 * @example
 * ```ts
 * for (const html of renderChunks(reply, 'telegram')) await bot.api.sendMessage(chat, html, { parse_mode: 'HTML' });
 * ```
 */
export function renderChunks(
  md: string,
  platform: FormatTarget,
  options: RenderChunksOptions = {},
): string[] {
  const limit = options.limit ?? (platform === 'plain' ? DEFAULT_PLAIN_LIMIT : PLATFORM_LIMITS[platform]);
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) chunkTokens([], limit);
  return renderMarkdownChunks(md, DIALECTS[platform], limit);
}

/**
 * Renders Markdown with a platform's own {@link Dialect} and splits it into messages of at most `limit`
 * UTF-16 code units, with the same guarantees as {@link renderChunks} (formatting closed and reopened at a
 * split, code blocks kept, never an empty chunk).
 * @param md - Markdown source.
 * @param dialect - how the platform writes each construct; start from `plainDialect` or `webDialect`.
 * @param limit - the platform's message limit, at least {@link MIN_CHUNK_LIMIT}.
 * @throws ConfigError when `limit` is below {@link MIN_CHUNK_LIMIT}.
 * @example
 * ```ts
 * import { plainDialect, renderWithDialect } from 'agent-tether/format';
 * const shouting = { ...plainDialect, escape: (text: string) => text.toUpperCase() };
 * renderWithDialect('**hi** there', shouting, 2000); // ['HI THERE']
 * ```
 */
export function renderWithDialect(md: string, dialect: Dialect, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) chunkTokens([], limit);
  return renderMarkdownChunks(md, dialect, limit);
}
