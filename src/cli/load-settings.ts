/**
 * Loads the settings a command runs with: flags over environment variables over the config file.
 * @module
 */
import type { TetherConfig } from './config.js';
import { configFilePath, type LoadedConfigFile, readConfigFile } from './config-file.js';
import { CliError } from './errors.js';
import { mergeSettings, settingsFromEnv, settingsFromFlags } from './settings.js';

/** The merged settings and the file they were read from. */
export interface LoadedSettings {
  readonly file: LoadedConfigFile;
  /** Flags > environment > file, validated. */
  readonly settings: TetherConfig;
}

/**
 * Read the config file and merge it under the environment and the flags.
 * @param flags - Commander's options object of the command.
 * @param env - The environment.
 * @param explicitPath - `--config`: then the file must exist.
 * @throws CliError (or UsageError for a bad flag) naming the bad value and the fix.
 */
export function loadSettings(
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  explicitPath: string | undefined,
): LoadedSettings {
  const flagLayer = settingsFromFlags(flags);
  const file = readConfigFile(configFilePath(explicitPath, env));
  if (explicitPath !== undefined && !file.exists) {
    throw new CliError(
      `There is no config file at ${file.path}: create it with \`agent-tether init --config ${file.path}\``,
    );
  }
  return { file, settings: mergeSettings(file.config, settingsFromEnv(env), flagLayer) };
}
