/**
 * Markdown as its reader sees it: a backslash escape (`ghp\_…`) or a character reference (`gh&#112;_…`,
 * `&amp;`) shows as the character it stands for once rendered. The masker looks for secrets in this view, so a
 * token written with escapes is found; each character of the view knows where it came from in the source, so
 * the mask replaces the source's characters.
 * @module
 */
import MarkdownIt from 'markdown-it';

/** A backslash escape of ASCII punctuation, or an entity or numeric character reference (CommonMark's). */
const ESCAPE_OR_REFERENCE =
  /\\[!-/:-@[-`{-~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

const { unescapeAll } = new MarkdownIt().utils;

/** The text a reader sees, and for each of its UTF-16 units the index in the source it came from. */
export interface ReaderView {
  readonly text: string;
  /** `from[i]` is the source index of `text[i]`; `from[text.length]` is the source's length. */
  readonly from: Int32Array;
}

/** The reader's view of Markdown `source`, or undefined when it has no escape or reference (the view is itself). */
export function readerView(source: string): ReaderView | undefined {
  ESCAPE_OR_REFERENCE.lastIndex = 0;
  let match = ESCAPE_OR_REFERENCE.exec(source);
  if (match === null) return undefined;
  const parts: string[] = [];
  const from = new Int32Array(source.length + 1);
  let length = 0;
  let at = 0;
  const keep = (end: number) => {
    parts.push(source.slice(at, end));
    for (let i = at; i < end; i++) from[length++] = i;
  };
  for (; match !== null; match = ESCAPE_OR_REFERENCE.exec(source)) {
    const shown = unescapeAll(match[0]);
    if (shown === match[0]) continue; // not a reference markdown-it knows: shown as written
    keep(match.index);
    parts.push(shown);
    for (let i = 0; i < shown.length; i++) from[length++] = match.index;
    at = match.index + match[0].length;
  }
  keep(source.length);
  from[length] = source.length;
  return { text: parts.join(''), from: from.subarray(0, length + 1) };
}
