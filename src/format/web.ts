/**
 * Markdown → safe HTML for the local web page. Only whitelisted tags (p, br, strong, em, del, code, pre, a,
 * `span` with a diff-add/diff-del/diff-hunk class inside a `diff` code block,
 * blockquote, ul, ol, li) and only the `href`/`rel`/`target` attributes of http(s) links; everything else is
 * escaped text.
 * @module
 */
import { isWebUrl, MAX_LINK_URL_LENGTH } from './link-policy.js';
import { renderMarkdownTokens } from './pipeline.js';
import type { Dialect } from './render-tree.js';
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

const DIFF_CLASSES: Readonly<Record<string, string>> = { '+': 'diff-add', '-': 'diff-del', '@': 'diff-hunk' };

/**
 * A unified diff as escaped HTML with each added, removed and hunk line in a `<span class="diff-…">` (the page
 * colours them). File headers (`+++`, `---`) stay plain.
 */
function colourDiff(value: string): string {
  return value
    .split('\n')
    .map((line) => {
      const kind = /^(\+\+\+|---) /.test(line) ? undefined : DIFF_CLASSES[line.charAt(0)];
      const text = escapeWebHtml(line);
      return kind ? `<span class="${kind}">${text}</span>` : text;
    })
    .join('\n');
}

/** The web-page HTML dialect. */
export const webDialect: Dialect = {
  escape: escapeWebHtml,
  strong: ['<strong>', '</strong>'],
  emphasis: ['<em>', '</em>'],
  strike: ['<del>', '</del>'],
  inlineCode: (value) => wrapTokens('<code>', '</code>', [textToken(escapeWebHtml(value), true)]),
  codeBlock: (value, lang) =>
    wrapTokens('<pre><code>', '</code></pre>', [
      textToken(lang === 'diff' ? colourDiff(value) : escapeWebHtml(value), true),
    ]),
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
