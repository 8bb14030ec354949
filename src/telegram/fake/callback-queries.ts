/**
 * Callback queries a person started by tapping a button, waiting for the bot's `answerCallbackQuery`.
 * @module
 */

import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import { badRequest } from './api-rejection.js';
import type { CallbackAnswer } from './types.js';

/** How long (fake time) a callback query can be answered; Telegram stops waiting after about 15 s. */
export const CALLBACK_ANSWER_WINDOW_MS = 15_000;

interface OpenQuery {
  readonly createdAt: number;
  readonly settle: (answer: CallbackAnswer | undefined) => void;
}

/** Open callback queries by id. */
export class CallbackQueries {
  readonly #open = new Map<string, OpenQuery>();
  #serial = 0;

  /** @param clock - fake time, for the answer window. */
  constructor(readonly clock: ScaledClock) {}

  /**
   * Opens a query.
   * @returns its id, and the bot's answer (`undefined` when the window passes or the server stops).
   */
  open(): { id: string; answer: Promise<CallbackAnswer | undefined> } {
    const id = `${Date.now() % 1_000_000}${String(++this.#serial).padStart(6, '0')}`;
    const answer = new Promise<CallbackAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.clock.toRealMs(CALLBACK_ANSWER_WINDOW_MS));
      timer.unref?.();
      const settle = (value: CallbackAnswer | undefined) => {
        clearTimeout(timer);
        this.#open.delete(id);
        resolve(value);
      };
      this.#open.set(id, { createdAt: this.clock.now(), settle });
    });
    return { id, answer };
  }

  /**
   * Records the bot's answer.
   * @throws `400 query is too old...` for unknown, answered or expired queries, as Telegram does.
   */
  answer(id: string, answer: CallbackAnswer): void {
    const query = this.#open.get(id);
    if (!query || this.clock.now() - query.createdAt > CALLBACK_ANSWER_WINDOW_MS) {
      query?.settle(undefined);
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    query.settle(answer);
  }

  /** Settles every open query with `undefined`. */
  close(): void {
    for (const query of [...this.#open.values()]) query.settle(undefined);
  }
}
