/**
 * The CLI's logger: pino, pretty on a terminal and JSON lines otherwise, always on stderr (stdout is for
 * what the person asked for: the URL, the QR code, doctor's report). Tokens are masked three ways: known
 * secret fields are redacted by path, every string in a log object is masked, and the final line is masked.
 * @module
 */
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { UsageError } from './errors.js';
import { MASK, maskSecrets, maskSecretsDeep } from './secret-mask.js';

/** The CLI's logger type (pino); it fits the library's `Logger` interface. */
export type CliLogger = Logger;

/** The levels `LOG_LEVEL` accepts. */
export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** Fields holding secrets, wherever they appear (top level or one level down). */
const SECRET_FIELDS = ['token', 'botToken', 'appToken', 'accessToken', 'authorization', 'password'];

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** `--verbose`: log at `debug`. Wins over `level`. @defaultValue false */
  readonly verbose?: boolean;
  /** The level, e.g. from `LOG_LEVEL`. @defaultValue 'warn' */
  readonly level?: string;
  /** Pretty-print for people. @defaultValue whether stderr is a terminal */
  readonly pretty?: boolean;
  /** Where lines go. @defaultValue stderr */
  readonly destination?: DestinationStream;
}

/**
 * Choose the level from `--verbose` and `LOG_LEVEL`.
 * @throws UsageError when `level` is not a pino level.
 */
export function resolveLogLevel(verbose: boolean, level: string | undefined): Level {
  if (verbose) return 'debug';
  if (level === undefined || level === '') return 'warn';
  const normalized = level.toLowerCase();
  const known = LOG_LEVELS.find((l) => l === normalized);
  if (known === undefined) {
    throw new UsageError(`LOG_LEVEL "${level}" is not a log level: use one of ${LOG_LEVELS.join(', ')}`);
  }
  return known;
}

/**
 * Make the CLI's logger; hand it to bridges and runners as their `logger`.
 * @example
 * ```ts
 * const logger = createCliLogger({ verbose: true });
 * logger.info({ token: '123:ABC…' }, 'starting'); // the token prints as [redacted]
 * ```
 */
export function createCliLogger(options: CliLoggerOptions = {}): CliLogger {
  const level = resolveLogLevel(options.verbose ?? false, options.level);
  const destination =
    options.destination ??
    ((options.pretty ?? process.stderr.isTTY === true)
      ? pretty({ destination: 2, colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss' })
      : pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level,
      base: null,
      redact: {
        paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), 'headers.authorization'],
        censor: MASK,
      },
      formatters: { log: (object) => maskSecretsDeep(object) as Record<string, unknown> },
      hooks: { streamWrite: (line) => maskSecrets(line) },
    },
    destination,
  );
}
