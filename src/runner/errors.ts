/**
 * Errors of the runner layer.
 * @module
 */

import { TetherError } from '../core/errors.js';

/**
 * A runner backend cannot be used: its optional package is not installed, its command is not on PATH,
 * or its service is not reachable. Supervisors catch it to show a clean "unavailable" message.
 * @example
 * ```ts
 * throw new RunnerUnavailableError(
 *   'The claude runner needs the Claude Agent SDK: npm install @anthropic-ai/claude-agent-sdk',
 *   { runnerType: 'claude' },
 * );
 * ```
 */
export class RunnerUnavailableError extends TetherError {
  override readonly name = 'RunnerUnavailableError';
  /** The runner that is unavailable, e.g. `claude`, when known. */
  readonly runnerType: string | undefined;

  /**
   * @param message - What is missing and how to fix it.
   * @param options - `runnerType` and the underlying `cause`.
   */
  constructor(message: string, options?: { cause?: unknown; runnerType?: string }) {
    super('RUNNER_UNAVAILABLE', message, options);
    this.runnerType = options?.runnerType;
  }
}

/** `RunnerRegistry.create` was asked for a name nobody registered. */
export class UnknownRunnerError extends TetherError {
  override readonly name = 'UnknownRunnerError';

  /**
   * @param runnerName - The name that was asked for.
   * @param available - The names that are registered.
   */
  constructor(
    readonly runnerName: string,
    readonly available: readonly string[],
  ) {
    const list = available.length > 0 ? available.join(', ') : '(none)';
    super(
      'UNKNOWN_RUNNER',
      `Runner "${runnerName}" is not registered. Available runners: ${list}. Register it with registry.register("${runnerName}", factory).`,
    );
  }
}

/** A runner was asked to act on a session it does not run (never started, or already ended). */
export class UnknownSessionError extends TetherError {
  override readonly name = 'UnknownSessionError';

  /**
   * @param runnerType - The runner that was asked.
   * @param sessionId - The session it does not know.
   */
  constructor(
    readonly runnerType: string,
    readonly sessionId: string,
  ) {
    super('NOT_STARTED', `${runnerType} runner has no running session "${sessionId}": start() it first`);
  }
}
