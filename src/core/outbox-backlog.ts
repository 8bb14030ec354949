/**
 * What the outbox may hold, and how it renders without stalling the process. An agent can print faster than any
 * platform accepts messages (Telegram: 20 per minute in a group), so the outbox bounds its backlog: past a bound
 * the oldest queued output is replaced by one line saying how many lines were omitted, and the newest is kept.
 * Rendering runs in slices that yield to the event loop, within a CPU budget per output.
 * @module
 */
import {
  asCodeFence,
  RENDER_LIMITS,
  splitMarkdownSegments,
  WorkBudget,
  withoutAddedFences,
} from '../format/pipeline.js';

/** The bounds of the outbox's memory and work. */
export const OUTBOX_BOUNDS = {
  /** Queued output per thread (Markdown characters) before the oldest is summarised; trimmed to half. */
  threadChars: 2_000_000,
  /** The same while a card, a choice or a reply to a person waits in the thread: output is coalesced harder. */
  threadCharsWhileCardWaits: 64_000,
  /** Queued output across all threads; past it, the thread that adds more is cut to its card-wait bound. */
  totalChars: 32_000_000,
  /** Messages of an output batch still to send when a card arrives: older ones are summarised. */
  messagesWhileCardWaits: 4,
  /** Rendering yields to the event loop after this much work (ms), so taps and timers are served between. */
  sliceMs: 8,
  /** After an output blows its render budget, the thread's output is shown as code for this long (ms). */
  plainAfterSlowMs: 60_000,
} as const;

/** The line shown in place of output the backlog bound dropped. */
export function omittedNotice(lines: number): string {
  return `_… ${lines.toLocaleString('en-US')} ${lines === 1 ? 'line' : 'lines'} omitted …_`;
}

/** Lines in a text (a text without a newline is one line). */
export function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** Lets the event loop run (I/O, taps, timers) before rendering continues. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Renders one output in segments, yielding between slices of work. Returns the rendered pieces and whether the
 * output blew its CPU budget (the rest of it was shown as code).
 * @param markdown - the output.
 * @param render - the transport's renderer (Markdown → platform chunks).
 * @param asCode - render the whole output as a code block (the thread was slow a moment ago).
 * @param slice - the shared slice clock: call `slice.due()` to learn whether to yield.
 */
export async function renderInSlices(
  markdown: string,
  render: (markdown: string) => string[],
  asCode: boolean,
  slice: { due(): boolean },
): Promise<{ pieces: string[]; slow: boolean }> {
  const pieces: string[] = [];
  const segments = splitMarkdownSegments(markdown, RENDER_LIMITS.segmentChars);
  // One segment's work is bounded by its size (as in renderMarkdownTokens); only longer outputs are budgeted, so
  // the common short output does not pay the CPU clock's system call (30,000 short outputs: ~0.6 s of CPU).
  const budget = segments.length > 1 ? new WorkBudget(markdown.length) : undefined;
  for (let i = 0; i < segments.length; i++) {
    const { text, cut } = segments[i] as (typeof segments)[number];
    const plain = asCode || budget?.exhausted === true;
    const source = plain ? asCodeFence(withoutAddedFences(text, cut, segments[i + 1]?.cut)) : text;
    for (const piece of budget ? budget.charge(() => render(source)) : render(source)) pieces.push(piece);
    if (slice.due()) await yieldToEventLoop();
  }
  return { pieces, slow: budget?.exhausted === true };
}

/** Tracks work since the last yield. */
export class SliceClock {
  #since = performance.now();

  /** True (and restarted) when the work since the last yield passed {@link OUTBOX_BOUNDS.sliceMs}. */
  due(): boolean {
    const now = performance.now();
    if (now - this.#since < OUTBOX_BOUNDS.sliceMs) return false;
    this.#since = now;
    return true;
  }
}
