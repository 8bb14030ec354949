/**
 * The entry point where text enters rendering: {@link renderMarkdownTokens}. It bounds the work any one text can
 * cost, so no output can stall the process that renders it:
 * - text with no Markdown syntax skips the parser (the plain-text fast path);
 * - a long text is rendered in segments cut at blank lines outside code fences ({@link splitMarkdownSegments});
 * - a work budget per text: once rendering has run slower than {@link RENDER_LIMITS} allows, the rest is shown
 *   as a code block (nothing is dropped, only formatting);
 * - nesting so deep the parser overflows the stack is shown as a code block too.
 * Anything that must see every outgoing text (e.g. a secret masker) belongs at the top of
 * {@link renderMarkdownTokens}.
 * @module
 */

import { chunkTokens } from './chunk.js';
import { parseMarkdown, type Token } from './markdown.js';
import { type Dialect, renderTokens } from './render-tree.js';
import { appendAll, hasVisibleText, type RenderToken, textToken } from './tokens.js';

/** The bounds on rendering work. */
export const RENDER_LIMITS = {
  /**
   * Texts longer than this are rendered in segments of this size to twice it (UTF-16 units): the parser's work
   * on one segment is bounded (about 0.3 s on the most hostile input measured), and memory holds one segment's
   * tokens at a time.
   */
  segmentChars: 16 * 1024,
  /** CPU time allowed per text before the rest is shown as code: this many ms, plus {@link msPerMegabyte}. */
  budgetFloorMs: 200,
  /** Extra work allowed per MB of text: 1 s/MB is 10× slower than the parser runs on ordinary agent output. */
  msPerMegabyte: 1000,
} as const;

/**
 * Tracks the work spent on one text against its budget. Work is timed with the monotonic clock; only when that
 * says the budget is spent is the process's CPU time asked (a busy machine is not a hostile text, and the CPU
 * clock costs a system call, too dear to read per segment).
 */
export class WorkBudget {
  readonly #allowedMs: number;
  #wallMs = 0;
  #cpuAtStart: NodeJS.CpuUsage | undefined;
  #exhausted = false;

  /** @param chars - length of the whole text. */
  constructor(chars: number) {
    this.#allowedMs = RENDER_LIMITS.budgetFloorMs + (chars / 1e6) * RENDER_LIMITS.msPerMegabyte;
  }

