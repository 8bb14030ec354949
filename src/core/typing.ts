/**
 * Typing indicators: a platform's "typing…" lasts a few seconds, so it is renewed until stopped.
 * @module
 */
import type { Clock, Logger } from './types.js';

/** Renews one typing ping per thread until stopped. */
export class TypingIndicators {
  readonly #active = new Map<string, unknown>();

  /**
   * @param ping - sends one typing ping to a thread.
   * @param intervalMs - how often to renew it.
   */
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ping: (threadId: string) => Promise<void>,
    private readonly intervalMs: () => number,
  ) {}

  /** Start (or keep) the indicator of a thread. */
  start(threadId: string): void {
    if (this.#active.has(threadId)) return;
    const renew = () => {
      this.ping(threadId).catch((error: unknown) => this.logger.debug({ err: error }, 'typing ping failed'));
      this.#active.set(threadId, this.clock.setTimeout(renew, this.intervalMs()));
    };
    renew();
  }

  /** Stop a thread's indicator. */
  stop(threadId: string): void {
    const handle = this.#active.get(threadId);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.#active.delete(threadId);
  }

  isActive(threadId: string): boolean {
    return this.#active.has(threadId);
  }

  /** Stop every indicator. */
  stopAll(): void {
    for (const threadId of [...this.#active.keys()]) this.stop(threadId);
  }
}
