/**
 * Errors thrown by agent-tether. Every error is a {@link TetherError} with a stable `code`,
 * a message that names what happened and how to fix it, and the standard `cause`.
 * Secrets (tokens) never appear in messages.
 * @module
 */

/** Stable error codes. */
export type TetherErrorCode =
  | 'CONFIG'
  | 'NOT_STARTED'
  | 'UNKNOWN_THREAD'
  | 'PLATFORM_REFUSED'
  | 'NETWORK'
  | 'RATE_LIMITED'
  | 'DELIVERY_FAILED'
  | 'UNAUTHORIZED'
  | 'STORE'
  | 'RUNNER_UNAVAILABLE'
  | 'UNKNOWN_RUNNER'
  | 'ATTACHMENT'
  | 'ABORTED';

/** Base class of every error agent-tether throws. */
export class TetherError extends Error {
  override readonly name: string = 'TetherError';
  /** A stable machine-readable code. */
  readonly code: TetherErrorCode;

  constructor(code: TetherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Bad configuration or misuse: the message says what is wrong and how to fix it. */
export class ConfigError extends TetherError {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** A platform refused a call (HTTP 4xx with an error description). */
export class PlatformError extends TetherError {
  override readonly name = 'PlatformError';
  constructor(
    /** The platform that refused, e.g. `telegram`. */
    readonly platform: string,
    /** The API operation, e.g. `sendMessage`. */
    readonly operation: string,
    /** The platform's own description of the error. */
    readonly description: string,
    options?: { cause?: unknown; code?: TetherErrorCode; retryable?: boolean },
  ) {
    super(options?.code ?? 'PLATFORM_REFUSED', `${platform} refused ${operation}: ${description}`, options);
    this.retryable = options?.retryable ?? false;
  }

  /** True for transient failures (5xx, dropped connections) worth retrying. */
  readonly retryable: boolean;
}

/** The platform asked us to slow down (HTTP 429). The outbox waits `retryAfterMs` and retries. */
export class RateLimitedError extends TetherError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly platform: string,
    readonly operation: string,
    /** How long the platform asked us to wait. */
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super('RATE_LIMITED', `${platform} rate-limited ${operation}: retry after ${retryAfterMs} ms`, options);
  }
}

/** Output that could not be delivered after every retry. */
export class DeliveryError extends TetherError {
  override readonly name = 'DeliveryError';
  constructor(
    readonly platform: string,
    readonly threadId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DELIVERY_FAILED', `${platform}: could not deliver to thread ${threadId}: ${message}`, options);
  }
}

/** Thrown when a thread id is not known to the bridge. */
export class UnknownThreadError extends TetherError {
  override readonly name = 'UnknownThreadError';
  constructor(readonly threadId: string) {
    super('UNKNOWN_THREAD', `Unknown thread "${threadId}": create it with createThread() first`);
  }
}
