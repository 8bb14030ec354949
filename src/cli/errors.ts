/**
 * Errors of the CLI and how they are shown: one line saying what is wrong and how to fix it, no stack trace.
 * @module
 */
import { TetherError } from '../core/errors.js';
import { maskSecrets } from './secret-mask.js';

/** Exit code of a failed command. */
export const EXIT_FAILURE = 1;
/** Exit code of bad usage: unknown command, unknown or malformed flag. */
export const EXIT_USAGE = 2;

/** A failure the person can fix; its message says what is wrong and how to fix it. */
export class CliError extends TetherError {
  override readonly name: string = 'CliError';
  /** The process exit code. */
  readonly exitCode: number;

  /**
   * @param message - What is wrong and how to fix it, in one line.
   * @param options - `exitCode` (@defaultValue 1) and the underlying `cause`.
   */
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super('CONFIG', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/** Bad usage (a flag's value is malformed, a required argument is missing): exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  /** @param message - What is wrong and the correct usage. */
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE });
  }
}

/** What to print for a failure and which exit code to end with. */
export interface FailureReport {
  /** One line, secrets masked. */
  readonly line: string;
  readonly exitCode: number;
}

/**
 * Turn any thrown value into one printable line and an exit code. Known errors (ours, the library's) keep
 * their message, which already says how to fix the problem; anything else is reported as unexpected.
 * @param error - What was thrown.
 */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof CliError) return { line: oneLine(error.message), exitCode: error.exitCode };
  if (error instanceof TetherError) return { line: oneLine(error.message), exitCode: EXIT_FAILURE };
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: oneLine(`Unexpected error: ${message}. Run again with --verbose for details.`),
    exitCode: EXIT_FAILURE,
  };
}

function oneLine(text: string): string {
  return maskSecrets(text.replace(/\s*\n\s*/g, ' ').trim());
}