  /** True once the work so far exceeds the budget. */
  get exhausted(): boolean {
    if (this.#exhausted || this.#wallMs <= this.#allowedMs) return this.#exhausted;
    const used = process.cpuUsage(this.#cpuAtStart);
    this.#exhausted = (used.user + used.system) / 1000 > this.#allowedMs;
    // Not yet: look again after another budget's worth of wall time.
    if (!this.#exhausted) this.#wallMs = this.#allowedMs / 2;
    return this.#exhausted;
  }

  /** Runs `work`, charging its time to the budget. */
  charge<T>(work: () => T): T {
    this.#cpuAtStart ??= process.cpuUsage();
    const started = performance.now();
    try {
      return work();
    } finally {
      this.#wallMs += performance.now() - started;
    }
  }
}

// Characters and line shapes that can start Markdown syntax (or that markdown-it rewrites: NUL, CR, tabs).
// Text with none of them renders exactly as its paragraphs, so the parser is skipped.
const SYNTAX = /[\\`*_~[\]<>&|@\u0000\r\t]|^ |^(?:[#>+=-]|\d{1,9}[.)])| $|:\/\/|www\./m;

/** True when `md` has no Markdown syntax at all: it renders as its paragraphs, escaped. */
export function isPlainText(md: string): boolean {
  return !SYNTAX.test(md);
}

function renderPlainParagraphs(md: string, dialect: Dialect): RenderToken[] {
  const out: RenderToken[] = [];
  for (const paragraph of md.split(/\n{2,}/)) {
    const text = paragraph.replace(/^\n+|\n+$/g, '');
    if (text === '') continue;
    if (out.length > 0) out.push(textToken(dialect.blockSeparator));
    appendAll(out, dialect.paragraph([textToken(dialect.escape(text))]));
  }
  return out;
}

// Renderers never mutate the tokens, so the same text rendered for several platforms (a router, the plain
// fallback) is parsed once. Bounded to the last 2 texts: cached token arrays outlive young-generation GC, and more of them cost more than they save.
const recentTokens = new Map<string, Token[]>();
const RECENT_TOKENS = 2;

function parseCached(md: string): Token[] {
  const cached = recentTokens.get(md);
  if (cached) return cached;
  const tokens = parseMarkdown(md);
  if (recentTokens.size >= RECENT_TOKENS) recentTokens.delete(recentTokens.keys().next().value as string);
  recentTokens.set(md, tokens);
  return tokens;
}

/**
 * One segment: the fast path, else parsed; nesting that overflows the parser's stack is shown as code. Only a
 * whole text is cached (`cache`): a long text's segments would each evict the previous one, and keeping their
 * tokens alive past their segment promotes them to the old generation (the 1 MB peak-memory figure).
 */
function renderSegment(md: string, dialect: Dialect, cache: boolean): RenderToken[] {
  if (isPlainText(md)) return renderPlainParagraphs(md, dialect);
  try {
    return renderTokens(cache ? parseCached(md) : parseMarkdown(md), dialect);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return dialect.codeBlock(md, undefined, TOP);
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** A piece of a long text; `cut` says the previous piece ended inside a code block or a line, not between blocks. */
export interface MarkdownSegment {
  readonly text: string;
  readonly cut?: 'code' | 'line';
}

/**
 * Cuts long Markdown into segments of about `maxChars`, at blank lines outside code fences where it can; a
 * segment with no blank line is cut at a line end (a fence cut open is closed and reopened in the next
 * segment), and a single line longer than twice the size is cut inside.
 * @param md - the Markdown.
 * @param maxChars - the target segment size.
 */
export function splitMarkdownSegments(
  md: string,
  maxChars: number = RENDER_LIMITS.segmentChars,
): MarkdownSegment[] {
  if (md.length <= maxChars) return [{ text: md }];
  const segments: MarkdownSegment[] = [];
  let current: string[] = [];
  let size = 0;
  let cut: MarkdownSegment['cut'];
  let fence: { char: string; length: number; line: string } | undefined;
  const flush = (reason: MarkdownSegment['cut']) => {
    if (size === 0) return;
    if (fence) current.push(fence.char.repeat(fence.length));
    segments.push(cut ? { text: current.join('\n'), cut } : { text: current.join('\n') });
    cut = fence ? 'code' : reason;
    current = fence ? [fence.line] : [];
    size = fence ? fence.line.length : 0;
  };
  let start = 0;
  while (start <= md.length) {
    const newline = md.indexOf('\n', start);
    const end = newline === -1 ? md.length : newline;
    let line = md.slice(start, end);
    start = end + 1;
    const marker = FENCE.exec(line)?.[1];
    if (marker) {
      const char = marker[0] as string;
      if (!fence) fence = { char, length: marker.length, line };
      else if (char === fence.char && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
    }
    if (line.trim() === '' && !fence && size >= maxChars) {
      flush(undefined);
      continue;
    }
    while (line.length > maxChars) {
      // One enormous line: cut it (never inside a surrogate pair).
      let at = maxChars;
      if (/[\uD800-\uDBFF]/.test(line[at - 1] ?? '')) at--;
      current.push(line.slice(0, at));
      size += at;
      line = line.slice(at);
      flush('line');
    }
    current.push(line);
    size += line.length + 1;
    if (size >= 2 * maxChars) flush(undefined);
  }
  fence = undefined;
  if (size > 0) segments.push(cut ? { text: current.join('\n'), cut } : { text: current.join('\n') });
  return segments;
}

/** Appends a segment's tokens; a code block cut open by the segmenting continues the previous one. */
function appendSegment(
  tokens: RenderToken[],
  rendered: RenderToken[],
  cut: MarkdownSegment['cut'],
  sep: string,
): void {
  if (rendered.length === 0) return;
  const last = tokens.at(-1);
  const first = rendered[0];
  if (cut === 'code' && last?.kind === 'close' && first?.kind === 'open') {
    tokens.pop();
    tokens.push(textToken('\n', true));
    for (let i = 1; i < rendered.length; i++) tokens.push(rendered[i] as RenderToken);
    return;
  }
  if (tokens.length > 0) tokens.push(textToken(cut === 'line' ? '' : cut === 'code' ? '\n' : sep));
  appendAll(tokens, rendered);
}

const TOP = { inLink: false, quoteDepth: 0 } as const;

/** A segment's text without the fence lines the segmenting added around a code block it cut. */
export function withoutAddedFences(
  text: string,
  cut: MarkdownSegment['cut'],
  nextCut: MarkdownSegment['cut'],
): string {
  let out = text;
  if (cut === 'code') out = out.slice(out.indexOf('\n') + 1);
  if (nextCut === 'code') out = out.slice(0, Math.max(0, out.lastIndexOf('\n')));
  return out;
}

/** Markdown that shows `text` verbatim as a code block (the fence is longer than any backtick run inside). */
export function asCodeFence(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${text}\n${fence}`;
}

/**
 * Every text enters rendering here: cut into segments, each rendered within the work budget. Both
 * {@link renderMarkdownTokens} and {@link renderMarkdownChunks} read their tokens from this one place.
 */
function* renderSegments(
  md: string,
  dialect: Dialect,
): Generator<{ tokens: RenderToken[]; cut: MarkdownSegment['cut'] }> {
  const segments = splitMarkdownSegments(md);
  if (segments.length === 1) {
    yield { tokens: renderSegment(md, dialect, true), cut: undefined };
    return;
  }
  const budget = new WorkBudget(md.length);
  for (let i = 0; i < segments.length; i++) {
    const { text, cut } = segments[i] as MarkdownSegment;
    const tokens = budget.exhausted
      ? dialect.codeBlock(withoutAddedFences(text, cut, segments[i + 1]?.cut), undefined, TOP)
      : budget.charge(() => renderSegment(text, dialect, false));
    yield { tokens, cut };
  }
}

/** What is shown when Markdown with characters renders to nothing visible: its source, as text. */
function sourceAsText(md: string, dialect: Dialect): RenderToken[] {
  return dialect.paragraph([textToken(dialect.escape(md.trim()))]);
}

/**
 * Parses and renders Markdown with a dialect, within the work bounds above. When the Markdown has characters but
 * renders to nothing visible (e.g. only link definitions), the source itself is shown as escaped text, so
 * non-empty input never vanishes.
 * @param md - Markdown source.
 * @param dialect - the platform's dialect.
 */
export function renderMarkdownTokens(md: string, dialect: Dialect): RenderToken[] {
  const tokens: RenderToken[] = [];
  for (const segment of renderSegments(md, dialect))
    appendSegment(tokens, segment.tokens, segment.cut, dialect.blockSeparator);
  if (hasVisibleText(tokens) || !/\S/.test(md)) return tokens;
  return sourceAsText(md, dialect);
}

/**
 * Renders Markdown and splits it into messages of at most `limit`, one segment at a time (so memory holds one
 * segment's tokens, not the whole text's); the last message of a segment is filled with the next one's first.
 * @param md - Markdown source.
 * @param dialect - the platform's dialect.
 * @param limit - the message limit.
 */
export function renderMarkdownChunks(md: string, dialect: Dialect, limit: number): string[] {
  const chunks: string[] = [];
  for (const { tokens, cut } of renderSegments(md, dialect)) {
    const pieces = chunkTokens(tokens, limit);
    const separator = cut === 'line' ? '' : cut === 'code' ? '\n' : dialect.blockSeparator;
    const first = pieces[0];
    const last = chunks.at(-1);
    let from = 0;
    if (first !== undefined && last !== undefined && last.length + separator.length + first.length <= limit) {
      chunks[chunks.length - 1] = last + separator + first;
      from = 1;
    }
    for (let i = from; i < pieces.length; i++) chunks.push(pieces[i] as string);
  }
  if (chunks.length > 0 || !/\S/.test(md)) return chunks;
  return chunkTokens(sourceAsText(md, dialect), limit);
}
