/**
 * A web page address that survives restarts, so a phone bookmark or a scanned QR code keeps working: a fixed
 * default port (any free one, with a message, when it is taken) and an access token kept in the data
 * directory (0600) instead of a new one per run.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir, prepareDataDir } from '../core/store/data-dir.js';

/** The web page's port when none is configured (`demo` and `run` alike). */
export const DEFAULT_WEB_PORT = 8787;

/** Whether `error` (or one of its causes) says the address is already in use. */
export function isAddressInUse(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}

/** What to print when the default port is taken and another one is used. */
export function portTakenNotice(port: number): string {
  return `Port ${port} is in use (another agent-tether?), so this page gets another port this time: a bookmark of port ${port} reaches the other one. Stop it, or choose a port with --port.`;
}

/**
 * The web access token kept in `<dataDir>/web-access-token` (created 0600 on first use), so the page's URL and
 * its session cookies stay valid across runs. Delete the file to revoke every phone that has it.
 * @param dataDir - The data directory. @defaultValue {@link defaultDataDir}
 */
export function persistentAccessToken(dataDir: string | undefined, env: NodeJS.ProcessEnv): string {
  const directory = dataDir ?? defaultDataDir(env);
  prepareDataDir(directory);
  const path = join(directory, 'web-access-token');
  try {
    const saved = readFileSync(path, 'utf8').trim();
    if (saved.length >= 32) return saved;
  } catch {
    // not there yet
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}
