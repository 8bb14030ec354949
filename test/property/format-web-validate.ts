/**
 * A whitelist check of the web renderer's HTML, for the property tests.
 * @module
 */

const ALLOWED = /^<\/?(?:p|br|strong|em|del|code|pre|blockquote|ul|ol|li)>$/;
const DIFF_SPAN = /^(?:<span class="diff-(?:add|del|hunk)">|<\/span>)$/;
const LINK = /^<a href="https?:\/\/[^"<>\s]+" rel="noopener noreferrer" target="_blank">$/;

/** Returns a problem description, or undefined when every tag is whitelisted and no `<`/`>` is stray. */
export function checkWebHtml(html: string): string | undefined {
  for (const match of html.matchAll(/<[^<>]*>|[<>]/g)) {
    const tag = match[0];
    if (tag === '<' || tag === '>') return `stray ${tag} at ${match.index}`;
    if (!ALLOWED.test(tag) && !LINK.test(tag) && !DIFF_SPAN.test(tag) && tag !== '</a>')
      return `tag not allowed: ${tag}`;
  }
  if (/&(?!amp;|lt;|gt;|quot;|#39;)/.test(html)) return 'bare &';
  return undefined;
}
