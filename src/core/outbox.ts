// Over 400 lines: one queue per thread whose order, coalescing, streaming edits, rate limits and retries share its state; backlog bounds are in outbox-backlog.ts.
/**
 * The outbox: every message a bridge sends goes through it. Per thread it keeps order, coalesces queued
 * output into as few messages as the platform's size limit allows, streams by editing the newest output
 * message in place, schedules calls under per-chat and global rate limits, and retries after a 429 by its
 * retry-after. Nothing is dropped silently: an undeliverable message rejects its promise.
 * @module
 */
import { DeliveryError, PlatformError, RateLimitedError } from './errors.js';
import { countLines, OUTBOX_BOUNDS, omittedNotice, renderInSlices, SliceClock } from './outbox-backlog.js';
import { type RateLimit, SlidingWindowLimiter, sleep } from './rate-limiter.js';
import type { Clock, Logger } from './types.js';

/** A message in the platform's own format, with optional button rows. */
export interface OutgoingMessage {
  readonly text: string;
  readonly buttons?: readonly (readonly {
    readonly label: string;
    readonly payload: string;
    readonly style?: 'primary' | 'danger';
  }[])[];
}

/** What the outbox needs from a platform. `ref` is the platform's thread reference. */
export interface OutboxTransport {
  /** Platform name, for errors. */
  readonly platform: string;
  /** Maximum length of one message's text. */
  readonly messageLimit: number;
  /** Render Markdown into platform-format chunks, each within `messageLimit`. */
  render(markdown: string): string[];
  post(ref: string, message: OutgoingMessage): Promise<string>;
  edit(ref: string, messageId: string, message: OutgoingMessage): Promise<void>;
  /** The rate-limit bucket of a thread (e.g. its chat id: topics of one group share limits). @defaultValue ref */
  chatKey?(ref: string): string;
}

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  readonly transport: OutboxTransport;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Calls per chat: one limit, or several at once (e.g. Telegram's 1/s and 20/min per group). */
  readonly perChat?: RateLimit | readonly RateLimit[];
  /** Calls across all chats. */
  readonly global?: RateLimit;
  /** Attempts for transient failures (5xx, network). @defaultValue 5 */
  readonly maxAttempts?: number;
  /** 429s tolerated for one call before giving up. @defaultValue 20 */
  readonly maxRateLimitRetries?: number;
  /** Stream by editing the newest output message. @defaultValue true */
  readonly editInPlace?: boolean;
}

/** The defaults of {@link OutboxOptions}. */
export const OUTBOX_DEFAULTS = {
  maxAttempts: 5,
  maxRateLimitRetries: 20,
  editInPlace: true,
} as const satisfies Partial<Record<keyof OutboxOptions, unknown>>;

type OutputOp = { kind: 'output'; markdown: string; resolve: () => void; reject: (e: Error) => void };
type Op =
  | OutputOp
  | {
      kind: 'post';
      message: OutgoingMessage;
      priority: boolean;
      resolve: (id: string) => void;
      reject: (e: Error) => void;
    }
  | {
      kind: 'edit';
      messageId: string;
      /** A promise holds the edit's place in the queue while the message is still being made. */
      message: OutgoingMessage | PromiseLike<OutgoingMessage>;
      priority: boolean;
      resolve: () => void;
      reject: (e: Error) => void;
    };

/** Options of {@link Outbox.post} and {@link Outbox.edit}. */
export interface PostOptions {
  /**
   * A card, a choice or a reply to a person: it goes ahead of the thread's queued output (which is coalesced
   * harder while it waits), so the person sees it within a few platform calls whatever the agent printed.
   * @defaultValue false
   */
  readonly priority?: boolean;
}

interface ThreadQueue {
  ops: Op[];
  running: boolean;
  /** The newest output message, which further output may extend by editing. */
  tail?: { messageId: string; text: string };
  /** Characters of queued (not yet rendered) output. */
  queuedChars: number;
  /** Lines of output dropped by the backlog bound, announced before the next output. */
  omittedLines: number;
  /** Until when (clock ms) the thread's output is shown as code: an output of it blew its render budget. */
  plainUntil: number;
  /** Aborted when a priority message arrives while the thread's output waits at the rate limiter. */
  outputWait?: AbortController;
}

