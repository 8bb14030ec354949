/**
 * The outbox: every message a bridge sends goes through it. Per thread it keeps order, coalesces queued
 * output into as few messages as the platform's size limit allows, streams by editing the newest output
 * message in place, schedules calls under per-chat and global rate limits, and retries after a 429 by its
 * retry-after. Nothing is dropped silently: an undeliverable message rejects its promise.
 * @module
 */
import { DeliveryError, PlatformError, RateLimitedError } from './errors.js';
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
  /** The rate-limit bucket of a thread (e.g. its chat id: topics of one group share limits). @default ref */
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
  /** Attempts for transient failures (5xx, network). @default 5 */
  readonly maxAttempts?: number;
  /** 429s tolerated for one call before giving up. @default 20 */
  readonly maxRateLimitRetries?: number;
  /** Stream by editing the newest output message. @default true */
  readonly editInPlace?: boolean;
}

type Op =
  | { kind: 'output'; markdown: string; resolve: () => void; reject: (e: Error) => void }
  | { kind: 'post'; message: OutgoingMessage; resolve: (id: string) => void; reject: (e: Error) => void }
  | {
      kind: 'edit';
      messageId: string;
      message: OutgoingMessage;
      resolve: () => void;
      reject: (e: Error) => void;
    };

interface ThreadQueue {
  ops: Op[];
  running: boolean;
  /** The newest output message, which further output may extend by editing. */
  tail?: { messageId: string; text: string };
}

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
  readonly #threads = new Map<string, ThreadQueue>();
  readonly #limiter: SlidingWindowLimiter;
  readonly #idle = new Set<() => void>();

  readonly #chatLimits: readonly RateLimit[];

  constructor(options: OutboxOptions) {
    this.#o = options;
    const perChat = options.perChat;
    this.#chatLimits = perChat === undefined ? [] : Array.isArray(perChat) ? perChat : [perChat as RateLimit];
    this.#limiter = new SlidingWindowLimiter(options.clock);
  }

  /** Queue agent output (Markdown). Resolves once it is visible on the platform. */
  output(ref: string, markdown: string): Promise<void> {
    return new Promise((resolve, reject) => this.#push(ref, { kind: 'output', markdown, resolve, reject }));
  }

  /** Queue a standalone message (a card, a status). Resolves with its message id. Ends edit-in-place streaming. */
  post(ref: string, message: OutgoingMessage): Promise<string> {
    return new Promise((resolve, reject) => this.#push(ref, { kind: 'post', message, resolve, reject }));
  }

  /** Queue an edit of an earlier message (e.g. a card after its decision), in order with the thread's output. */
  edit(ref: string, messageId: string, message: OutgoingMessage): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#push(ref, { kind: 'edit', messageId, message, resolve, reject }),
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

  /** Resolves when every queue is empty. */
  async drain(): Promise<void> {
    if ([...this.#threads.values()].every((q) => !q.running && q.ops.length === 0)) return;
    await new Promise<void>((resolve) => this.#idle.add(resolve));
  }

  #push(ref: string, op: Op): void {
    let queue = this.#threads.get(ref);
    if (!queue) {
      queue = { ops: [], running: false };
      this.#threads.set(ref, queue);
    }
    queue.ops.push(op);
    if (!queue.running) {
      queue.running = true;
      // Start after the current synchronous burst so it is coalesced.
      queueMicrotask(() => void this.#run(ref, queue));
    }
  }

  async #run(ref: string, queue: ThreadQueue): Promise<void> {
    try {
      while (queue.ops.length > 0) {
        const head = queue.ops[0];
        if (!head) break;
        if (head.kind === 'output') {
          const batch: Extract<Op, { kind: 'output' }>[] = [];
          while (queue.ops[0]?.kind === 'output')
            batch.push(queue.ops.shift() as Extract<Op, { kind: 'output' }>);
          await this.#deliverOutput(ref, queue, batch);
          continue;
        }
        queue.ops.shift();
        try {
          if (head.kind === 'post') {
            delete queue.tail;
            head.resolve(await this.#call(ref, 'post', () => this.#o.transport.post(ref, head.message)));
          } else {
            await this.#call(ref, 'edit', () => this.#o.transport.edit(ref, head.messageId, head.message));
            head.resolve();
          }
        } catch (error) {
          head.reject(this.#deliveryError(ref, error));
        }
      }
    } finally {
      queue.running = false;
      if ([...this.#threads.values()].every((q) => !q.running && q.ops.length === 0)) {
        for (const resolve of this.#idle) resolve();
        this.#idle.clear();
      }
    }
  }

  async #deliverOutput(
    ref: string,
    queue: ThreadQueue,
    batch: Extract<Op, { kind: 'output' }>[],
  ): Promise<void> {
    try {
      // Each output is rendered on its own (a code fence opened by one never swallows the next), then the
      // rendered pieces are packed into as few messages as the limit allows, starting with the newest one.
      const pieces = batch.flatMap((op) => (op.markdown.trim() ? this.#o.transport.render(op.markdown) : []));
      const tail = this.#o.editInPlace === false ? undefined : queue.tail;
      const messages = packMessages(tail?.text, pieces, this.#o.transport.messageLimit);
      let first = 0;
      if (tail && messages[0]?.extendsTail) {
        const text = messages[0].text;
        try {
          await this.#call(ref, 'edit', () => this.#o.transport.edit(ref, tail.messageId, { text }));
          queue.tail = { messageId: tail.messageId, text };
          first = 1;
        } catch (error) {
          // The message may have been deleted by a person: post what it would have added as new messages.
          this.#o.logger.warn({ err: error, ref }, 'edit-in-place failed; posting a new message');
          delete queue.tail;
          messages.splice(
            0,
            1,
            ...packMessages(undefined, messages[0].added, this.#o.transport.messageLimit),
          );
        }
      }
      for (const message of messages.slice(first)) {
        const { text } = message;
        const messageId = await this.#call(ref, 'post', () => this.#o.transport.post(ref, { text }));
        queue.tail = { messageId, text };
      }
      for (const op of batch) op.resolve();
    } catch (error) {
      const failure = this.#deliveryError(ref, error);
      for (const op of batch) op.reject(failure);
    }
  }

  async #call<T>(ref: string, kind: 'post' | 'edit', fn: () => Promise<T>): Promise<T> {
    const chat = this.#o.transport.chatKey?.(ref) ?? ref;
    const maxAttempts = this.#o.maxAttempts ?? 5;
    const maxRateLimited = this.#o.maxRateLimitRetries ?? 20;
    let attempts = 0;
    let limited = 0;
    for (;;) {
      await this.#limiter.acquire([
        ...this.#chatLimits.map((limit, i) => [`chat:${chat}:${i}`, limit] as const),
        ['global', this.#o.global],
      ]);
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
