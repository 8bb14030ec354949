/**
 * Notification batching: auto-approve notices of one thread collapse into a single message after a
 * quiet period (the seed's 1.5 s).
 * @module
 */
import type { Clock } from './types.js';

/** One batched notice: the tool and the reason it was auto-approved. */
export interface BatchedNotice {
  readonly toolName: string;
  readonly reason: string;
}

/** How many quiet periods a notice may be held back by newer ones at most. */
const MAX_HOLD_PERIODS = 5;

interface PendingBatch {
  readonly items: BatchedNotice[];
  handle: unknown;
  readonly first: number;
  /** When the batch is flushed unless another notice comes. */
  due: number;
}

/** Collapses notices per thread; flushes after `quietMs` without a new notice (or 5 × `quietMs` at most). */
export class NotificationBatcher {
  readonly #pending = new Map<string, PendingBatch>();
  readonly #clock: Clock;
  readonly #quietMs: number;
  readonly #flush: (threadId: string, items: BatchedNotice[]) => void;

  /**
   * @param flush - called with the collapsed notices of a thread.
   * @param quietMs - quiet period before flushing. @defaultValue 1500
   */
  constructor(flush: (threadId: string, items: BatchedNotice[]) => void, clock: Clock, quietMs = 1500) {
    this.#flush = flush;
    this.#clock = clock;
    this.#quietMs = quietMs;
  }

  /**
   * Add a notice; (re)starts the thread's quiet period. One timer per thread: a notice only moves its due time
   * (a run of auto-approvals costs no timer each), and a timer that fires before the due time waits again.
   */
  add(threadId: string, notice: BatchedNotice): void {
    const now = this.#clock.now();
    let entry = this.#pending.get(threadId);
    if (!entry) {
      entry = { items: [], handle: undefined, first: now, due: now };
      this.#pending.set(threadId, entry);
    }
    entry.items.push(notice);
    // A steady stream of notices is flushed at the latest 5 quiet periods after its first one.
    entry.due = Math.max(now, Math.min(now + this.#quietMs, entry.first + MAX_HOLD_PERIODS * this.#quietMs));
    if (entry.handle === undefined) this.#arm(threadId, entry, entry.due - now);
  }

  #arm(threadId: string, entry: PendingBatch, delay: number): void {
    entry.handle = this.#clock.setTimeout(() => {
      entry.handle = undefined;
      const left = entry.due - this.#clock.now();
      if (left > 0) this.#arm(threadId, entry, left);
      else this.flushThread(threadId);
    }, delay);
  }

  /** Flush a thread now. */
  flushThread(threadId: string): void {
    const entry = this.#pending.get(threadId);
    if (!entry) return;
    if (entry.handle !== undefined) this.#clock.clearTimeout(entry.handle);
    this.#pending.delete(threadId);
    if (entry.items.length > 0) this.#flush(threadId, entry.items);
  }

  /** Flush everything now (on stop). */
  flushAll(): void {
    for (const threadId of [...this.#pending.keys()]) this.flushThread(threadId);
  }

  /** Drop a thread's notices without sending. */
  removeThread(threadId: string): void {
    const entry = this.#pending.get(threadId);
    if (entry?.handle !== undefined) this.#clock.clearTimeout(entry.handle);
    this.#pending.delete(threadId);
  }
}

/** The text of a batch: one line for one notice, a list for several. */
export function describeBatch(items: readonly BatchedNotice[]): string {
  if (items.length === 1) {
    const [only] = items;
    return `✅ ${only?.toolName} — auto-approved (${only?.reason})`;
  }
  const reasons = [...new Set(items.map((i) => i.reason))].join(', ');
  return [
    `✅ Auto-approved ${items.length} tools:`,
    ...items.map((i) => `• ${i.toolName}`),
    `(${reasons})`,
  ].join('\n');
}