/** An output call gave way at the rate limiter to a priority message of its thread (sent first, then retried). */
class GaveWay extends Error {}

/** Counters for benchmarks and `/status`. */
export interface OutboxStats {
  posts: number;
  edits: number;
  rateLimited: number;
  retries: number;
  failures: number;
}

/** Ordered, coalescing, rate-limited delivery of messages to one platform. */
export class Outbox {
  readonly stats: OutboxStats = { posts: 0, edits: 0, rateLimited: 0, retries: 0, failures: 0 };
  readonly #o: OutboxOptions;
  /** One entry per thread with queued or recent output; {@link Outbox.forget} removes it with the thread. */
  readonly #threads = new Map<string, ThreadQueue>();
  readonly #limiter: SlidingWindowLimiter;
  readonly #idle = new Set<() => void>();
  /** Queues running now (so "all idle" is O(1), not a scan of every thread). */
  #busy = 0;
  /** Queued output characters across all threads (bounded by {@link OUTBOX_BOUNDS}). */
  #totalQueued = 0;

  readonly #chatLimits: readonly RateLimit[];

  constructor(options: OutboxOptions) {
    this.#o = options;
    const perChat = options.perChat;
    this.#chatLimits = perChat === undefined ? [] : Array.isArray(perChat) ? perChat : [perChat as RateLimit];
    this.#limiter = new SlidingWindowLimiter(options.clock);
  }

