/**
 * What every fake Bot API method works with.
 * @module
 */
import type { UserFromGetMe } from '@grammyjs/types';
import type { ScaledClock } from '../../../testing/kit/scaled-clock.js';
import type { ParamReader } from '../bot-api-params.js';
import type { CallbackQueries } from '../callback-queries.js';
import type { TelegramWorld } from '../model.js';
import type { FloodControl } from '../rate-limiter.js';
import type { UpdateQueue } from '../update-queue.js';

/** Shared state of one fake server, handed to every method. */
export interface MethodContext {
  readonly world: TelegramWorld;
  readonly queue: UpdateQueue;
  readonly clock: ScaledClock;
  readonly flood: FloodControl;
  readonly callbacks: CallbackQueries;
  readonly botInfo: UserFromGetMe;
}

/** The request a method serves: its parameters and a way to learn that the client hung up. */
export interface MethodRequest {
  readonly params: ParamReader;
  /** Registers a callback for when the client closes the connection before the answer. */
  readonly onHangUp: (listener: () => void) => void;
}

/** A Bot API method: returns the `result`, or throws a `BotApiRejection`. */
export type MethodHandler = (context: MethodContext, request: MethodRequest) => unknown;

/** Unix seconds of the fake clock, for message dates. */
export function fakeUnixSeconds(context: MethodContext): number {
  return Math.floor(context.clock.now() / 1000);
}
