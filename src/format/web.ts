/**
 * Markdown → safe HTML for the local web page. Only whitelisted tags (p, br, strong, em, del, code, pre, a,
 * blockquote, ul, ol, li) and only the `href`/`rel`/`target` attributes of http(s) links; everything else is
 * escaped text.
 * @module
 */
import { isWebUrl, MAX_LINK_URL_LENGTH } from './link-policy.js';
import { type Dialect, renderMarkdownTokens } from './render-tree.js';
import { type RenderToken, THEMATIC_BREAK_TEXT, textToken, tokensToString, wrapTokens } from './tokens.js';

/**
 * Escapes text for HTML content and attribute values: `&`, `<`, `>`, `"` and `'`.
 * @param text - any text.
 */
export function escapeWebHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );
}

/** The web-page HTML dialect. */
export const webDialect: Dialect = {
  escape: escapeWebHtml,
  strong: ['<strong>', '</strong>'],
  emphasis: ['<em>', '</em>'],
  strike: ['<del>', '</del>'],
  inlineCode: (value) => wrapTokens('<code>', '</code>', [textToken(escapeWebHtml(value), true)]),
  codeBlock: (value) => wrapTokens('<pre><code>', '</code></pre>', [textToken(escapeWebHtml(value), true)]),
  link: (url, label, _labelText, ctx) => {
    if (ctx.inLink || url.length > MAX_LINK_URL_LENGTH || !isWebUrl(url)) return label;
    const open = `<a href="${escapeWebHtml(url)}" rel="noopener noreferrer" target="_blank">`;
    return wrapTokens(open, '</a>', label);
  },
  heading: (_depth, content) => wrapTokens('<p><strong>', '</strong></p>', content),
  paragraph: (content) => wrapTokens('<p>', '</p>', content),
  blockquote: (content) => wrapTokens('<blockquote>', '</blockquote>', content),
  list: (items, ordered): RenderToken[] => {
    const inner = items.flatMap((item) => wrapTokens('<li>', '</li>', item));
    return ordered ? wrapTokens('<ol>', '</ol>', inner) : wrapTokens('<ul>', '</ul>', inner);
  },
  lineBreak: () => [{ kind: 'atom', text: '<br>' }, textToken('\n')],
  thematicBreak: () => wrapTokens('<p>', '</p>', [textToken(THEMATIC_BREAK_TEXT)]),
  blockSeparator: '\n',
};

/**
 * Renders Markdown as safe HTML for the local web page.
 * @param md - Markdown source.
 * @example
 * ```ts
 * renderWebHtml('<script>x</script> **ok**'); // '<p>&lt;script&gt;x&lt;/script&gt; <strong>ok</strong></p>'
 * ```
 */
export function renderWebHtml(md: string): string {
  return tokensToString(renderMarkdownTokens(md, webDialect));
}
