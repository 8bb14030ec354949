/**
 * Where agent-tether keeps its durable state, and preparing that place with private permissions.
 * @module
 */
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { TetherError } from '../errors.js';

/** The database file name inside the data directory. */
export const DATABASE_FILE_NAME = 'agent-tether.db';

/**
 * The directory agent-tether stores its state in: `$AGENT_TETHER_HOME`, else `$XDG_DATA_HOME/agent-tether`,
 * else `~/.local/share/agent-tether`. Empty variables count as unset; a relative `XDG_DATA_HOME` is ignored
 * (the XDG spec says so), a relative `AGENT_TETHER_HOME` is resolved against the working directory.
 * @param env - The environment to read. @defaultValue process.env
 * @example
 * ```ts
 * const store = SqliteStore.open(defaultDataDir());
 * ```
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.AGENT_TETHER_HOME;
  if (home) return resolve(home);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'agent-tether');
  return join(homedir(), '.local', 'share', 'agent-tether');
}

function describeFsError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    switch (error.code) {
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'ENOTDIR':
      case 'EEXIST':
        return 'a file is in the way of the directory';
      case 'EROFS':
        return 'the file system is read-only';
      case 'ENOSPC':
        return 'the disk is full';
    }
    return error.message;
  }
  return String(error);
}

const FIX =
  'Fix: make it writable by this user, or choose another directory with AGENT_TETHER_HOME=/some/dir.';

/**
 * Makes sure `dir` exists and is writable. Directories it creates get mode 0700 (only this user can read
 * the approvals and pairing state); an existing directory is left as it is.
 * @throws TetherError `STORE` naming the path and the fix.
 */
export function prepareDataDir(dir: string): void {
  try {
    const firstCreated = mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; set it exactly on the directory we created.
    if (firstCreated !== undefined) chmodSync(dir, 0o700);
  } catch (error) {
    throw new TetherError(
      'STORE',
      `Cannot create the agent-tether data directory ${dir}: ${describeFsError(error)}. ${FIX}`,
      { cause: error },
    );
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new TetherError(
      'STORE',
      `The agent-tether data directory ${dir} is not writable: ${describeFsError(error)}. ${FIX}`,
      { cause: error },
    );
  }
}

/**
 * Creates the database file with mode 0600 when it does not exist yet (SQLite gives its -wal and -shm
 * files the same mode), and checks an existing one is readable and writable.
 * @throws TetherError `STORE` naming the path and the fix.
 */
export function prepareDatabaseFile(file: string): void {
  try {
    if (existsSync(file)) {
      accessSync(file, constants.R_OK | constants.W_OK);
      return;
    }
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  } catch (error) {
    throw new TetherError(
      'STORE',
      `Cannot open the agent-tether database ${file} for writing: ${describeFsError(error)}. ` +
        'Fix: give this user read and write access to it (chmod 600), or choose another directory ' +
        'with AGENT_TETHER_HOME=/some/dir.',
      { cause: error },
    );
  }
}
