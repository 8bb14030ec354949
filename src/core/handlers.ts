/**
 * Several handler sets on one bridge: the application's own, plus those `supervise()` adds per session.
 * Notifications go to every set; questions (`/status`, `/usage`, `/stop`, commands) take the first answer.
 * @module
 */
import type { Handlers } from './types.js';

/** A live list of handler sets behaving as one {@link Handlers}. */
export class HandlerSet implements Handlers {
  readonly #sets: Handlers[] = [];

  constructor(initial?: Handlers) {
    if (initial) this.#sets.push(initial);
  }

  /** Add a set; returns a function removing it. */
  add(handlers: Handlers): () => void {
    this.#sets.push(handlers);
    return () => {
      const index = this.#sets.indexOf(handlers);
      if (index >= 0) this.#sets.splice(index, 1);
    };
  }

  /** True when some set has this handler. */
  has(name: keyof Handlers): boolean {
    return this.#sets.some((h) => typeof h[name] === 'function');
  }

  // Arrow properties: the methods stay bound when passed around (`const h = set.onInput; h(…)`).
  readonly onInput = async (...args: Parameters<NonNullable<Handlers['onInput']>>): Promise<void> => {
    for (const h of [...this.#sets]) await h.onInput?.(...args);
  };

  readonly onAttachment = async (
    ...args: Parameters<NonNullable<Handlers['onAttachment']>>
  ): Promise<void> => {
    for (const h of [...this.#sets]) await h.onAttachment?.(...args);
  };

  readonly onApprovalResponse = async (
    ...args: Parameters<NonNullable<Handlers['onApprovalResponse']>>
  ): Promise<void> => {
    for (const h of [...this.#sets]) await h.onApprovalResponse?.(...args);
  };

  readonly onCommand = (
    ...args: Parameters<NonNullable<Handlers['onCommand']>>
  ): Promise<string | undefined> => this.#first((h) => h.onCommand?.(...args));

  readonly onStatusRequest = (
    ...args: Parameters<NonNullable<Handlers['onStatusRequest']>>
  ): Promise<string | undefined> => this.#first((h) => h.onStatusRequest?.(...args));

  readonly onStopRequest = (
    ...args: Parameters<NonNullable<Handlers['onStopRequest']>>
  ): Promise<string | undefined> => this.#first((h) => h.onStopRequest?.(...args));

  readonly onUsageRequest = (
    ...args: Parameters<NonNullable<Handlers['onUsageRequest']>>
  ): Promise<string | undefined> => this.#first((h) => h.onUsageRequest?.(...args));

  async #first(call: (h: Handlers) => unknown): Promise<string | undefined> {
    for (const h of [...this.#sets]) {
      const result = await call(h);
      if (typeof result === 'string' && result.length > 0) return result;
    }
    return undefined;
  }
}
