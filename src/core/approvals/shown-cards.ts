/**
 * The cards a flow has shown and the button tokens it answers: a tap finds its request through the token, and
 * a decided request's card is updated from the card as it was shown (not rebuilt from the request). Both are
 * bounded; open requests are also found through the store after a restart.
 * @module
 */
import type { Card } from './cards.js';
import type { PayloadCodec } from './codec.js';
import { MAX_REMEMBERED_TOKENS } from './flow-types.js';
import type { PendingEntry } from './pending.js';

function trim<K, V>(map: Map<K, V>): void {
  for (const oldest of map.keys()) {
    if (map.size <= MAX_REMEMBERED_TOKENS) break;
    map.delete(oldest);
  }
}

/** Shown cards and button tokens of one flow, each at most {@link MAX_REMEMBERED_TOKENS}. */
export class ShownCards {
  readonly #tokens = new Map<string, string>();
  readonly #cards = new Map<string, Card>();
  readonly #codec: PayloadCodec;
  readonly #rebuild: (entry: PendingEntry) => Card;

  /** @param rebuild - builds a request's card when it is no longer remembered (e.g. after a restart). */
  constructor(codec: PayloadCodec, rebuild: (entry: PendingEntry) => Card) {
    this.#codec = codec;
    this.#rebuild = rebuild;
  }

  /** Remember a request's button token. Tokens of decided requests are kept (a late tap learns who decided). */
  rememberToken(requestId: string): void {
    this.#tokens.set(this.#codec.tokenFor(requestId), requestId);
    trim(this.#tokens);
  }

  /** The request a button token stands for. */
  requestIdOf(token: string): string | undefined {
    return this.#tokens.get(token);
  }

  /** Remember the card shown for a request. */
  shown(requestId: string, card: Card): void {
    this.#cards.set(requestId, card);
    trim(this.#cards);
  }

  /** The card as shown, else rebuilt. */
  cardOf(entry: PendingEntry): Card {
    return this.#cards.get(entry.requestId) ?? this.#rebuild(entry);
  }

  /** The card as shown (or rebuilt), forgetting it: the request is decided. */
  take(entry: PendingEntry): Card {
    const card = this.cardOf(entry);
    this.#cards.delete(entry.requestId);
    return card;
  }
}
