/**
 * "Visible text" of each platform's output, for the property tests: what a reader sees, reduced to the
 * characters that carry content (whitespace, zero-width spaces and markup punctuation removed on both sides).
 * @module
 */
import { renderPlainText, telegramVisibleText } from '../../src/format/index.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** Decodes the named and numeric entities our renderers emit. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z0-9]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#') && name !== '#39')
      return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** Removes whitespace and zero-width spaces. */
export function squash(text: string): string {
  return text.replace(/[\s\u200b]/g, '');
}

/** Removes markup punctuation that Slack/Discord use, so text and markup compare equal on both sides. */
function withoutMarks(text: string): string {
  return squash(text).replace(/[*_~`>#|ˋ\\[\]()]/g, '');
}

/** Visible text of Markdown, the reference every platform must match. */
export function expectedVisible(md: string): string {
  return squash(renderPlainText(md));
}

/** The same, with Slack/Discord markup characters removed. */
export function expectedVisibleWithoutMarks(md: string): string {
  return withoutMarks(renderPlainText(md));
}

/** Visible text of Telegram chunks (throws on invalid HTML: the validator is checked separately). */
export function telegramVisible(chunks: readonly string[]): string {
  return squash(chunks.map((chunk) => telegramVisibleText(chunk) ?? '\u0000INVALID').join(''));
}

/** Visible text of web chunks: tags removed, entities decoded. Lists carry no markers in HTML. */
export function webVisible(chunks: readonly string[]): string {
  return squash(decodeEntities(chunks.join('').replace(/<[^>]*>/g, '')));
}

/** Visible text of Slack chunks: links to their labels, entities decoded, markup removed. */
export function slackVisible(chunks: readonly string[]): string {
  const text = chunks
    .map((chunk) => chunk.replace(/```\n?/g, '').replace(/<https?:\/\/[^\s<>|]+\|([^<>]*)>/g, '$1'))
    .join('');
  return withoutMarks(decodeEntities(text));
}

/** Visible text of Discord chunks: escapes removed, code kept as is, links to their labels, markup removed. */
export function discordVisible(chunks: readonly string[]): string {
  const pattern =
    /\\([\s\S])|```[A-Za-z0-9_+#.-]*\n?([\s\S]*?)```|`` ([\s\S]*?) ``|`([^`]*)`|\]\(https?:\/\/[^\s()]*\)|<(https?:\/\/[^\s<>]+)>/g;
  const text = chunks
    .map((chunk) =>
      chunk.replace(
        pattern,
        (whole, escaped?: string, block?: string, spaced?: string, code?: string, url?: string) =>
          escaped ?? block ?? spaced ?? code ?? url ?? (whole.startsWith(']') ? ']' : whole),
      ),
    )
    .join('');
  return withoutMarks(text);
}
