/**
 * Splitting rendered output to a platform's message limit. Works on render tokens, so it knows where markup
 * starts and ends: open formatting is closed at the end of a chunk and reopened at the start of the next
 * (a code block stays a code block), and text is split at a paragraph, else a line, else a word boundary,
 * never inside an entity (`&amp;`), a backslash escape, a surrogate pair or a joined emoji.
 * @module
 */
import { ConfigError } from '../core/errors.js';
import type { RenderToken } from './tokens.js';

/** Message limits in UTF-16 code units. Telegram's is counted on the HTML itself, which is conservative. */
export const PLATFORM_LIMITS = { telegram: 4096, slack: 4000, discord: 2000, web: 100_000 } as const;

/** The smallest limit the chunker accepts: below it, reopened markup could leave no room for text. */
export const MIN_CHUNK_LIMIT = 32;

interface StackEntry {
  /** Index of the `open` token. */
  readonly open: number;
  emitted: boolean;
}

/** A place between two characters of the token stream: before character `offset` of token `index`. */
interface Position {
  readonly index: number;
  readonly offset: number;
}

/** A possible cut and the chunk length up to it. */
interface Candidate extends Position {
  readonly length: number;
}

type OpenToken = Extract<RenderToken, { kind: 'open' }>;
type TextToken = Extract<RenderToken, { kind: 'text' }>;

// Code points that attach to the one before them (joiners, variation selectors, skin tones, marks, tags).
const ATTACHES = /[\u200d\ufe0e\ufe0f\u20e3]|\uD83C[\uDFFB-\uDFFF]|\uDB40[\uDC20-\uDC7F]|\p{M}/uy;
const ENTITY = /&#?[A-Za-z0-9]{1,10};/y;
const NOT_SPACE = /\S/;

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
/** Whether the code unit at `i` starts a regional indicator (half of a flag). */
const isRegional = (text: string, i: number): boolean =>
  text.charCodeAt(i) === 0xd83c && text.charCodeAt(i + 1) >= 0xdde6 && text.charCodeAt(i + 1) <= 0xddff;

/**
 * Whether text may be cut before `k` (0 < k < length): never inside a surrogate pair, an entity (`&amp;`) or a
 * backslash escape; with `strict`, also never before a joining code point or between the two halves of a flag.
 */
function canCut(text: string, k: number, strict: boolean): boolean {
  if (isLow(text.charCodeAt(k)) && isHigh(text.charCodeAt(k - 1))) return false;
  for (let j = k - 1; j >= 0 && j >= k - 11; j--) {
    const code = text.charCodeAt(j);
    if (code === 0x3b /* ; */) break;
    if (code === 0x26 /* & */) {
      ENTITY.lastIndex = j;
      if (ENTITY.test(text) && ENTITY.lastIndex > k) return false;
      break;
    }
  }
  let backslashes = 0;
  while (k - backslashes - 1 >= 0 && text.charCodeAt(k - backslashes - 1) === 0x5c) backslashes++;
  if (backslashes % 2 === 1 && text.charCodeAt(k) !== 0x26) return false;
  if (!strict) return true;
  ATTACHES.lastIndex = k;
  if (ATTACHES.test(text)) return false;
  if (text.charCodeAt(k - 1) === 0x200d) return false;
  if (isRegional(text, k)) {
    let run = 0;
    for (let j = k - 2; j >= 0 && isRegional(text, j); j -= 2) run++;
    if (run % 2 === 1) return false;
  }
  return true;
}

/** The last place in `(low, high]` where text may be cut anywhere (quality 0), or -1. */
function lastCut(text: string, high: number, low: number): number {
  for (let k = high; k > low; k--) if (canCut(text, k, true)) return k;
  return -1;
}

/** Turns atoms too long for half a chunk into their fallback text (copying only when one needs it). */
function flatten(tokens: readonly RenderToken[], limit: number): readonly RenderToken[] {
  if (!tokens.some((t) => t.kind === 'atom' && t.text.length > limit / 2)) return tokens;
  return tokens.map((t) =>
    t.kind === 'atom' && t.text.length > limit / 2 ? { kind: 'text', text: t.fallback ?? '' } : t,
  );
}

/**
 * Splits tokens into chunks. Text is measured in place (no per-character objects): a text token that fits is
 * added whole, with its best cut places found by `lastIndexOf`; only the token that overflows is searched for a
 * cut. Cut places rank: 3 paragraph, 2 line, 1 word, 0 anywhere.
 */
class Chunker {
  readonly #tokens: readonly RenderToken[];
  readonly #limit: number;
  readonly #chunks: string[] = [];
  #stack: StackEntry[] = [];

  constructor(tokens: readonly RenderToken[], limit: number) {
    this.#tokens = flatten(tokens, limit);
    this.#limit = limit;
  }

