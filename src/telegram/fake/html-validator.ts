/**
 * A strict parser for Telegram's `parse_mode: 'HTML'` dialect, used by the fake Bot API server to
 * refuse what Telegram refuses and to compute the text a person actually sees.
 *
 * Accepted tags (Bot API "HTML style"): `b strong i em u ins s strike del`, `span class="tg-spoiler"`,
 * `tg-spoiler`, `a href`, `code`, `pre`, `pre > code class="language-*"`, `blockquote [expandable]`,
 * `tg-emoji emoji-id`. Accepted entities: `&lt; &gt; &amp; &quot;` and numeric ones.
 *
 * Stricter than Telegram on purpose, so a renderer bug shows up in tests rather than in production:
 * a bare `&` or `>`, unknown named entities, unknown attributes and entities nested against the
 * documented rules (nothing inside `code`/`pre`, no link in a link, no quote in a quote) are refused,
 * where Telegram sometimes lets them through or silently drops the entity.
 * @module
 */
import type { MessageEntity } from '@grammyjs/types';

/** The outcome of parsing Telegram HTML: the visible text and its entities, or why Telegram refuses it. */
export type TelegramHtmlParse =
  | { readonly ok: true; readonly text: string; readonly entities: MessageEntity[] }
  | {
      readonly ok: false;
      /** Detail after `Bad Request: can't parse entities: `, e.g. `Unsupported start tag "p" at byte offset 0`. */
      readonly reason: string;
    };

const SIMPLE_TAGS: Readonly<Record<string, MessageEntity['type']>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
};
const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  span: ['class'],
  a: ['href'],
  code: ['class'],
  blockquote: ['expandable'],
  'tg-emoji': ['emoji-id'],
};
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  readonly name: string;
  readonly type: MessageEntity['type'] | 'pre-code';
  readonly start: number;
  readonly url?: string;
  readonly emojiId?: string;
  language?: string;
}

class HtmlRefusal extends Error {}

/**
 * Parses Telegram HTML strictly.
 * @param html - the `text` sent with `parse_mode: 'HTML'`.
 * @returns the visible text and entities (UTF-16 offsets, as the Bot API reports them), or the reason.
 * @example
 * parseTelegramHtml('<b>hi</b> &amp; bye'); // { ok: true, text: 'hi & bye', entities: [{ type: 'bold', offset: 0, length: 2 }] }
 */
