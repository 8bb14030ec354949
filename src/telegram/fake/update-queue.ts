/**
 * The bot's pending updates and the one long poll that may wait for them (`getUpdates`).
 * @module
 */
import type { Update } from '@grammyjs/types';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';

/** Update types Telegram leaves out unless `allowed_updates` names them. */
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The parameters of one `getUpdates` call. */
export interface PollRequest {
  readonly offset: number | undefined;
  /** 1-100. */
  readonly limit: number;
  /** Seconds (fake time) to wait for an update when none is pending. */
  readonly timeoutSeconds: number;
  /** `undefined` keeps the previous setting, as on Telegram. */
  readonly allowedUpdates: readonly string[] | undefined;
}

/** How a poll ended: with updates (maybe none), or terminated by a newer poll (409). */
export type PollOutcome =
  | { readonly kind: 'updates'; readonly updates: Update[] }
  | { readonly kind: 'conflict' };

interface WaitingPoll {
  readonly limit: number;
  readonly finish: (outcome: PollOutcome) => void;
}

/** Holds unconfirmed updates; hands them to long polls; a new poll terminates a waiting one. */
export class UpdateQueue {
  #updates: Update[] = [];
  #nextUpdateId = 100_000_001;
  #allowed: ReadonlySet<string> | undefined;
  #waiting: WaitingPoll | undefined;

  /** @param clock - fake time, for long-poll timeouts. */
  constructor(readonly clock: ScaledClock) {}

  /** Whether a `getUpdates` long poll is waiting right now. */
  get hasWaitingPoll(): boolean {
    return this.#waiting !== undefined;
  }

  /** Unconfirmed updates, oldest first (a copy). */
  get pending(): readonly Update[] {
    return [...this.#updates];
  }

  /**
   * Queues an update unless `allowed_updates` excludes its type (Telegram filters when updates are
   * created, so the setting does not affect updates already queued).
   * @param update - the update without its `update_id`.
   * @returns the assigned `update_id`, or `undefined` when filtered out.
   */
  push(update: Omit<Update, 'update_id'>): number | undefined {
    const type = Object.keys(update)[0] ?? '';
    const allowed = this.#allowed ? this.#allowed.has(type) : !OPT_IN_TYPES.has(type);
    if (!allowed) return undefined;
    const full = { update_id: this.#nextUpdateId++, ...update } as Update;
    this.#updates.push(full);
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.finish({ kind: 'updates', updates: this.#updates.slice(0, waiting.limit) });
    }
    return full.update_id;
  }

  /** Forgets every pending update (`deleteWebhook({ drop_pending_updates: true })`). */
  dropPending(): void {
    this.#updates = [];
  }

  /**
   * Starts a `getUpdates` call: confirms updates below `offset`, answers at once when updates are
   * pending or `timeoutSeconds` is 0, else waits. A poll already waiting is terminated (409).
   * @param request - the call's parameters.
   * @returns the outcome, and `abandon` to call when the client hangs up first.
   */
  poll(request: PollRequest): { outcome: Promise<PollOutcome>; abandon: () => void } {
    if (request.allowedUpdates !== undefined) {
      this.#allowed =
        request.allowedUpdates.length === 0
          ? undefined
          : new Set(request.allowedUpdates.map((type) => String(type)));
    }
    const { offset } = request;
    if (offset !== undefined && offset > 0)
      this.#updates = this.#updates.filter((u) => u.update_id >= offset);
    if (offset !== undefined && offset < 0) this.#updates = this.#updates.slice(offset);
    const previous = this.#waiting;
    this.#waiting = undefined;
    previous?.finish({ kind: 'conflict' });

    const ready = this.#updates.slice(0, request.limit);
    if (ready.length > 0 || request.timeoutSeconds <= 0) {
      return { outcome: Promise.resolve({ kind: 'updates', updates: ready }), abandon: () => {} };
    }
    let waiting: WaitingPoll | undefined;
    const outcome = new Promise<PollOutcome>((resolve) => {
      const timer = setTimeout(
        () => {
          if (this.#waiting === waiting) this.#waiting = undefined;
          resolve({ kind: 'updates', updates: [] });
        },
        this.clock.toRealMs(request.timeoutSeconds * 1000),
      );
      waiting = {
        limit: request.limit,
        finish: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      };
      this.#waiting = waiting;
    });
    const abandon = () => {
      if (waiting && this.#waiting === waiting) {
        this.#waiting = undefined;
        waiting.finish({ kind: 'updates', updates: [] });
      }
    };
    return { outcome, abandon };
  }

  /** Answers a waiting poll with no updates (server shutdown). */
  close(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.finish({ kind: 'updates', updates: [] });
  }
}
