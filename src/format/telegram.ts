/**
 * Markdown → Telegram HTML (`parse_mode: 'HTML'`). Only Telegram's tags, always balanced, all text escaped,
 * nothing nested inside code, no nested block quotes, no code inside links.
 * @module
 */
import { isWebUrl, MAX_LINK_URL_LENGTH } from './link-policy.js';
import { renderMarkdownTokens } from './pipeline.js';
import type { Dialect } from './render-tree.js';
import { type RenderToken, THEMATIC_BREAK_TEXT, textToken, tokensToString, wrapTokens } from './tokens.js';

/**
 * Escapes text for Telegram HTML with the only named entities Telegram knows: `&lt;`, `&gt;`, `&amp;`, `&quot;`.
 * @param text - any text.
 * @example
 * ```ts
 * escapeTelegramHtml('<b> & "x"'); // '&lt;b&gt; &amp; &quot;x&quot;'
 * ```
 */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

/** A language name safe to put in `class="language-…"`, or undefined. */
function languageClass(lang: string | undefined): string | undefined {
  if (!lang) return undefined;
  const cleaned = lang.replace(/[^A-Za-z0-9_+#.-]/g, '').slice(0, 32);
  return cleaned === '' ? undefined : cleaned;
}

/** The Telegram HTML dialect. */
export const telegramDialect: Dialect = {
  escape: escapeTelegramHtml,
  strong: ['<b>', '</b>'],
  emphasis: ['<i>', '</i>'],
  strike: ['<s>', '</s>'],
  inlineCode: (value, ctx) => {
    const text = textToken(escapeTelegramHtml(value), true);
    // Telegram: a link may not contain code; show the code's text instead.
    return ctx.inLink ? [text] : wrapTokens('<code>', '</code>', [text]);
  },
  codeBlock: (value, lang) => {
    const language = languageClass(lang);
    const open = language ? `<pre><code class="language-${language}">` : '<pre>';
    const close = language ? '</code></pre>' : '</pre>';
    return wrapTokens(open, close, [textToken(escapeTelegramHtml(value), true)]);
  },
  link: (url, label, _labelText, ctx) => {
    if (ctx.inLink || url.length > MAX_LINK_URL_LENGTH || !isWebUrl(url)) return label;
    return wrapTokens(`<a href="${escapeTelegramHtml(url)}">`, '</a>', label);
  },
  heading: (_depth, content) => wrapTokens('<b>', '</b>', content),
  paragraph: (content) => content,
  blockquote: (content, ctx): RenderToken[] =>
    // Telegram forbids nested block quotes: inner quotes keep their text inside the outer one.
    ctx.quoteDepth > 0 ? content : wrapTokens('<blockquote>', '</blockquote>', content),
  lineBreak: () => [textToken('\n')],
  thematicBreak: () => [textToken(THEMATIC_BREAK_TEXT)],
  blockSeparator: '\n\n',
};

/**
 * Renders Markdown as Telegram HTML. Headings become bold, lists become `• ` / `1. ` lines, tables become an
 * aligned `<pre>` block, images become their alt text and address, raw HTML is shown as text, and
 * only http(s) links stay clickable (agent text cannot make `tg://` mentions or joins).
 * @param md - Markdown source (e.g. an agent's reply).
 * @returns Telegram HTML; use {@link renderChunks} to also split it to the 4096-character limit.
 * @example
 * ```ts
 * renderTelegramHtml('**Build** passed: `npm test`'); // '<b>Build</b> passed: <code>npm test</code>'
 * ```
 */
export function renderTelegramHtml(md: string): string {
  return tokensToString(renderMarkdownTokens(md, telegramDialect));
}