export function parseTelegramHtml(html: string): TelegramHtmlParse {
  try {
    return { ok: true, ...new TelegramHtmlParser(html).parse() };
  } catch (error) {
    if (error instanceof HtmlRefusal) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * The visible length of a message text as Telegram counts it against the 4096 limit (Unicode code points).
 * @param text - visible text after entity parsing.
 */
export function visibleLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

class TelegramHtmlParser {
  #i = 0;
  #text = '';
  readonly #stack: OpenTag[] = [];
  readonly #entities: MessageEntity[] = [];

  constructor(readonly html: string) {}

  parse(): { text: string; entities: MessageEntity[] } {
    const { html } = this;
    while (this.#i < html.length) {
      const c = html[this.#i];
      if (c === '<') {
        if (html[this.#i + 1] === '/') this.#endTag();
        else this.#startTag();
      } else if (c === '&') {
        this.#text += this.#entity();
      } else if (c === '>') {
        this.#refuse(`Character ">" must be escaped as "&gt;"`, this.#i);
      } else {
        this.#text += c;
        this.#i++;
      }
    }
    const unclosed = this.#stack.at(-1);
    if (unclosed) throw new HtmlRefusal(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    const entities = this.#entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { text: this.#text, entities };
  }

  #refuse(what: string, at: number): never {
    throw new HtmlRefusal(`${what} at byte offset ${Buffer.byteLength(this.html.slice(0, at), 'utf8')}`);
  }

  #entity(): string {
    const at = this.#i;
    const match = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));/.exec(
      this.html.slice(at, at + 16),
    );
    if (!match) this.#refuse(`Character "&" must be escaped as "&amp;"`, at);
    this.#i += match[0].length;
    const [, decimal, hex, name] = match;
    if (name !== undefined) {
      const decoded = NAMED_ENTITIES[name];
      if (decoded === undefined) this.#refuse(`Unsupported HTML entity "&${name};"`, at);
      return decoded;
    }
    const codePoint = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
    if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      this.#refuse(`Invalid numeric HTML entity "${match[0]}"`, at);
    }
    return String.fromCodePoint(codePoint);
  }

  #endTag(): void {
    const at = this.#i;
    const close = this.html.indexOf('>', at);
    if (close === -1) this.#refuse('Unclosed end tag', at);
    const name = this.html
      .slice(at + 2, close)
      .trim()
      .toLowerCase();
    const top = this.#stack.pop();
    if (!top) this.#refuse('Unexpected end tag', at);
    if (top.name !== name)
      this.#refuse(`Unmatched end tag, expected "</${top.name}>", found "</${name}>"`, at);
    this.#i = close + 1;
    this.#closeEntity(top);
  }

  #closeEntity(tag: OpenTag): void {
    const length = this.#text.length - tag.start;
    if (tag.type === 'pre-code') {
      const pre = this.#stack.at(-1);
      if (pre && tag.language !== undefined) pre.language = tag.language;
      return;
    }
    if (length === 0) return;
    const base = { offset: tag.start, length };
    switch (tag.type) {
      case 'text_link':
        this.#entities.push({ type: 'text_link', ...base, url: tag.url ?? '' });
        return;
      case 'custom_emoji':
        this.#entities.push({ type: 'custom_emoji', ...base, custom_emoji_id: tag.emojiId ?? '' });
        return;
      case 'pre':
        this.#entities.push(
          tag.language === undefined
            ? { type: 'pre', ...base }
            : { type: 'pre', ...base, language: tag.language },
        );
        return;
      default:
        this.#entities.push({ type: tag.type, ...base } as MessageEntity);
    }
  }

  #startTag(): void {
    const at = this.#i;
    const nameMatch = /^<([a-zA-Z][a-zA-Z0-9-]*)?/.exec(this.html.slice(at, at + 64));
    const name = (nameMatch?.[1] ?? '').toLowerCase();
    const simple = SIMPLE_TAGS[name];
    if (simple === undefined && !['span', 'a', 'code', 'pre', 'blockquote', 'tg-emoji'].includes(name)) {
      this.#refuse(`Unsupported start tag "${name}"`, at);
    }
    this.#i = at + 1 + name.length;
    const attributes = this.#attributes(name, at);
    const tag = this.#describeTag(name, simple, attributes, at);
    this.#checkNesting(tag, at);
    this.#stack.push(tag);
  }

  #attributes(tagName: string, tagStart: number): Map<string, string> {
    const attributes = new Map<string, string>();
    const { html } = this;
    for (;;) {
      while (/\s/.test(html[this.#i] ?? '')) this.#i++;
      const c = html[this.#i];
      if (c === undefined) this.#refuse('Unclosed start tag', tagStart);
      if (c === '>') {
        this.#i++;
        return attributes;
      }
      const nameMatch = /^[a-zA-Z][a-zA-Z0-9_-]*/.exec(html.slice(this.#i, this.#i + 64));
      if (!nameMatch) this.#refuse(`Unexpected character in tag "${tagName}"`, this.#i);
      const attribute = nameMatch[0].toLowerCase();
      if (!(ALLOWED_ATTRIBUTES[tagName] ?? []).includes(attribute)) {
        this.#refuse(`Unsupported attribute "${attribute}" in tag "${tagName}"`, this.#i);
      }
      this.#i += attribute.length;
      attributes.set(attribute, html[this.#i] === '=' ? this.#attributeValue() : '');
    }
  }

  #attributeValue(): string {
    const { html } = this;
    this.#i++;
    const quote = html[this.#i];
    let value = '';
    if (quote === '"' || quote === "'") {
      this.#i++;
      for (;;) {
        const c = html[this.#i];
        if (c === undefined) this.#refuse('Unclosed attribute value', this.#i);
        if (c === quote) break;
        if (c === '&') value += this.#entity();
        else {
          value += c;
          this.#i++;
        }
      }
      this.#i++;
      return value;
    }
    while (this.#i < html.length && !/[\s>]/.test(html[this.#i] ?? '')) {
      if (html[this.#i] === '&') value += this.#entity();
      else value += html[this.#i++];
    }
    return value;
  }

  #describeTag(
    name: string,
    simple: MessageEntity['type'] | undefined,
    attributes: Map<string, string>,
    at: number,
  ): OpenTag {
    const start = this.#text.length;
    if (simple !== undefined) return { name, type: simple, start };
    switch (name) {
      case 'span':
        if (attributes.get('class') !== 'tg-spoiler')
          this.#refuse('Tag "span" must have class "tg-spoiler"', at);
        return { name, type: 'spoiler', start };
      case 'a': {
        const url = attributes.get('href');
        if (!url) this.#refuse('Tag "a" must have a non-empty attribute "href"', at);
        return { name, type: 'text_link', start, url };
      }
      case 'tg-emoji': {
        const emojiId = attributes.get('emoji-id');
        if (!emojiId || !/^\d+$/.test(emojiId))
          this.#refuse('Tag "tg-emoji" must have a numeric "emoji-id"', at);
        return { name, type: 'custom_emoji', start, emojiId };
      }
      case 'blockquote':
        return { name, type: attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote', start };
      case 'pre':
        return { name, type: 'pre', start };
      default: {
        const className = attributes.get('class');
        const parent = this.#stack.at(-1);
        if (className !== undefined && !(parent?.type === 'pre' && /^language-[\w#+.-]+$/.test(className))) {
          this.#refuse(
            'Attribute "class" of tag "code" is allowed only as "language-*" directly inside "pre"',
            at,
          );
        }
        if (parent?.type === 'pre') {
          const language = className?.slice('language-'.length);
          return language === undefined
            ? { name, type: 'pre-code', start }
            : { name, type: 'pre-code', start, language };
        }
        return { name, type: 'code', start };
      }
    }
  }

  #checkNesting(tag: OpenTag, at: number): void {
    const parent = this.#stack.at(-1);
    for (const open of this.#stack) {
      const codeLike = open.type === 'code' || open.type === 'pre' || open.type === 'pre-code';
      const preCodeChild = open === parent && open.type === 'pre' && tag.type === 'pre-code';
      const bothQuotes = isQuote(open.type) && isQuote(tag.type);
      const linkInLink = open.type === 'text_link' && (tag.type === 'text_link' || isCode(tag.type));
      if ((codeLike && !preCodeChild) || bothQuotes || linkInLink) {
        this.#refuse(`Tag "${tag.name}" can't be nested inside tag "${open.name}"`, at);
      }
    }
  }
}

function isQuote(type: OpenTag['type']): boolean {
  return type === 'blockquote' || type === 'expandable_blockquote';
}

function isCode(type: OpenTag['type']): boolean {
  return type === 'code' || type === 'pre';
}
