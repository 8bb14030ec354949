/**
 * A strict validator of Telegram Bot API HTML (`parse_mode: 'HTML'`), faithful to the documented rules: only
 * the supported tags and attributes, balanced tags, only `&lt; &gt; &amp; &quot;` and numeric entities, no
 * bare `<`, `>` or `&`, nothing inside `code`/`pre` (except `pre > code.language-x`), no nested block quotes,
 * no link/code/pre/quote inside a link, and some visible text. The fake Telegram server rejects what this rejects.
 * @module
 */

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Tags that may wrap anything except being inside `code`/`pre`. */
const STYLE_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'tg-spoiler',
  'span',
]);
const ALL_TAGS = new Set([...STYLE_TAGS, 'a', 'code', 'pre', 'blockquote', 'tg-emoji', 'tg-time']);
/** Entities a link may not contain. */
const NOT_IN_LINK = new Set(['a', 'code', 'pre', 'blockquote', 'tg-emoji', 'tg-time']);

const START_TAG =
  /^<([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z][A-Za-z0-9-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*>/;
const END_TAG = /^<\/([A-Za-z][A-Za-z0-9-]*)\s*>/;
const ATTRIBUTE = /([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const ENTITY = /^&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,7})|([A-Za-z][A-Za-z0-9]*));/;
const HREF = /^(?:https?:\/\/[^\s/?#]+|tg:\/\/\S+|mailto:\S+|ftp:\/\/\S+)/i;

interface OpenTag {
  readonly name: string;
  readonly offset: number;
  /** For `pre`: whether it has content yet (a language `code` must be its only content). */
  hasContent: boolean;
}

type ParseResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly error: string };

function byteOffset(html: string, index: number): number {
  return Buffer.byteLength(html.slice(0, index), 'utf8');
}

/** Decodes an attribute value's entities; undefined when it holds an unsupported one. */
function decodeAttribute(value: string): string | undefined {
  let out = '';
  for (let i = 0; i < value.length; ) {
    if (value[i] !== '&') {
      out += value[i];
      i += 1;
      continue;
    }
    const decoded = decodeEntity(value.slice(i));
    if (!decoded) return undefined;
    out += decoded.char;
    i += decoded.length;
  }
  return out;
}

function decodeEntity(rest: string): { char: string; length: number } | undefined {
  const match = ENTITY.exec(rest);
  if (!match) return undefined;
  if (match[3] !== undefined) {
    const char = NAMED[match[3]];
    return char === undefined ? undefined : { char, length: match[0].length };
  }
  const code = match[1] !== undefined ? Number.parseInt(match[1], 10) : Number.parseInt(match[2] ?? '', 16);
  if (code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { char: String.fromCodePoint(code), length: match[0].length };
}

function checkAttributes(name: string, raw: string, parent: OpenTag | undefined): string | undefined {
  const attributes = new Map<string, string>();
  for (const match of raw.matchAll(ATTRIBUTE)) {
    const key = (match[1] ?? '').toLowerCase();
    if (attributes.has(key)) return `duplicate attribute "${key}" in tag "${name}"`;
    const value = decodeAttribute(match[2] ?? match[3] ?? match[4] ?? '');
    if (value === undefined) return `unsupported entity in attribute "${key}" of tag "${name}"`;
    attributes.set(key, value);
  }
  const allowed: Record<string, readonly string[]> = {
    a: ['href'],
    span: ['class'],
    code: ['class'],
    blockquote: ['expandable'],
    'tg-emoji': ['emoji-id'],
    'tg-time': ['unix', 'format'],
  };
  for (const key of attributes.keys()) {
    if (!(allowed[name] ?? []).includes(key)) return `unsupported attribute "${key}" in tag "${name}"`;
  }
  if (name === 'a' && !HREF.test(attributes.get('href') ?? '')) return 'tag "a" must have a valid "href"';
  if (name === 'span' && attributes.get('class') !== 'tg-spoiler')
    return 'tag "span" must have class "tg-spoiler"';
  if (name === 'code' && attributes.has('class')) {
    if (parent?.name !== 'pre') return 'programming language can\'t be specified for a standalone "code" tag';
    if (!/^language-[A-Za-z0-9_+#.-]+$/.test(attributes.get('class') ?? ''))
      return 'bad "class" in tag "code"';
  }
  if (name === 'blockquote' && (attributes.get('expandable') ?? '') !== '')
    return 'bad "expandable" in "blockquote"';
  if (name === 'tg-emoji' && !/^\d+$/.test(attributes.get('emoji-id') ?? ''))
    return 'tag "tg-emoji" needs "emoji-id"';
  if (name === 'tg-time') {
    if (!/^\d+$/.test(attributes.get('unix') ?? '')) return 'tag "tg-time" needs "unix"';
    if (!/^(?:r|w?[dD]?[tT]?)$/.test(attributes.get('format') ?? '')) return 'bad "format" in tag "tg-time"';
  }
  return undefined;
}

function checkNesting(name: string, stack: readonly OpenTag[]): string | undefined {
  const parent = stack.at(-1);
  if (parent?.name === 'code') return `tag "${name}" can't be inside "code"`;
  if (parent?.name === 'pre' && (name !== 'code' || parent.hasContent))
    return `tag "${name}" can't be inside "pre"`;
  if (name === 'pre' || name === 'code') {
    if (stack.some((tag) => tag.name === 'a')) return `tag "${name}" can't be inside "a"`;
  }
  if (name === 'blockquote' && stack.some((tag) => tag.name === 'blockquote'))
    return "block quotes can't be nested";
  if (NOT_IN_LINK.has(name) && stack.some((tag) => tag.name === 'a'))
    return `tag "${name}" can't be inside "a"`;
  return undefined;
}

function parse(html: string): ParseResult {
  const stack: OpenTag[] = [];
  let text = '';
  const fail = (message: string, index: number): ParseResult => ({
    ok: false,
    error: `Bad Request: can't parse entities: ${message} at byte offset ${byteOffset(html, index)}`,
  });
  const noteContent = (): void => {
    const top = stack.at(-1);
    if (top) top.hasContent = true;
  };
  for (let i = 0; i < html.length; ) {
    const char = html[i] as string;
    if (char === '<') {
      const rest = html.slice(i, i + 4096);
      const end = END_TAG.exec(rest);
      if (end) {
        const name = (end[1] ?? '').toLowerCase();
        const top = stack.pop();
        if (!top || top.name !== name) return fail(`Unexpected end tag "${name}"`, i);
        // A pre holding a language code block may hold nothing after it.
        if (top.name === 'code') noteContent();
        i += end[0].length;
        continue;
      }
      const start = START_TAG.exec(rest);
      if (!start) return fail(html[i + 1] === '/' ? 'Unclosed end tag' : 'Unclosed start tag', i);
      const name = (start[1] ?? '').toLowerCase();
      if (!ALL_TAGS.has(name)) return fail(`Unsupported start tag "${name}"`, i);
      const problem = checkNesting(name, stack) ?? checkAttributes(name, start[2] ?? '', stack.at(-1));
      if (problem) return fail(problem, i);
      if (name !== 'code') noteContent();
      stack.push({ name, offset: i, hasContent: false });
      i += start[0].length;
      continue;
    }
    if (char === '>') return fail('Unexpected ">"; use "&gt;"', i);
    if (char === '&') {
      const decoded = decodeEntity(html.slice(i, i + 16));
      if (!decoded) return fail('Unsupported HTML entity; only &lt; &gt; &amp; &quot; and numeric ones', i);
      text += decoded.char;
      noteContent();
      i += decoded.length;
      continue;
    }
    text += char;
    noteContent();
    i += 1;
  }
  const unclosed = stack.at(-1);
  if (unclosed)
    return fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`, unclosed.offset);
  if (text.trim() === '') return { ok: false, error: 'Bad Request: message text is empty' };
  return { ok: true, text };
}

/**
 * Checks Telegram HTML the way the Bot API does (strictly: everything the documentation says must hold).
 * @param html - the `text` of a `sendMessage` / `editMessageText` call with `parse_mode: 'HTML'`.
 * @returns undefined when valid, else the error description Telegram would answer (`Bad Request: …`).
 * @example
 * ```ts
 * validateTelegramHtml('<b>ok</b>'); // undefined
 * validateTelegramHtml('<div>x</div>'); // 'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0'
 * ```
 */
export function validateTelegramHtml(html: string): string | undefined {
  const result = parse(html);
  return result.ok ? undefined : result.error;
}

/**
 * The text a Telegram user sees for valid HTML: tags removed, entities decoded. Its `.length` (UTF-16 code
 * units) is what Telegram compares with its 4096 limit.
 * @param html - Telegram HTML.
 * @returns the visible text, or undefined when the HTML is invalid or shows no text (Telegram refuses both).
 */
export function telegramVisibleText(html: string): string | undefined {
  const result = parse(html);
  return result.ok ? result.text : undefined;
}
