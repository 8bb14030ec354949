/**
 * Markdown parsing: the one place that turns agent Markdown (CommonMark + GitHub tables, strikethrough and
 * autolinks) into tokens, with markdown-it. Every platform renderer walks the tokens this returns, so the text is
 * parsed once and the same way everywhere.
 *
 * markdown-it was chosen over micromark/mdast by measurement (see the README's performance section): about 20×
 * the throughput on agent output and linear on hostile input, where micromark's document tokenizer is quadratic.
 * @module
 */
import MarkdownIt, { type Token } from 'markdown-it';

export type { Token };

const parser = new MarkdownIt('default', {
  // Raw HTML is shown as text (escaped by each dialect), never interpreted.
  html: false,
  linkify: true,
  typographer: false,
  // No nesting limit inside the parser: at its limit markdown-it silently drops the rest of the text. Deep nesting
  // instead overflows the stack, which the renderer catches and answers with plain text (nothing is dropped).
  maxNesting: Number.MAX_SAFE_INTEGER,
});
// Link targets are judged by link-policy.ts when rendering (a refused link shows its label), not by the parser
// (which would show the whole `[label](javascript:…)` source). Targets are kept as written: no percent-encoding
// or punycode, so what the policy checks is what the person wrote.
parser.validateLink = () => true;
parser.normalizeLink = (url) => url;
parser.normalizeLinkText = (url) => url;
// Like GitHub: scheme and `www.` autolinks only, not every word with a dot in it.
parser.linkify.set({ fuzzyLink: false, fuzzyEmail: false });

/**
 * Parses Markdown (CommonMark with GitHub tables, strikethrough and autolinks) into markdown-it block tokens
 * (inline content as each `inline` token's `children`).
 * @param md - the Markdown source, e.g. an agent's reply.
 * @returns the token stream.
 * @throws RangeError when the nesting is so deep that the parser overflows the stack (callers fall back to text).
 * @example
 * ```ts
 * const tokens = parseMarkdown('**hi** [docs](https://example.com)');
 * tokens[0]?.type; // 'paragraph_open'
 * ```
 */
export function parseMarkdown(md: string): Token[] {
  return parser.parse(md, {});
}
