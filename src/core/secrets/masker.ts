/**
 * The secret masker: finds credentials in a text (well-known formats, secret-named settings, configured
 * patterns) and replaces each with a mask such as `‹secret: GitHub token, 4 chars shown›`. One pass of a
 * literal-anchor regex finds every candidate (text with none costs only that pass); each candidate is checked
 * with bounded work, so masking is linear in the text.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import {
  DISCORD_MIDDLE,
  discordTokenAt,
  FORMAT_RULES,
  type FormatRule,
  isTokenChar,
  type SecretSpan,
} from './formats.js';
import { compileNames, type NameMatcher, namedSecretAt } from './names.js';
import { readerView } from './reader-view.js';
import { ForwardScan } from './scan.js';

export type { SecretSpan } from './formats.js';

/** A pattern of your own, e.g. `{ label: 'Acme key', pattern: 'acme_[a-z0-9]{32}' }`. */
export interface SecretPattern {
  /** What the mask calls it: letters, digits, spaces and `.-/()` (other characters are dropped). */
  readonly label: string;
  /** A regular expression (a string is compiled as is). No nested quantifiers and no backreferences: it must stay linear. */
  readonly pattern: string | RegExp;
}

/** Options of {@link SecretMasker}: what else to mask, and what never to. */
export interface SecretMaskingOptions {
  /**
   * Mask secrets in everything the bridge sends. Turning it off sends agent output as is (a warning is logged at start).
   * @defaultValue true
   */
  readonly enabled?: boolean;
  /** Extra patterns to mask, beside the built-in formats. */
  readonly patterns?: readonly SecretPattern[];
  /** Extra setting names whose values are secret: `MY_CRED` (exact), `*_CRED` or `ACME_*`; case-insensitive. */
  readonly names?: readonly string[];
  /** Never mask these: an exact secret text, or a RegExp tested against it (for known false positives). */
  readonly allow?: readonly (string | RegExp)[];
}

/** How a found secret is written in place of its text (its visible prefix is kept before it). */
export type MaskRenderer = (span: SecretSpan, secret: string) => string;

/** Anchors searched together (each family is one small regex); every other anchor is searched with indexOf. */
const ANCHOR_FAMILIES = [
  'gh[pousr]_|github_pat_',
  'gl(?:pat|dt|rt|ptt|ft|soat|cbt|oas)-',
  'xox[bpaosre]-|xapp-',
  'A(?:KIA|SIA|Iza)',
  '[sr]k(?:-ant-|-|_live_|_test_)',
];

const LABEL_UNSAFE = /[^A-Za-z0-9 .()/-]/g;
/** A quantified group that holds a quantifier or an alternation: backtracks exponentially on some inputs. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[*+}|])(?:[^()\\]|\\.)*\)\s*(?:[*+?]|\{\d)/;

function compilePattern(p: SecretPattern, index: number): { label: string; re: RegExp } {
  const source = typeof p.pattern === 'string' ? p.pattern : p.pattern.source;
  const where = `secret masking: patterns[${index}] (${p.label})`;
  if (/\\[1-9]|\\k</.test(source)) {
    throw new ConfigError(`${where} uses a backreference: remove it (patterns must run in linear time)`);
  }
  if (NESTED_QUANTIFIER.test(source)) {
    throw new ConfigError(
      `${where} repeats a group that itself repeats or alternates, which can backtrack for ever: write it without the nested repetition`,
    );
  }
  let re: RegExp;
  try {
    const flags = typeof p.pattern === 'string' ? 'g' : `${p.pattern.flags.replace(/[gy]/g, '')}g`;
    re = new RegExp(source, flags);
  } catch (error) {
    throw new ConfigError(`${where} is not a valid regular expression: ${(error as Error).message}`);
  }
  if (re.test(''))
    throw new ConfigError(`${where} matches the empty text: make it match at least one character`);
  return { label: sanitizeLabel(p.label) || 'secret', re };
}

/** A label safe to place in Markdown (no emphasis, code or link characters). */
export function sanitizeLabel(label: string): string {
  return label.replace(LABEL_UNSAFE, '').trim().slice(0, 60);
}

