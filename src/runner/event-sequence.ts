/**
 * Keeps the events of one session in order even when they are produced by concurrent sources
 * (stdout, stderr, process exit), and keeps a throwing callback from crashing the runner.
 * @module
 */

import type { Awaitable, Logger } from '../core/types.js';

/** Runs event callbacks one after another. */
export class EventSequence {
  #tail: Promise<void> = Promise.resolve();
  /** Callbacks queued and not yet finished. */
  #pending = 0;
  #belowWaiters: { readonly level: number; readonly resolve: () => void }[] = [];
  readonly #logger: Logger;
  readonly #label: string;

  /**
   * @param logger - Where a throwing callback is reported.
   * @param label - Names the session in log lines.
   */
  constructor(logger: Logger, label: string) {
    this.#logger = logger;
    this.#label = label;
  }

  /** Queue `callback` after every earlier one. Resolves once it has run; never rejects. */
  emit(callback: () => Awaitable<void>): Promise<void> {
    this.#pending++;
    const next = this.#tail
      .then(callback)
      .catch((error: unknown) => {
        this.#logger.error({ err: error, session: this.#label }, 'A runner event callback threw');
      })
      .finally(() => {
        this.#pending--;
        if (this.#belowWaiters.length === 0) return;
        const ready = this.#belowWaiters.filter((w) => this.#pending <= w.level);
        this.#belowWaiters = this.#belowWaiters.filter((w) => this.#pending > w.level);
        for (const waiter of ready) waiter.resolve();
      });
    this.#tail = next;
    return next;
  }

  /** Callbacks queued and not yet finished (what a reader uses for back-pressure). */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves once at most `level` callbacks are pending. */
  below(level: number): Promise<void> {
    if (this.#pending <= level) return Promise.resolve();
    return new Promise((resolve) => this.#belowWaiters.push({ level, resolve }));
  }

  /** Resolves once every queued callback has run. */
  drained(): Promise<void> {
    return this.#tail;
  }
}
