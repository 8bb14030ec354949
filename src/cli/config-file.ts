/**
 * Where the config file lives, reading it (validated) and writing it privately (0600 file, 0700 directory).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { configSchema, type TetherConfig } from './config.js';
import { CliError } from './errors.js';

/**
 * The config file's path: `explicit` (`--config`), else `$AGENT_TETHER_CONFIG`, else
 * `$XDG_CONFIG_HOME/agent-tether/config.json`, else `~/.config/agent-tether/config.json`.
 */
export function configFilePath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.AGENT_TETHER_CONFIG) return resolve(env.AGENT_TETHER_CONFIG);
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config');
  return join(base, 'agent-tether', 'config.json');
}

/** A config file as read from disk. */
export interface LoadedConfigFile {
  readonly path: string;
  /** False when there is no file (every setting then comes from the environment or flags). */
  readonly exists: boolean;
  readonly config: TetherConfig;
  /** The file's permission bits (e.g. 0o600), when it exists. */
  readonly mode?: number;
}

/**
 * Read and validate the config file. A missing file is an empty config.
 * @throws CliError when the file cannot be read, is not JSON, or does not match {@link configSchema}.
 */
export function readConfigFile(path: string): LoadedConfigFile {
  let text: string;
  let mode: number;
  try {
    text = readFileSync(path, 'utf8');
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, exists: false, config: {} };
    throw new CliError(
      `Cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): make it readable by this user (chmod 600), or point --config elsewhere`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `The config file ${path} is not valid JSON (${(error as Error).message}): fix it, or run \`agent-tether init\` to write a new one`,
      { cause: error },
    );
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'its top level';
    throw new CliError(
      `The config file ${path} is invalid at ${where}: ${issue?.message ?? 'unknown problem'}. Fix it, or run \`agent-tether init\``,
    );
  }
  return { path, exists: true, config: parsed.data, mode };
}

/**
 * Write the config file so only this user can read it: the file gets mode 0600 (written to a private
 * temporary file first, then renamed into place) and a directory created for it gets 0700.
 * @throws CliError naming the path and the fix when it cannot be written.
 */
export function writeConfigFile(path: string, config: TetherConfig): void {
  const directory = dirname(path);
  // An unpredictable name created exclusively: a symlink planted at the temporary path cannot redirect the tokens.
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const created = mkdirSync(directory, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; set it exactly on the directory we made.
    if (created !== undefined) chmodSync(directory, 0o700);
    writeFileSync(temporary, `${JSON.stringify(configSchema.parse(config), null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CliError(
      `Cannot write the config file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): make ${directory} writable, or choose another path with --config`,
      { cause: error },
    );
  }
}
