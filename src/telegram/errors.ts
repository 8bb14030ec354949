/**
 * Maps grammY's errors to agent-tether's: `GrammyError` (Telegram refused) and `HttpError` (the network failed)
 * become `RateLimitedError` (429, waited out by the outbox) or `PlatformError` (5xx and network failures are
 * retryable, other refusals are not). Messages name the operation and never the bot token.
 * @module
 */
import { GrammyError, HttpError } from 'grammy';
import { PlatformError, RateLimitedError, TetherError } from '../core/errors.js';

/** The platform name used in every Telegram error. */
export const TELEGRAM = 'telegram';

/**
 * Replace every occurrence of the bot token in a text (network errors can carry the request URL, which
 * contains it).
 * @param text - any text that may end up in a message or a log.
 * @param token - the bot token.
 */
export function redactToken(text: string, token: string): string {
  return token ? text.split(token).join('<bot-token>') : text;
}

/** True when Telegram refused HTML (`Bad Request: can't parse entities: …`). */
export function isHtmlRefused(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /can't parse entities/i.test(error.description)
  );
}

/** True when an edit changed nothing (`Bad Request: message is not modified`): the message already shows it. */
export function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified/i.test(error.description)
  );
}

/** Options of {@link toTetherError}. */
export interface TelegramErrorContext {
  /** The bot token, redacted from network error messages. */
  readonly token: string;
  /**
   * Clock milliseconds per real millisecond, to express `retry_after` (real seconds) in the bridge's clock.
   * @defaultValue 1
   */
  readonly clockMsPerRealMs?: number;
}

/**
 * Turn anything a grammY call threw into a {@link TetherError}.
 * - 429 → {@link RateLimitedError} with `retry_after` in clock milliseconds;
 * - 5xx → retryable {@link PlatformError};
 * - network failure (`HttpError`) → retryable `PlatformError` with code `NETWORK`;
 * - other refusals → non-retryable `PlatformError` carrying Telegram's description.
 * @param error - what the call threw.
 * @param operation - the Bot API method, e.g. `sendMessage`.
 * @param context - token to redact, time scale.
 */
export function toTetherError(error: unknown, operation: string, context: TelegramErrorContext): TetherError {
  if (error instanceof TetherError) return error;
  const { token } = context;
  if (error instanceof GrammyError) {
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      const ms = Math.max(1, Math.ceil(seconds * 1000 * (context.clockMsPerRealMs ?? 1)));
      return new RateLimitedError(TELEGRAM, operation, ms, { cause: error });
    }
    const description = `${error.error_code} ${error.description}`;
    return new PlatformError(TELEGRAM, operation, description, {
      cause: error,
      retryable: error.error_code >= 500,
    });
  }
  if (error instanceof HttpError) {
    const inner = error.error instanceof Error ? error.error.message : String(error.error);
    const description = redactToken(`network error (${inner})`, token);
    return new PlatformError(TELEGRAM, operation, description, {
      code: 'NETWORK',
      retryable: true,
      // The raw error may carry the request URL, which holds the token: keep only a redacted copy.
      cause: new Error(redactToken(`${error.message}: ${inner}`, token)),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError(TELEGRAM, operation, redactToken(message, token), {
    retryable: false,
    cause: new Error(redactToken(message, token)),
  });
}