/** Finds and masks credentials. Stateless apart from its options; see {@link MaskBook} for per-thread labels. */
export class SecretMasker {
  readonly #families: RegExp[];
  readonly #literals: string[];
  readonly #rules = new Map<string, FormatRule[]>();
  /** Rules found by a literal prefix, by the prefix's first character. */
  readonly #prefixRules = new Map<string, FormatRule[]>();
  readonly #extraNames: NameMatcher | undefined;
  readonly #patterns: { label: string; re: RegExp }[];
  readonly #allow: readonly (string | RegExp)[];

  /**
   * @param options - extra patterns and names, and the allowlist.
   * @throws ConfigError naming the pattern when one is invalid or could backtrack.
   */
  constructor(options: SecretMaskingOptions = {}) {
    for (const rule of FORMAT_RULES) {
      const list = this.#rules.get(rule.anchor) ?? [];
      list.push(rule);
      this.#rules.set(rule.anchor, list);
    }
    // One regex over every anchor is 10x slower in V8 than a few small families and indexOf for the rest
    // (measured on the agent-output corpus): each small regex gets a fast literal search.
    const inFamily = new Set<string>();
    this.#families = ANCHOR_FAMILIES.map((source) => {
      const re = new RegExp(source, 'g');
      for (const anchor of this.#rules.keys())
        if (new RegExp(`^(?:${source})$`).test(anchor)) inFamily.add(anchor);
      return re;
    });
    this.#literals = [...this.#rules.keys()].filter((a) => !inFamily.has(a) && a !== ':' && a !== '://');
    for (const rule of FORMAT_RULES) {
      if (rule.anchor === ':' || rule.anchor === '://' || rule.anchor === 'Q~') continue;
      const first = rule.anchor.charAt(0);
      this.#prefixRules.set(first, [...(this.#prefixRules.get(first) ?? []), rule]);
    }
    this.#extraNames = options.names?.length ? compileNames(options.names) : undefined;
    this.#patterns = (options.patterns ?? []).map(compilePattern);
    this.#allow = options.allow ?? [];
  }

  /** The secrets in `text`, in order, without overlaps. */
  find(text: string): SecretSpan[] {
    const spans: SecretSpan[] = [];
    const scan = new ForwardScan(text);
    for (const family of this.#families) {
      family.lastIndex = 0;
      for (let m = family.exec(text); m !== null; m = family.exec(text)) {
        const span = this.#atAnchor(text, m.index, m[0], scan);
        if (span) {
          spans.push(span);
          if (span.end > m.index) family.lastIndex = span.end;
        }
      }
    }
    for (const literal of this.#literals) {
      let from = 0;
      for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, from)) {
        const span = this.#atAnchor(text, at, literal, scan);
        from = span && span.end > at ? span.end : at + 1;
        if (span) spans.push(span);
      }
    }
    this.#separators(text, '=', spans, scan);
    this.#separators(text, ':', spans, scan);
    this.#cutTokens(text, spans);
    const discord = DISCORD_MIDDLE;
    discord.lastIndex = 0;
    for (let m = discord.exec(text); m !== null; m = discord.exec(text)) {
      const span = discordTokenAt(text, m.index);
      if (span) {
        spans.push(span);
        discord.lastIndex = span.end;
      } else {
        discord.lastIndex = m.index + 1;
      }
    }
    for (const { label, re } of this.#patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0] === '') {
          re.lastIndex++;
          continue;
        }
        spans.push({ start: m.index, end: m.index + m[0].length, shown: 0, label });
      }
    }
    return this.#settle(text, spans);
  }

  /**
   * `text` with every secret replaced: by `render` if given, else by `‹secret: <label>, <n> chars shown›`
   * (labels numbered per {@link MaskBook} when one is given). Returns `text` itself when it holds no secret.
   * @example
   * ```ts
   * new SecretMasker().mask(`GITHUB_TOKEN=${token}`); // 'GITHUB_TOKEN=ghp_‹secret: GitHub token, 4 chars shown›'
   * ```
   */
  mask(text: string, book?: MaskBook, render?: MaskRenderer): string {
    return this.#replace(text, text, undefined, book, render);
  }

  /**
   * Like {@link SecretMasker.mask} for Markdown: secrets are looked for in what a reader sees once it is rendered
   * (`ghp\_…` and `gh&#112;_…` read as `ghp_…`), and masked in the source.
   */
  maskMarkdown(source: string, book?: MaskBook, render?: MaskRenderer): string {
    const view = readerView(source);
    return view === undefined
      ? this.mask(source, book, render)
      : this.#replace(source, view.text, view.from, book, render);
  }

  /**
   * `source` with the secrets found in `seen` (the source itself, or its reader's view) replaced; `from` maps an
   * index of `seen` to one of `source` (none: the same index).
   */
  #replace(
    source: string,
    seen: string,
    from: Int32Array | undefined,
    book: MaskBook | undefined,
    render: MaskRenderer | undefined,
  ): string {
    const spans = this.find(seen);
    if (spans.length === 0) return source;
    const at = (i: number) => (from === undefined ? i : (from[i] ?? source.length));
    const write = render ?? ((span: SecretSpan, secret: string) => maskText(span, secret, book));
    let out = '';
    let done = 0;
    for (const span of spans) {
      const visibleEnd = span.start + span.shown;
      out += source.slice(done, at(visibleEnd)) + write(span, seen.slice(visibleEnd, span.end));
      done = at(span.end);
    }
    return out + source.slice(done);
  }

  #atAnchor(text: string, at: number, anchor: string, scan: ForwardScan): SecretSpan | undefined {
    for (const rule of this.#rules.get(anchor) ?? []) {
      const span = rule.match(text, at, scan);
      if (span) return span;
    }
    return undefined;
  }

  /** Every `=` or `:`: URLs with a password, Telegram tokens, and settings whose name says secret. */
  #separators(text: string, separator: '=' | ':', spans: SecretSpan[], scan: ForwardScan): void {
    const formatAt = (pos: number) => this.#formatAt(text, pos, scan);
    let from = 0;
    for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, from)) {
      from = at + 1;
      let span: SecretSpan | undefined;
      if (separator === ':') {
        span = text.startsWith('://', at)
          ? this.#atAnchor(text, at, '://', scan)
          : this.#atAnchor(text, at, ':', scan);
      }
      span ??= namedSecretAt(text, at, this.#extraNames, formatAt, scan);
      if (span) {
        spans.push(span);
        if (span.end > from) from = span.end;
      }
    }
  }

  /**
   * Tokens cut short by a truncation (`ghp_abc…`, as a card cuts a long value) are too short for their format but
   * still a secret's first characters: a known prefix running into `…` is masked.
   */
  #cutTokens(text: string, spans: SecretSpan[]): void {
    for (let at = text.indexOf('…'); at >= 0; at = text.indexOf('…', at + 1)) {
      let start = at;
      while (start > 0 && at - start < 256 && isTokenChar(text.charCodeAt(start - 1))) start--;
      if (start === at) continue;
      const rule = this.#prefixRules
        .get(text.charAt(start))
        ?.find((r) => text.startsWith(r.anchor, start) && at - start > r.anchor.length);
      if (rule?.anchor === 'eyJ') {
        // A JWT cut in its payload: its header segment before the dot goes too.
        let header = start - 1;
        while (header > 0 && start - header < 4096 && isTokenChar(text.charCodeAt(header - 1))) header--;
        const whole = text.charCodeAt(start - 1) === 46 && text.startsWith('eyJ', header) ? header : start;
        spans.push({ start: whole, end: at, shown: 0, label: rule.label });
        continue;
      }
      if (rule) {
        spans.push({ start, end: at, shown: rule.anchor.length, label: rule.label });
        continue;
      }
      // `<bot id>:<cut secret>…`
      let digits = start - 1;
      if (text.charCodeAt(digits) !== 58) continue;
      while (digits > 0 && start - digits < 14 && isDigit(text.charCodeAt(digits - 1))) digits--;
      if (start - 1 - digits >= 5)
        spans.push({ start: digits, end: at, shown: start - digits, label: 'Telegram bot token' });
    }
  }

  /** A well-known format starting exactly at `pos` (for a secret-named setting's value). */
  #formatAt(text: string, pos: number, scan: ForwardScan): SecretSpan | undefined {
    for (const rule of this.#prefixRules.get(text.charAt(pos)) ?? []) {
      if (text.startsWith(rule.anchor, pos)) {
        const span = rule.match(text, pos, scan);
        if (span) return span;
      }
    }
    // A Telegram token as a value: `<digits>:<secret>`.
    let colon = pos;
    while (
      colon < text.length &&
      colon - pos < 13 &&
      text.charCodeAt(colon) >= 48 &&
      text.charCodeAt(colon) <= 57
    )
      colon++;
    if (colon > pos && text.charCodeAt(colon) === 58) {
      for (const rule of this.#rules.get(':') ?? []) {
        const span = rule.match(text, colon, scan);
        if (span?.start === pos) return span;
      }
    }
    return undefined;
  }

  /**
   * Sort, drop allowlisted secrets, and merge overlaps: a span that starts inside an earlier one extends it (the
   * earlier label wins), so no part of either secret is left visible.
   */
  #settle(text: string, spans: SecretSpan[]): SecretSpan[] {
    if (spans.length === 0) return spans;
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: SecretSpan[] = [];
    for (const span of spans) {
      if (this.#allowed(text.slice(span.start, span.end), text.slice(span.start + span.shown, span.end)))
        continue;
      const last = kept[kept.length - 1];
      if (last && span.start < last.end) {
        if (span.end > last.end) kept[kept.length - 1] = { ...last, end: span.end };
        continue;
      }
      kept.push(span);
    }
    return kept;
  }

  #allowed(whole: string, secret: string): boolean {
    for (const entry of this.#allow) {
      if (typeof entry === 'string') {
        if (entry === whole || entry === secret) return true;
      } else {
        entry.lastIndex = 0;
        if (entry.test(whole)) return true;
      }
    }
    return false;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The default mask: `‹secret: GitHub token, 4 chars shown›`, numbered (`#2`) for a second secret of a kind. */
