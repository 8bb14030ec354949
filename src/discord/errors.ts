/**
 * Turns what `@discordjs/rest` throws into agent-tether's errors: a 429 that escaped the client's own waiting
 * becomes {@link RateLimitedError} (the outbox waits and retries), 5xx and network failures a retryable
 * {@link PlatformError}, other refusals a plain PlatformError. The token never appears in a message.
 * @module
 */
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { ConfigError, PlatformError, RateLimitedError, TetherError } from '../core/errors.js';

/** The fix printed when Discord refuses the token. */
export const BAD_TOKEN_MESSAGE =
  'Discord rejected the bot token: check DISCORD_BOT_TOKEN (Developer Portal → your application → Bot → Reset Token).';

/** The fix printed when the gateway refuses the Message Content intent. */
export const MESSAGE_CONTENT_FIX =
  'enable the Message Content Intent (Discord Developer Portal → your application → Bot → Privileged Gateway Intents → Message Content Intent)';

/** Discord error code for an interaction that was already answered. */
export const INTERACTION_ALREADY_ACKNOWLEDGED = 40060;
/** Discord error code for an interaction whose token expired (unknown interaction). */
export const UNKNOWN_INTERACTION = 10062;

/**
 * Maps an error thrown by a Discord REST call to a {@link TetherError}.
 * @param error - what the call threw.
 * @param operation - the operation, e.g. `POST channels/:id/messages`.
 */
export function toTetherError(error: unknown, operation: string): TetherError {
  if (error instanceof TetherError) return error;
  if (error instanceof RateLimitError) {
    return new RateLimitedError('discord', operation, Math.max(0, error.retryAfter), { cause: error });
  }
  if (error instanceof DiscordAPIError) {
    if (error.status === 401) return new ConfigError(BAD_TOKEN_MESSAGE, { cause: error });
    if (error.status === 429) return new RateLimitedError('discord', operation, 1000, { cause: error });
    return new PlatformError('discord', operation, `${error.message} (code ${String(error.code)})`, {
      cause: error,
      retryable: error.status >= 500,
    });
  }
  if (error instanceof HTTPError) {
    if (error.status === 401) return new ConfigError(BAD_TOKEN_MESSAGE, { cause: error });
    return new PlatformError('discord', operation, `HTTP ${error.status}`, {
      cause: error,
      retryable: error.status >= 500 || error.status === 408,
      code: error.status >= 500 ? 'NETWORK' : 'PLATFORM_REFUSED',
    });
  }
  const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PlatformError('discord', operation, `network failure (${description})`, {
    cause: error,
    retryable: true,
    code: 'NETWORK',
  });
}

/** The Discord error code of a refused REST call, if it was one. */
export function discordErrorCode(error: unknown): number | string | undefined {
  const cause = error instanceof TetherError ? error.cause : error;
  return cause instanceof DiscordAPIError ? cause.code : undefined;
}
