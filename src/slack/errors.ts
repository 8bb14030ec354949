/**
 * Maps `@slack/web-api` errors to agent-tether's: a 429 becomes {@link RateLimitedError} (the outbox waits it
 * out, keeping order), 5xx and network failures a retryable {@link PlatformError}, other refusals a
 * non-retryable one carrying Slack's error code. Also the startup refusals that deserve a {@link ConfigError}
 * naming the fix. Messages never contain a token.
 * @module
 */
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { ConfigError, PlatformError, RateLimitedError, TetherError } from '../core/errors.js';

/** The platform name used in every Slack error. */
export const SLACK = 'slack';

/** Slack error codes that mean "try again later" rather than "you did something wrong". */
const TRANSIENT_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** What to do about refusals a person can fix. */
const FIX_HINTS: Readonly<Record<string, string>> = {
  not_in_channel: 'invite the app to the channel: /invite @yourapp',
  channel_not_found: 'check SLACK_CHANNEL_ID',
  missing_scope: 'add the scopes of the app manifest and reinstall the app',
  is_archived: 'the channel is archived: unarchive it or use another channel',
};

/** Error codes that mean the token itself is bad. */
const BAD_TOKEN_CODES = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/** Slack's error code of a refused call (`invalid_auth`, `not_in_channel`, …), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
}

/**
 * Turn anything a WebClient call threw into a {@link TetherError}.
 * @param error - what the call threw.
 * @param operation - the Web API method, e.g. `chat.postMessage`.
 */
export function toTetherError(error: unknown, operation: string): TetherError {
  if (error instanceof TetherError) return error;
  if (error instanceof WebAPIRateLimitedError) {
    return new RateLimitedError(SLACK, operation, Math.max(0, error.retryAfter * 1000), { cause: error });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === 'ratelimited') return new RateLimitedError(SLACK, operation, 1000, { cause: error });
    const hint = FIX_HINTS[code];
    return new PlatformError(SLACK, operation, hint ? `${code} (${hint})` : code, {
      cause: error,
      retryable: TRANSIENT_CODES.has(code),
    });
  }
  if (error instanceof WebAPIHTTPError) {
    return new PlatformError(SLACK, operation, `HTTP ${error.statusCode} ${error.statusMessage}`.trim(), {
      cause: error,
      retryable: error.statusCode >= 500,
    });
  }
  if (error instanceof WebAPIRequestError) {
    return new PlatformError(SLACK, operation, `network error (${error.original.message})`, {
      code: 'NETWORK',
      retryable: true,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError(SLACK, operation, message, { cause: error, retryable: false });
}

/** The ConfigError for a bot token Slack refused at `auth.test`, or undefined when the error is something else. */
export function botTokenError(error: unknown): ConfigError | undefined {
  const code = slackErrorCode(error);
  if (code === undefined || !BAD_TOKEN_CODES.has(code)) return undefined;
  return new ConfigError(
    `Slack rejected the bot token (${code}): check SLACK_BOT_TOKEN (xoxb-…, from OAuth & Permissions → Bot User OAuth Token)`,
    { cause: error },
  );
}

/** The ConfigError for an app-level token Slack refused at `apps.connections.open`, or undefined. */
export function appTokenError(error: unknown): ConfigError | undefined {
  const code = slackErrorCode(error);
  if (code === undefined || !BAD_TOKEN_CODES.has(code)) return undefined;
  return new ConfigError(
    `Slack rejected the app-level token (${code}): check SLACK_APP_TOKEN (xapp-…, from Basic Information → ` +
      'App-Level Tokens, with the connections:write scope) and that Socket Mode is enabled',
    { cause: error },
  );
}

/** The ConfigError when the channel cannot be used, or undefined. */
export function channelError(channelId: string, error: unknown): ConfigError | undefined {
  const code = slackErrorCode(error);
  if (code === 'not_in_channel') return notInChannelError(channelId, error);
  if (code === 'channel_not_found') {
    return new ConfigError(
      `Slack channel ${channelId} was not found: check SLACK_CHANNEL_ID (channel details → copy the id, C…), ` +
        'and for a private channel invite the app first: /invite @yourapp',
      { cause: error },
    );
  }
  return undefined;
}

/** The ConfigError when the bot is not a member of the channel. */
export function notInChannelError(channelId: string, cause?: unknown): ConfigError {
  return new ConfigError(
    `The Slack app is not in channel ${channelId}: invite the app to the channel: /invite @yourapp`,
    cause === undefined ? undefined : { cause },
  );
}