  /**
   * Queue agent output (Markdown). Resolves once it is visible on the platform — or, under a flood, once the
   * backlog bound has replaced it with the "… N lines omitted …" line (the newest output is kept).
   */
  output(ref: string, markdown: string): Promise<void> {
    return new Promise((resolve, reject) => this.#push(ref, { kind: 'output', markdown, resolve, reject }));
  }

  /** Queue a standalone message (a card, a status). Resolves with its message id. Ends edit-in-place streaming. */
  post(ref: string, message: OutgoingMessage, options: PostOptions = {}): Promise<string> {
    const priority = options.priority === true;
    return new Promise((resolve, reject) =>
      this.#push(ref, { kind: 'post', message, priority, resolve, reject }),
    );
  }

  /**
   * Queue an edit of an earlier message (e.g. a card after its decision), in order with the thread's output.
   * `message` may be a promise: the edit takes its place in the queue now (ahead of anything queued after it) and
   * is sent once the message is made; a rejected promise rejects the edit and the queue moves on.
   */
  edit(
    ref: string,
    messageId: string,
    message: OutgoingMessage | PromiseLike<OutgoingMessage>,
    options: PostOptions = {},
  ): Promise<void> {
    const priority = options.priority === true;
    return new Promise((resolve, reject) =>
      this.#push(ref, { kind: 'edit', messageId, message, priority, resolve, reject }),
    );
  }

  /** Stop extending the newest output message of a thread (the next output starts a new message). */
  breakStream(ref: string): void {
    const queue = this.#threads.get(ref);
    if (queue) delete queue.tail;
  }

  /** Forget a thread. Queued operations still run. */
  forget(ref: string): void {
    const queue = this.#threads.get(ref);
    if (queue && !queue.running && queue.ops.length === 0) this.#threads.delete(ref);
  }

  /** Characters of output queued and not yet rendered: for one thread, or for all. Bounded by {@link OUTBOX_BOUNDS}. */
  backlog(ref?: string): number {
    return ref === undefined ? this.#totalQueued : (this.#threads.get(ref)?.queuedChars ?? 0);
  }

  /** Resolves when every queue is empty. */
  async drain(): Promise<void> {
    if (this.#busy === 0) return;
    await new Promise<void>((resolve) => this.#idle.add(resolve));
  }

  #push(ref: string, op: Op): void {
    let queue = this.#threads.get(ref);
    if (!queue) {
      queue = { ops: [], running: false, queuedChars: 0, omittedLines: 0, plainUntil: 0 };
      this.#threads.set(ref, queue);
    }
    if (op.kind === 'output') {
      queue.ops.push(op);
      queue.queuedChars += op.markdown.length;
      this.#totalQueued += op.markdown.length;
      if (this.#cardWaits(queue)) this.#trim(queue, OUTBOX_BOUNDS.threadCharsWhileCardWaits);
      else if (this.#totalQueued > OUTBOX_BOUNDS.totalChars)
        this.#trim(queue, OUTBOX_BOUNDS.threadCharsWhileCardWaits);
      else if (queue.queuedChars > OUTBOX_BOUNDS.threadChars)
        this.#trim(queue, OUTBOX_BOUNDS.threadChars / 2);
    } else if (op.priority) {
      // Ahead of queued output, behind earlier priority messages (they keep their order).
      let at = 0;
      while (at < queue.ops.length && (queue.ops[at] as Op).kind !== 'output') at++;
      queue.ops.splice(at, 0, op);
      this.#trim(queue, OUTBOX_BOUNDS.threadCharsWhileCardWaits);
      queue.outputWait?.abort();
    } else queue.ops.push(op);
    if (!queue.running) {
      queue.running = true;
      this.#busy++;
      // Start after the current synchronous burst so it is coalesced.
      queueMicrotask(() => void this.#run(ref, queue));
    }
  }

  #cardWaits(queue: ThreadQueue): boolean {
    const head = queue.ops[0];
    return head !== undefined && head.kind !== 'output' && head.priority;
  }

  /**
   * Drops the oldest queued output until at most `maxChars` are queued, counting its lines for the notice; an
   * output larger than what is left keeps its newest lines.
   */
  #trim(queue: ThreadQueue, maxChars: number): void {
    if (queue.queuedChars <= maxChars) return;
    const kept: Op[] = [];
    let excess = queue.queuedChars - maxChars;
    for (const op of queue.ops) {
      if (op.kind !== 'output' || excess <= 0) {
        kept.push(op);
        continue;
      }
      const length = op.markdown.length;
      if (length <= excess) {
        excess -= length;
        this.#dropChars(queue, length);
        queue.omittedLines += countLines(op.markdown);
        op.resolve();
        continue;
      }
      // Keep the newest part, from a line start.
      const newline = op.markdown.indexOf('\n', excess);
      const cut = newline === -1 ? excess : newline + 1;
      queue.omittedLines += countLines(op.markdown.slice(0, cut)) - (newline === -1 ? 0 : 1);
      op.markdown = op.markdown.slice(cut);
      this.#dropChars(queue, cut);
      excess = 0;
      kept.push(op);
    }
    queue.ops = kept;
  }

  #dropChars(queue: ThreadQueue, chars: number): void {
    queue.queuedChars -= chars;
    this.#totalQueued -= chars;
  }

  async #run(ref: string, queue: ThreadQueue): Promise<void> {
    try {
      while (queue.ops.length > 0) {
        const head = queue.ops[0];
        if (!head) break;
        if (head.kind === 'output') {
          let count = 0;
          while (queue.ops[count]?.kind === 'output') count++;
          const batch = queue.ops.splice(0, count) as OutputOp[];
          for (const op of batch) {
            queue.queuedChars -= op.markdown.length;
            this.#totalQueued -= op.markdown.length;
          }
          await this.#deliverOutput(ref, queue, batch);
          continue;
        }
        queue.ops.shift();
        await this.#deliverMessage(ref, queue, head);
      }
    } finally {
      queue.running = false;
      this.#busy--;
      if (this.#busy === 0) {
        for (const resolve of this.#idle) resolve();
        this.#idle.clear();
      }
    }
  }

  async #deliverMessage(ref: string, queue: ThreadQueue, op: Exclude<Op, OutputOp>): Promise<void> {
    try {
      if (op.kind === 'post') {
        delete queue.tail;
        op.resolve(await this.#call(ref, 'post', () => this.#o.transport.post(ref, op.message), op.priority));
      } else {
        const message = await op.message;
        await this.#call(ref, 'edit', () => this.#o.transport.edit(ref, op.messageId, message), op.priority);
        op.resolve();
      }
    } catch (error) {
      op.reject(this.#deliveryError(ref, error));
    }
  }

  /** Renders a batch of output in slices (yielding to the event loop), a notice first if output was omitted. */
  async #renderBatch(queue: ThreadQueue, batch: readonly OutputOp[]): Promise<string[]> {
    const render = (markdown: string) => this.#o.transport.render(markdown);
    const pieces: string[] = [];
    if (queue.omittedLines > 0) {
      for (const piece of render(omittedNotice(queue.omittedLines))) pieces.push(piece);
      queue.omittedLines = 0;
    }
    const slice = new SliceClock();
    for (const op of batch) {
      if (!op.markdown.trim()) continue;
      const asCode = this.#o.clock.now() < queue.plainUntil;
      const rendered = await renderInSlices(op.markdown, render, asCode, slice);
      if (rendered.slow) queue.plainUntil = this.#o.clock.now() + OUTBOX_BOUNDS.plainAfterSlowMs;
      for (const piece of rendered.pieces) pieces.push(piece);
    }
    return pieces;
  }

  /** Sends the priority messages waiting at the head of the queue, in the middle of an output batch. */
  async #deliverPriority(ref: string, queue: ThreadQueue): Promise<boolean> {
    let sent = false;
    while (this.#cardWaits(queue)) {
      await this.#deliverMessage(ref, queue, queue.ops.shift() as Exclude<Op, OutputOp>);
      sent = true;
    }
    return sent;
  }

  async #deliverOutput(ref: string, queue: ThreadQueue, batch: OutputOp[]): Promise<void> {
    try {
      // Each output is rendered on its own (a code fence opened by one never swallows the next), then the
      // rendered pieces are packed into as few messages as the limit allows, starting with the newest one.
      const pieces = await this.#renderBatch(queue, batch);
      const tail = (this.#o.editInPlace ?? OUTBOX_DEFAULTS.editInPlace) ? queue.tail : undefined;
      const messages = packMessages(tail?.text, pieces, this.#o.transport.messageLimit);
      let first = 0;
      if (tail && messages[0]?.extendsTail) {
        const text = messages[0].text;
        try {
          await this.#call(ref, 'edit', () => this.#o.transport.edit(ref, tail.messageId, { text }), queue);
          queue.tail = { messageId: tail.messageId, text };
          first = 1;
        } catch (error) {
          // A reply went out first (the output continues below it), or the message may have been deleted by a
          // person: post what it would have added as new messages.
          if (!(error instanceof GaveWay))
            this.#o.logger.warn({ err: error, ref }, 'edit-in-place failed; posting a new message');
          delete queue.tail;
          messages.splice(
            0,
            1,
            ...packMessages(undefined, messages[0].added, this.#o.transport.messageLimit),
          );
        }
      }
      let rest = messages.slice(first);
      while (rest.length > 0) {
        if (await this.#deliverPriority(ref, queue)) {
          // A card went out: what is left of this batch is coalesced to its newest messages.
          const keep = OUTBOX_BOUNDS.messagesWhileCardWaits;
          if (rest.length > keep) {
            const dropped = rest.slice(0, rest.length - keep);
            const lines = dropped.reduce((n, m) => n + countLines(m.text), 0);
            const notice = packMessages(
              undefined,
              this.#o.transport.render(omittedNotice(lines)),
              this.#o.transport.messageLimit,
            );
            rest = [...notice, ...rest.slice(rest.length - keep)];
          }
        }
        const text = (rest[0] as PackedMessage).text;
        try {
          const messageId = await this.#call(ref, 'post', () => this.#o.transport.post(ref, { text }), queue);
          queue.tail = { messageId, text };
          rest.shift();
        } catch (error) {
          // A priority message arrived while this waited at the limiter: it goes first (top of the loop).
          if (!(error instanceof GaveWay)) throw error;
        }
      }
      for (const op of batch) op.resolve();
    } catch (error) {
      const failure = this.#deliveryError(ref, error);
      for (const op of batch) op.reject(failure);
    }
  }

  /**
   * One platform call under the rate limits, retried after a 429 or a transient failure. `by` is `true` for a
   * priority message, or the thread queue of an output call: that call gives way ({@link GaveWay}) when a
   * priority message of the thread arrives while it waits at the limiter.
   */
  async #call<T>(
    ref: string,
    kind: 'post' | 'edit',
    fn: () => Promise<T>,
    by: boolean | ThreadQueue = false,
  ): Promise<T> {
    const chat = this.#o.transport.chatKey?.(ref) ?? ref;
    const maxAttempts = this.#o.maxAttempts ?? OUTBOX_DEFAULTS.maxAttempts;
    const maxRateLimited = this.#o.maxRateLimitRetries ?? OUTBOX_DEFAULTS.maxRateLimitRetries;
    const priority = by === true;
    const queue = typeof by === 'boolean' ? undefined : by;
    let attempts = 0;
    let limited = 0;
    for (;;) {
      if (queue && this.#cardWaits(queue)) throw new GaveWay();
      const wait = queue ? new AbortController() : undefined;
      if (queue && wait) queue.outputWait = wait;
      const granted = await this.#limiter.acquire(
        [
          ...this.#chatLimits.map((limit, i) => [`chat:${chat}:${i}`, limit] as const),
          ['global', this.#o.global],
        ],
        priority,
        wait?.signal,
      );
      if (queue?.outputWait === wait) delete queue?.outputWait;
      if (!granted) throw new GaveWay();
      try {
        const result = await fn();
        if (kind === 'post') this.stats.posts++;
        else this.stats.edits++;
        return result;
      } catch (error) {
        if (error instanceof RateLimitedError && limited < maxRateLimited) {
          limited++;
          this.stats.rateLimited++;
          for (const [i, limit] of this.#chatLimits.entries()) {
            this.#limiter.penalise(`chat:${chat}:${i}`, this.#o.clock.now() + error.retryAfterMs, limit);
          }
          await sleep(this.#o.clock, error.retryAfterMs);
          continue;
        }
        attempts++;
        const retryable =
          error instanceof PlatformError ? error.retryable : !(error instanceof RateLimitedError);
        if (!retryable || attempts >= maxAttempts) {
          this.stats.failures++;
          throw error;
        }
        this.stats.retries++;
        await sleep(this.#o.clock, Math.min(10_000, 100 * 2 ** attempts));
      }
    }
  }

  #deliveryError(ref: string, error: unknown): Error {
    if (error instanceof DeliveryError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new DeliveryError(this.#o.transport.platform, ref, message, { cause: error });
  }
}

/** A message to send: its text, whether it extends the newest message, and the rendered pieces it adds. */
interface PackedMessage {
  readonly text: string;
  readonly extendsTail: boolean;
  readonly added: string[];
}

/**
 * Pack rendered pieces, in order, into as few messages as `limit` allows (pieces joined by a line break),
 * filling the newest message (`tail`) first. Every piece already fits the limit on its own.
 */
export function packMessages(
  tail: string | undefined,
  pieces: readonly string[],
  limit: number,
): PackedMessage[] {
  const messages: PackedMessage[] = [];
  let current: { text: string; extendsTail: boolean; added: string[] } | undefined =
    tail === undefined ? undefined : { text: tail, extendsTail: true, added: [] };
  for (const piece of pieces) {
    if (current && current.text.length + 1 + piece.length <= limit) {
      current.text = `${current.text}\n${piece}`;
      current.added.push(piece);
      continue;
    }
    if (current && current.added.length > 0) messages.push(current);
    current = { text: piece, extendsTail: false, added: [piece] };
  }
  if (current && current.added.length > 0) messages.push(current);
  return messages;
}
