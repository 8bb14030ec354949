/**
 * What every command receives besides its own options.
 * @module
 */
import type { CliLogger } from '../logger.js';
import type { CliIo } from '../terminal.js';

/** The environment a command runs in. */
export interface CommandContext {
  /** Where it prints for people. */
  readonly io: CliIo;
  /** Where it (and the bridges and runners it builds) logs. Tokens are masked. */
  readonly logger: CliLogger;
}