  run(): string[] {
    let pos: Position = { index: 0, offset: 0 };
    while (pos.index < this.#tokens.length) pos = this.#chunkFrom(pos);
    return this.#chunks;
  }

  /** Decides which enclosing spans to reopen: outermost first, while they take at most half the limit. */
  #reopen(): StackEntry[] {
    let budget = this.#limit / 2;
    return this.#stack.map((entry) => {
      const token = this.#tokens[entry.open] as OpenToken;
      const cost = token.text.length + token.close.length;
      const emitted = cost <= budget;
      if (emitted) budget -= cost;
      return { open: entry.open, emitted };
    });
  }

  /** The quality of a cut between token `i - 1` and token `i`, or -1 when not allowed. */
  #between(i: number): number {
    const before = this.#tokens[i - 1];
    const after = this.#tokens[i];
    if (before === undefined || after === undefined) return -1;
    if (before.kind === 'open' || after.kind === 'close') return -1;
    if (before.kind === 'text' && before.text.length > 0) {
      const text = before.text;
      const last = text.charCodeAt(text.length - 1);
      if (last === 0x0a) return text.charCodeAt(text.length - 2) === 0x0a ? 3 : 2;
      if (last === 0x20 || last === 0x09) return 1;
      if (last === 0x200d) return -1;
      if (after.kind === 'text' && after.text.length > 0) {
        const joined = text.slice(-24) + after.text.slice(0, 12);
        if (!canCut(joined, Math.min(24, text.length), true)) return -1;
      }
    }
    return 0;
  }

  /** Emits one chunk starting at `pos`; returns where the next one starts. */
  #chunkFrom(pos: Position): Position {
    const tokens = this.#tokens;
    const limit = this.#limit;
    const start = this.#reopen();
    const stack = start.map((entry) => ({ ...entry }));
    const suppressed = new Set<number>();
    let length = 0;
    let closing = 0;
    for (const entry of stack) {
      if (!entry.emitted) continue;
      const token = tokens[entry.open] as OpenToken;
      length += token.text.length;
      closing += token.close.length;
    }
    const best: (Candidate | undefined)[] = [undefined, undefined, undefined, undefined];
    const note = (quality: number, index: number, offset: number, at: number) => {
      if (quality >= 0) best[quality] = { index, offset, length: at };
    };
    let cut: Position = { index: tokens.length, offset: 0 };
    for (let i = pos.index; i < tokens.length; i++) {
      if (i > pos.index) note(this.#between(i), i, 0, length);
      const token = tokens[i] as RenderToken;
      if (token.kind === 'close') {
        const entry = stack.pop();
        if (entry?.emitted) {
          const open = tokens[entry.open] as OpenToken;
          length += open.close.length;
          closing -= open.close.length;
        }
        continue;
      }
      if (token.kind === 'open') {
        const cost = token.text.length + token.close.length;
        if (cost > limit / 2) {
          suppressed.add(i);
          stack.push({ open: i, emitted: false });
          continue;
        }
        if (length + cost + closing <= limit) {
          length += token.text.length;
          closing += token.close.length;
          stack.push({ open: i, emitted: true });
          continue;
        }
        const chosen = this.#choose(best);
        if (chosen === undefined) {
          suppressed.add(i);
          stack.push({ open: i, emitted: false });
          continue;
        }
        cut = chosen;
        break;
      }
      if (token.kind === 'atom') {
        if (length + token.text.length + closing <= limit) {
          length += token.text.length;
          continue;
        }
        cut = this.#choose(best) ?? { index: i, offset: 0 };
        break;
      }
      const text = token.text;
      const from = i === pos.index ? pos.offset : 0;
      const room = limit - length - closing;
      if (text.length - from <= room) {
        this.#noteInside(text, from, text.length - 1, i, length - from, note);
        length += text.length - from;
        continue;
      }
      // The text overflows the chunk: cut at the best place seen so far, this token's part included.
      const high = from + room;
      this.#noteInside(text, from, high, i, length - from, note);
      const chosen = this.#choose(best);
      if (chosen !== undefined) cut = chosen;
      else if (i > pos.index && from === 0) cut = { index: i, offset: 0 };
      else {
        // Nothing fits before the first character: take one whole unit anyway so the split always advances.
        let end = from + 1;
        while (end < text.length && !canCut(text, end, false)) end++;
        cut = { index: i, offset: end };
      }
      break;
    }
    this.#emit(pos, cut, start, suppressed);
    const at = tokens[cut.index];
    if (cut.offset > 0 && at?.kind === 'text' && cut.offset >= at.text.length)
      return { index: cut.index + 1, offset: 0 };
    return cut;
  }

  /** Notes the cut places inside text token `i` between `from` (exclusive) and `high` (inclusive). */
  #noteInside(
    text: string,
    from: number,
    high: number,
    i: number,
    base: number,
    note: (quality: number, index: number, offset: number, at: number) => void,
  ): void {
    if (high <= from) return;
    const anywhere = lastCut(text, high, from);
    if (anywhere > from) note(0, i, anywhere, base + anywhere);
    const space = Math.max(text.lastIndexOf(' ', high - 1), text.lastIndexOf('\t', high - 1));
    if (space >= from && space + 1 <= high) note(1, i, space + 1, base + space + 1);
    const line = text.lastIndexOf('\n', high - 1);
    if (line >= from && line + 1 <= high) note(2, i, line + 1, base + line + 1);
    const paragraph = text.lastIndexOf('\n\n', high - 2);
    if (paragraph >= from && paragraph + 2 <= high) note(3, i, paragraph + 2, base + paragraph + 2);
  }

  #choose(best: readonly (Candidate | undefined)[]): Position | undefined {
    const half = this.#limit / 2;
    for (const quality of [3, 2, 1]) {
      const candidate = best[quality];
      if (candidate !== undefined && candidate.length >= half) return candidate;
    }
    for (const quality of [3, 2, 1, 0]) if (best[quality] !== undefined) return best[quality];
    return undefined;
  }

  /** Writes the chunk from `pos` to `cut` (trailing whitespace dropped), closing what is open at the cut. */
  #emit(pos: Position, cut: Position, start: StackEntry[], suppressed: ReadonlySet<number>): void {
    const tokens = this.#tokens;
    const end = this.#trimmedEnd(pos, cut);
    const stack = start.map((entry) => ({ ...entry }));
    let out = '';
    for (const entry of stack) if (entry.emitted) out += (tokens[entry.open] as OpenToken).text;
    let visible = false;
    const last = Math.min(cut.index, tokens.length - 1);
    for (let i = pos.index; i <= last; i++) {
      const token = tokens[i] as RenderToken;
      if (i === cut.index && (token.kind !== 'text' || cut.offset === 0)) break;
      if (token.kind === 'open') {
        const emitted = !suppressed.has(i);
        stack.push({ open: i, emitted });
        if (emitted) out += token.text;
      } else if (token.kind === 'close') {
        const entry = stack.pop();
        if (entry?.emitted) out += (tokens[entry.open] as OpenToken).close;
      } else if (i < end.index || (i === end.index && end.offset > 0)) {
        if (token.kind === 'atom') {
          out += token.text;
          visible = true;
        } else {
          const from = i === pos.index ? pos.offset : 0;
          const to = i === end.index ? end.offset : token.text.length;
          if (to > from) {
            const piece = from === 0 && to === token.text.length ? token.text : token.text.slice(from, to);
            out += piece;
            // Any Unicode space counts as nothing: platforms trim it and refuse a message left empty.
            if (!visible && NOT_SPACE.test(piece)) visible = true;
          }
        }
      }
    }
    for (let k = stack.length - 1; k >= 0; k--) {
      const entry = stack[k] as StackEntry;
      if (entry.emitted) out += (tokens[entry.open] as OpenToken).close;
    }
    this.#stack = stack;
    // A chunk of markup and whitespace only would be an empty message: platforms refuse those.
    if (visible) this.#chunks.push(out);
  }

  /** The cut moved back over trailing spaces, tabs and newlines (stopping at any markup). */
  #trimmedEnd(pos: Position, cut: Position): Position {
    const tokens = this.#tokens;
    let index = cut.index;
    let offset = cut.offset;
    for (;;) {
      if (offset === 0) {
        if (index <= pos.index) return { index, offset };
        const previous = tokens[index - 1];
        if (previous?.kind !== 'text') return { index, offset };
        index -= 1;
        offset = previous.text.length;
        if (index === pos.index && offset <= pos.offset) return { index: index + 1, offset: 0 };
        continue;
      }
      const text = (tokens[index] as TextToken).text;
      const floor = index === pos.index ? pos.offset : 0;
      while (offset > floor) {
        const code = text.charCodeAt(offset - 1);
        if (code !== 0x20 && code !== 0x0a && code !== 0x09) return { index, offset };
        // Keep a backslash escape whole (`\ ` is one unit).
        if (offset - 2 >= floor && text.charCodeAt(offset - 2) === 0x5c && !canCut(text, offset - 1, false))
          return { index, offset };
        offset--;
      }
      if (index === pos.index) return { index, offset };
      offset = 0;
    }
  }
}