export function maskText(span: SecretSpan, secret: string, book?: MaskBook): string {
  const name = book ? book.name(span.label, secret) : span.label;
  const shown = span.shown > 0 ? `, ${span.shown} char${span.shown === 1 ? '' : 's'} shown` : '';
  return `‹secret: ${name}${shown}›`;
}

/** Most distinct secrets one book remembers (the oldest are forgotten first). */
export const MAX_BOOK_ENTRIES = 1000;

/**
 * Names of the secrets seen in one thread, so the same secret always gets the same mask there and two different
 * ones of a kind are told apart (`GitHub token`, `GitHub token #2`). Holds hashes, never the secrets.
 */
export class MaskBook {
  readonly #names = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  /** The name of `secret` (of kind `label`) in this book. */
  name(label: string, secret: string): string {
    const key = `${label}\u0000${createHash('sha256').update(secret).digest('base64')}`;
    const known = this.#names.get(key);
    if (known) return known;
    const count = (this.#counts.get(label) ?? 0) + 1;
    this.#counts.set(label, count);
    const name = count === 1 ? label : `${label} #${count}`;
    this.#names.set(key, name);
    if (this.#names.size > MAX_BOOK_ENTRIES) {
      const oldest = this.#names.keys().next().value;
      if (oldest !== undefined) this.#names.delete(oldest);
    }
    return name;
  }
}
