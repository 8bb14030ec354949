/**
 * Startup of a Slack bridge: check the bot token (`auth.test`), the channel (`conversations.info`), the
 * app-level token (`apps.connections.open`), then open Socket Mode. Each refusal a person can fix becomes a
 * {@link ConfigError} that names the setting; transient failures are retried a few times. Also the adapter
 * that hands the SDKs' logs to the bridge's logger with tokens redacted.
 * @module
 */
import type { SocketModeClient } from '@slack/socket-mode';
import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import { PlatformError, RateLimitedError, TetherError } from '../core/errors.js';
import { sleep } from '../core/rate-limiter.js';
import type { Clock, Logger } from '../core/types.js';
import {
  appTokenError,
  botTokenError,
  channelError,
  notInChannelError,
  SLACK,
  slackErrorCode,
  toTetherError,
} from './errors.js';

const TOKEN_PATTERN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;

/**
 * Remove anything that looks like a Slack token from a log line.
 * @param text - a line the SDK wants to log.
 */
export function redactSlackTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (token) => `${token.slice(0, 5)}<redacted>`);
}

/**
 * A `@slack/logger` Logger that forwards warnings and errors to the bridge's logger (debug chatter, which
 * includes request bodies and socket URLs, is dropped) with tokens redacted.
 * @param logger - the bridge's logger.
 * @param name - the SDK part, e.g. `web-api`.
 */
export function slackSdkLogger(logger: Logger, name: string): SlackLogger {
  let prefix = name;
  const line = (parts: unknown[]) =>
    redactSlackTokens(parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' '));
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => logger.warn({ platform: SLACK, sdk: prefix }, line(parts)),
    error: (...parts: unknown[]) => logger.error({ platform: SLACK, sdk: prefix }, line(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: (next: string) => {
      prefix = next;
    },
  };
}

/** Options of the startup checks. */
export interface StartupContext {
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/** Run a startup call, retrying transient failures (429, 5xx, network) up to three times. */
async function withRetries<T>(operation: string, ctx: StartupContext, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    ctx.signal.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      const mapped = toTetherError(error, operation);
      const transient =
        mapped instanceof RateLimitedError || (mapped instanceof PlatformError && mapped.retryable);
      if (!transient || attempt >= 3) throw error;
      const wait = mapped instanceof RateLimitedError ? mapped.retryAfterMs : 200 * 2 ** attempt;
      await sleep(ctx.clock, Math.min(wait, 10_000));
    }
  }
}

/**
 * Check the bot token and learn the bot's own user id.
 * @throws ConfigError naming SLACK_BOT_TOKEN when Slack refuses it.
 */
export async function verifyBotToken(web: WebClient, ctx: StartupContext): Promise<{ botUserId: string }> {
  try {
    const result = await withRetries('auth.test', ctx, () => web.auth.test());
    if (!result.user_id) throw new PlatformError(SLACK, 'auth.test', 'no user_id in the answer');
    return { botUserId: result.user_id };
  } catch (error) {
    throw botTokenError(error) ?? toTetherError(error, 'auth.test');
  }
}

/**
 * Check that the channel exists and the bot is in it.
 * @throws ConfigError saying to check SLACK_CHANNEL_ID or to invite the app.
 */
export async function verifyChannel(web: WebClient, channelId: string, ctx: StartupContext): Promise<void> {
  let result: Awaited<ReturnType<WebClient['conversations']['info']>>;
  try {
    result = await withRetries('conversations.info', ctx, () =>
      web.conversations.info({ channel: channelId }),
    );
  } catch (error) {
    // Without channels:read the check cannot run; posting will tell if the bot is not in the channel.
    if (slackErrorCode(error) === 'missing_scope') return;
    throw channelError(channelId, error) ?? toTetherError(error, 'conversations.info');
  }
  if (result.channel?.is_member === false) throw notInChannelError(channelId);
}

/**
 * Check the app-level token before Socket Mode starts: the SDK retries some refusals forever
 * (e.g. a bot token given as the app token), which would hang `start()`.
 * @throws ConfigError naming SLACK_APP_TOKEN when Slack refuses it.
 */
export async function verifyAppToken(
  appToken: string,
  slackApiUrl: string | undefined,
  logger: Logger,
  ctx: StartupContext,
): Promise<void> {
  const web = new WebClient(appToken, {
    ...(slackApiUrl !== undefined ? { slackApiUrl } : {}),
    logger: slackSdkLogger(logger, 'web-api'),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  try {
    await withRetries('apps.connections.open', ctx, () => web.apps.connections.open());
  } catch (error) {
    throw appTokenError(error) ?? toTetherError(error, 'apps.connections.open');
  }
}

/**
 * Start Socket Mode, giving up when the bridge is stopped meanwhile.
 * @throws ConfigError naming SLACK_APP_TOKEN when Slack refuses the token.
 */
export async function startSocket(socket: SocketModeClient, signal: AbortSignal): Promise<void> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new TetherError('ABORTED', 'slack: stopped while connecting to Socket Mode'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([socket.start(), aborted]);
  } catch (error) {
    if (error instanceof TetherError) throw error;
    throw appTokenError(error) ?? toTetherError(error, 'apps.connections.open');
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