/**
 * Splits rendered tokens into chunks of at most `limit` UTF-16 code units each.
 * @param tokens - tokens from a renderer.
 * @param limit - the platform limit, at least {@link MIN_CHUNK_LIMIT}.
 * @returns non-empty chunks, each with visible text; `[]` when the tokens have no visible text.
 * @throws ConfigError when `limit` is below {@link MIN_CHUNK_LIMIT} or not an integer.
 */
export function chunkTokens(tokens: readonly RenderToken[], limit: number): string[] {
  if (!Number.isInteger(limit) || limit < MIN_CHUNK_LIMIT) {
    throw new ConfigError(`Chunk limit must be an integer of at least ${MIN_CHUNK_LIMIT}, got ${limit}.`);
  }
  return new Chunker(tokens, limit).run();
}

/**
 * Splits plain text to a limit at paragraph, line or word boundaries, never inside a surrogate pair.
 * @param text - the text to split.
 * @param limit - maximum UTF-16 code units per chunk, at least {@link MIN_CHUNK_LIMIT}.
 * @example
 * ```ts
 * chunkPlainText('a'.repeat(5000), 4096).length; // 2
 * ```
 */
export function chunkPlainText(text: string, limit: number): string[] {
  return chunkTokens([{ kind: 'text', text }], limit);
}
