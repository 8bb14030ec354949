/**
 * Markdown → Discord markdown. Plain text is escaped so it renders as written; `@everyone` / `@here` and
 * mention syntax (`<@123>`, `<@&123>`, `<#123>`, `</cmd:1>`) are broken with a zero-width space everywhere,
 * code included, so agent text can ping nobody.
 * @module
 */
import { isWebUrl, MAX_LINK_URL_LENGTH } from './link-policy.js';
import { renderMarkdownTokens } from './pipeline.js';
import type { Dialect } from './render-tree.js';
import {
  lineQuote,
  type RenderToken,
  THEMATIC_BREAK_TEXT,
  textToken,
  tokensToString,
  wrapTokens,
} from './tokens.js';

const ZWSP = '\u200b';

/** Breaks mass mentions and mention syntax with a zero-width space (invisible to readers). */
function neutraliseMentions(text: string): string {
  return text.replace(/@(?=everyone|here)/gi, `@${ZWSP}`).replace(/<(?=[@#/:!]|[a-z]+:)/gi, `<${ZWSP}`);
}

/**
 * Escapes text for Discord markdown so it renders exactly as written: markdown characters get a backslash,
 * line-start markers (`#`, `-`, `+`, `>`, `1.`) too, and mentions are neutralised.
 * @param text - any text.
 * @example
 * ```ts
 * escapeDiscordText('**hi** @everyone'); // '\\*\\*hi\\*\\* @\u200beveryone'
 * ```
 */
export function escapeDiscordText(text: string): string {
  const escaped = text
    .replace(/[\\*_~`|[\]<]/g, '\\$&')
    .replace(/^([ \t]*)([#>+-])/gm, '$1\\$2')
    .replace(/^([ \t]*\d+)\.(?=\s|$)/gm, '$1\\.');
  return neutraliseMentions(escaped);
}

/** Code text: mentions neutralised and backtick runs broken so it cannot end its code span or block. */
function escapeDiscordCode(value: string): string {
  return neutraliseMentions(value).replace(/`(?=`)/g, '`' + ZWSP);
}

/** The Discord markdown dialect. */
export const discordDialect: Dialect = {
  escape: escapeDiscordText,
  strong: ['**', '**'],
  emphasis: ['*', '*'],
  strike: ['~~', '~~'],
  inlineCode: (value) => {
    const text = textToken(escapeDiscordCode(value), true);
    if (!value.includes('`')) return wrapTokens('`', '`', [text]);
    return wrapTokens('`` ', ' ``', [text]);
  },
  codeBlock: (value, lang) => {
    const language = (lang ?? '').replace(/[^A-Za-z0-9_+#.-]/g, '').slice(0, 32);
    return wrapTokens('```' + language + '\n', '\n```', [textToken(escapeDiscordCode(value), true)]);
  },
  link: (url, label, labelText, ctx) => {
    if (ctx.inLink || url.length > MAX_LINK_URL_LENGTH || !isWebUrl(url)) return label;
    if (/@(?:everyone|here)/i.test(url)) return label;
    // A bare URL: Discord's `<url>` autolink shows it as written (no markdown inside) without an embed.
    if (labelText === url) return [{ kind: 'atom', text: `<${url}>`, fallback: escapeDiscordText(url) }];
    // encodeURIComponent leaves `(` and `)` alone, and they would end the link early.
    const target = url.replace(
      /[()<>[\]\s]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
    return wrapTokens('[', `](${target})`, label);
  },
  heading: (depth, content): RenderToken[] =>
    depth <= 3 ? wrapTokens(`${'#'.repeat(depth)} `, '', content) : wrapTokens('**', '**', content),
  paragraph: (content) => content,
  blockquote: (content, ctx) => lineQuote(content, ctx.quoteDepth),
  lineBreak: () => [textToken('\n')],
  thematicBreak: () => [textToken(THEMATIC_BREAK_TEXT)],
  blockSeparator: '\n\n',
};

/**
 * Renders Markdown as Discord markdown: `**bold**`, `*italic*`, `~~strike~~`, code, `#` headings,
 * `[text](url)` for http(s) links only, `> ` quotes, `• ` lists, tables as aligned code blocks.
 * @param md - Markdown source.
 * @example
 * ```ts
 * renderDiscordMarkdown('ping @everyone'); // 'ping @\u200beveryone'
 * ```
 */
export function renderDiscordMarkdown(md: string): string {
  return tokensToString(renderMarkdownTokens(md, discordDialect));
}
