/**
 * Splitting rendered output to a platform's message limit. Works on render tokens, so it knows where markup
 * starts and ends: open formatting is closed at the end of a chunk and reopened at the start of the next
 * (a code block stays a code block), and text is split at a paragraph, else a line, else a word boundary,
 * never inside an entity (`&amp;`), a backslash escape, a surrogate pair or a joined emoji.
 * @module
 */
import { ConfigError } from '../../src/core/errors.js';
import type { RenderToken } from './tokens.js';

/** Message limits in UTF-16 code units. Telegram's is counted on the HTML itself, which is conservative. */
export const PLATFORM_LIMITS = { telegram: 4096, slack: 4000, discord: 2000, web: 100_000 } as const;

/** The smallest limit the chunker accepts: below it, reopened markup could leave no room for text. */
export const MIN_CHUNK_LIMIT = 32;

type Piece =
  | { readonly kind: 'unit'; readonly text: string }
  | { readonly kind: 'atom'; readonly text: string }
  | { readonly kind: 'open'; readonly text: string; readonly close: string }
  | { readonly kind: 'close' };

interface StackEntry {
  readonly open: number;
  emitted: boolean;
}

// Entities, backslash escapes and surrogate pairs are single units; everything else is one UTF-16 unit.
const UNIT =
  /&#?[A-Za-z0-9]{1,10};|\\(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^&])|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g;
// Code points that attach to the one before them (joiners, variation selectors, skin tones, marks, tags).
const ATTACHES = /^(?:[\u200d\ufe0e\ufe0f\u20e3]|\uD83C[\uDFFB-\uDFFF]|\uDB40[\uDC20-\uDC7F]|\p{M})/u;
const REGIONAL = /^\uD83C[\uDDE6-\uDDFF]$/;

function units(text: string): string[] {
  return text.match(UNIT) ?? [];
}

/** Turns tokens into pieces; an atom too long for half a chunk is replaced by its fallback text. */
function flatten(tokens: readonly RenderToken[], limit: number): Piece[] {
  const pieces: Piece[] = [];
  const pushText = (text: string): void => {
    for (const unit of units(text)) pieces.push({ kind: 'unit', text: unit });
  };
  for (const token of tokens) {
    if (token.kind === 'text') pushText(token.text);
    else if (token.kind !== 'atom') pieces.push(token);
    else if (token.text.length <= limit / 2) pieces.push(token);
    else pushText(token.fallback ?? '');
  }
  return pieces;
}

const isSpace = (piece: Piece | undefined): boolean =>
  piece?.kind === 'unit' && (piece.text === ' ' || piece.text === '\n' || piece.text === '\t');

/** How good a cut before `pieces[i]` is: 3 paragraph, 2 line, 1 word, 0 anywhere, -1 not allowed. */
/** True when `pieces[i - 1]` ends a run of regional indicators of odd length (half a flag). */
function splitsFlag(pieces: readonly Piece[], i: number): boolean {
  let run = 0;
  for (let k = i - 1; k >= 0; k--) {
    const piece = pieces[k];
    if (piece?.kind !== 'unit' || !REGIONAL.test(piece.text)) break;
    run += 1;
  }
  return run % 2 === 1;
}

function cutQuality(pieces: readonly Piece[], i: number): number {
  const before = pieces[i - 1];
  const after = pieces[i];
  if (before === undefined || after === undefined) return -1;
  // Never leave an empty span behind: no cut right after an opening or right before a closing.
  if (before.kind === 'open' || after.kind === 'close') return -1;
  if (before.kind === 'unit' && before.text === '\n')
    return pieces[i - 2]?.kind === 'unit' && (pieces[i - 2] as { text: string }).text === '\n' ? 3 : 2;
  if (isSpace(before)) return 1;
  if (after.kind === 'unit' && ATTACHES.test(after.text)) return -1;
  if (before.kind === 'unit' && before.text === '\u200d') return -1;
  if (after.kind === 'unit' && REGIONAL.test(after.text) && splitsFlag(pieces, i)) return -1;
  return 0;
}

class Chunker {
  readonly #pieces: Piece[];
  readonly #limit: number;
  readonly #chunks: string[] = [];
  #stack: StackEntry[] = [];

  constructor(tokens: readonly RenderToken[], limit: number) {
    this.#pieces = flatten(tokens, limit);
    this.#limit = limit;
  }

