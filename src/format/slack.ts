/**
 * Markdown → Slack mrkdwn. `&`, `<` and `>` are escaped in all text (code included), so agent text can never
 * form `<!channel>`, `<!here>`, `<@U123>`, `<#C123>` or a link; the only `<…>` in the output are links this
 * renderer made from real http(s) links.
 * @module
 */
import { isWebUrl, MAX_LINK_URL_LENGTH } from './link-policy.js';
import { renderMarkdownTokens } from './pipeline.js';
import type { Dialect } from './render-tree.js';
import { lineQuote, THEMATIC_BREAK_TEXT, textToken, tokensToString, wrapTokens } from './tokens.js';

const ZWSP = '\u200b';

/**
 * Escapes text for Slack mrkdwn: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;` (Slack's own rule), and puts a
 * zero-width space after the `@` of `@channel`, `@here` and `@everyone` in case a client links names.
 * @param text - any text.
 * @example
 * ```ts
 * escapeSlackText('<!channel> & <@U1>'); // '&lt;!channel&gt; &amp; &lt;@U1&gt;'
 * ```
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/@(?=channel|here|everyone)/gi, `@${ZWSP}`);
}

/** Code text: escaped, with backtick runs broken so the text cannot close its code span or block. */
function escapeSlackCode(value: string): string {
  return escapeSlackText(value).replace(/`(?=`)/g, '`' + ZWSP);
}

/** A URL safe inside `<url|label>`: no `|`, `<`, `>` (percent-encoded) and `&` escaped as Slack requires. */
function slackUrl(url: string): string {
  return url.replace(/[|<>]/g, (c) => encodeURIComponent(c)).replaceAll('&', '&amp;');
}

/** The Slack mrkdwn dialect. */
export const slackDialect: Dialect = {
  escape: escapeSlackText,
  strong: ['*', '*'],
  emphasis: ['_', '_'],
  strike: ['~', '~'],
  inlineCode: (value) => {
    // An inline code span cannot hold a backtick in Slack: show a look-alike instead of ending the span.
    const text = escapeSlackText(value.replaceAll('`', 'ˋ'));
    return wrapTokens('`', '`', [textToken(text, true)]);
  },
  codeBlock: (value) => wrapTokens('```\n', '\n```', [textToken(escapeSlackCode(value), true)]),
  link: (url, label, labelText, ctx) => {
    if (ctx.inLink || url.length > MAX_LINK_URL_LENGTH || !isWebUrl(url)) return label;
    if (/@(?:channel|here|everyone)/i.test(url)) return label;
    // Slack shows no formatting inside a link label: use its plain text.
    return wrapTokens(`<${slackUrl(url)}|`, '>', [
      textToken(escapeSlackText(labelText.replace(/\s+/g, ' '))),
    ]);
  },
  heading: (_depth, content) => wrapTokens('*', '*', content),
  paragraph: (content) => content,
  blockquote: (content, ctx) => lineQuote(content, ctx.quoteDepth),
  lineBreak: () => [textToken('\n')],
  thematicBreak: () => [textToken(THEMATIC_BREAK_TEXT)],
  blockSeparator: '\n\n',
};

/**
 * Renders Markdown as Slack mrkdwn: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```blocks``` ````,
 * `<url|text>` for http(s) links only, `> ` quotes, `• ` lists, tables as aligned code blocks.
 * @param md - Markdown source.
 * @example
 * ```ts
 * renderSlackMrkdwn('**Done** <!channel>'); // '*Done* &lt;!channel&gt;'
 * ```
 */
export function renderSlackMrkdwn(md: string): string {
  return tokensToString(renderMarkdownTokens(md, slackDialect));
}
