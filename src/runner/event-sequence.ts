/**
 * Keeps the events of one session in order even when they are produced by concurrent sources
 * (stdout, stderr, process exit), and keeps a throwing callback from crashing the runner.
 * @module
 */

import type { Awaitable, Logger } from '../core/types.js';

/** Runs event callbacks one after another. */
export class EventSequence {
  #tail: Promise<void> = Promise.resolve();
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
    const next = this.#tail.then(callback).catch((error: unknown) => {
      this.#logger.error({ err: error, session: this.#label }, 'A runner event callback threw');
    });
    this.#tail = next;
    return next;
  }

  /** Resolves once every queued callback has run. */
  drained(): Promise<void> {
    return this.#tail;
  }
}
