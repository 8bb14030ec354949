/**
 * The refusal a fake Bot API method throws; the HTTP layer turns it into Telegram's error envelope.
 * @module
 */
import type { ResponseParameters } from '@grammyjs/types';

/** A Bot API refusal: HTTP status, Telegram's `description`, optional `parameters`. */
export class BotApiRejection extends Error {
  override readonly name = 'BotApiRejection';
  constructor(
    /** HTTP status and `error_code`, e.g. 400. */
    readonly errorCode: number,
    /** Telegram's description, e.g. `Bad Request: chat not found`. */
    readonly description: string,
    /** Extra `parameters`, e.g. `{ retry_after: 3 }`. */
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

/**
 * A `400 Bad Request: <detail>` refusal.
 * @param detail - the text after `Bad Request: `.
 */
export function badRequest(detail: string): BotApiRejection {
  return new BotApiRejection(400, `Bad Request: ${detail}`);
}