  run(): string[] {
    let pos = 0;
    while (pos < this.#pieces.length) pos = this.#chunkFrom(pos);
    return this.#chunks;
  }

  /** Decides which enclosing spans to reopen: outermost first, while they take at most half the limit. */
  #reopen(): StackEntry[] {
    let budget = this.#limit / 2;
    return this.#stack.map((entry) => {
      const piece = this.#pieces[entry.open] as Piece & { kind: 'open' };
      const cost = piece.text.length + piece.close.length;
      const emitted = cost <= budget;
      if (emitted) budget -= cost;
      return { open: entry.open, emitted };
    });
  }

  /** Emits one chunk starting at `pos`; returns where the next one starts. */
  #chunkFrom(pos: number): number {
    const pieces = this.#pieces;
    const limit = this.#limit;
    const start = this.#reopen();
    const stack = start.map((entry) => ({ ...entry }));
    const suppressed = new Set<number>();
    let length = 0;
    let closing = 0;
    for (const entry of stack) {
      if (!entry.emitted) continue;
      const piece = pieces[entry.open] as Piece & { kind: 'open' };
      length += piece.text.length;
      closing += piece.close.length;
    }
    const best: (number | undefined)[] = [undefined, undefined, undefined, undefined];
    const lengthAt: number[] = [0, 0, 0, 0];
    let cut = pieces.length;
    for (let i = pos; i < pieces.length; i++) {
      if (i > pos) {
        const quality = cutQuality(pieces, i);
        if (quality >= 0) {
          best[quality] = i;
          lengthAt[quality] = length;
        }
      }
      const piece = pieces[i] as Piece;
      if (piece.kind === 'close') {
        const entry = stack.pop();
        if (entry?.emitted) {
          const open = pieces[entry.open] as Piece & { kind: 'open' };
          length += open.close.length;
          closing -= open.close.length;
        }
        continue;
      }
      if (piece.kind === 'open') {
        const cost = piece.text.length + piece.close.length;
        if (cost > limit / 2) {
          suppressed.add(i);
          stack.push({ open: i, emitted: false });
          continue;
        }
        if (length + cost + closing <= limit) {
          length += piece.text.length;
          closing += piece.close.length;
          stack.push({ open: i, emitted: true });
          continue;
        }
      } else if (length + piece.text.length + closing <= limit) {
        length += piece.text.length;
        continue;
      }
      // The piece does not fit: cut at the best boundary seen so far.
      const chosen = this.#choose(best, lengthAt, i, pos);
      if (chosen === undefined && piece.kind === 'open') {
        suppressed.add(i);
        stack.push({ open: i, emitted: false });
        continue;
      }
      // Reopened markup takes at most half the limit and a unit is tiny, so `i > pos` here; the guard only
      // keeps a future change from looping forever.
      cut = Math.max(chosen ?? i, pos + 1);
      break;
    }
    this.#emit(pos, cut, start, suppressed);
    return cut;
  }

  #choose(
    best: readonly (number | undefined)[],
    lengthAt: readonly number[],
    i: number,
    pos: number,
  ): number | undefined {
    const half = this.#limit / 2;
    for (const quality of [3, 2, 1]) {
      if (best[quality] !== undefined && (lengthAt[quality] as number) >= half) return best[quality];
    }
    for (const quality of [3, 2, 1, 0]) if (best[quality] !== undefined) return best[quality];
    return i > pos ? i : undefined;
  }

  #emit(pos: number, cut: number, start: StackEntry[], suppressed: ReadonlySet<number>): void {
    const pieces = this.#pieces;
    let end = cut;
    while (end > pos && isSpace(pieces[end - 1])) end--;
    const stack = start.map((entry) => ({ ...entry }));
    let out = '';
    for (const entry of stack)
      if (entry.emitted) out += (pieces[entry.open] as Piece & { kind: 'open' }).text;
    let visible = false;
    for (let i = pos; i < cut; i++) {
      const piece = pieces[i] as Piece;
      if (piece.kind === 'open') {
        const emitted = !suppressed.has(i);
        stack.push({ open: i, emitted });
        if (emitted) out += piece.text;
      } else if (piece.kind === 'close') {
        const entry = stack.pop();
        if (entry?.emitted) out += (pieces[entry.open] as Piece & { kind: 'open' }).close;
      } else if (i < end) {
        out += piece.text;
        // Any Unicode space counts as nothing: platforms trim it and refuse a message left empty.
        if (piece.kind === 'atom' || /\S/.test(piece.text)) visible = true;
      }
    }
    for (let k = stack.length - 1; k >= 0; k--) {
      const entry = stack[k] as StackEntry;
      if (entry.emitted) out += (pieces[entry.open] as Piece & { kind: 'open' }).close;
    }
    this.#stack = stack;
    // A chunk of markup and whitespace only would be an empty message: platforms refuse those.
    if (visible) this.#chunks.push(out);
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
