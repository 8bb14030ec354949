/**
 * The files `serve` keeps in the data directory: the control secret (`control-secret`, mode 0600, created
 * once and reused so installed hooks keep working) and the lock (`serve.json`, mode 0600: pid, URL, start
 * time) that stops a second `serve` on the same data directory and tells clients where the daemon listens.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TetherError } from '../core/errors.js';

/** File name of the control secret. */
export const SECRET_FILE = 'control-secret';
/** File name of the lock / discovery file. */
export const LOCK_FILE = 'serve.json';

/** What `serve.json` says about the running daemon. */
export interface DaemonInfo {
  readonly pid: number;
  /** The control endpoint, e.g. `http://127.0.0.1:8788`. */
  readonly url: string;
  readonly port: number;
  readonly startedAt: number;
  /** The platforms it holds. */
  readonly platforms: readonly string[];
}

/** The path of the control secret in `dataDir`. */
export function secretPath(dataDir: string): string {
  return join(dataDir, SECRET_FILE);
}

/**
 * The control secret of `dataDir`, created (32 random bytes, base64url, mode 0600) if missing.
 * @throws TetherError `CONFIG` when the file exists but others may read it.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const path = secretPath(dataDir);
  try {
    const fd = openSync(path, 'wx', 0o600);
    const secret = randomBytes(32).toString('base64url');
    writeSync(fd, secret);
    closeSync(fd);
    chmodSync(path, 0o600);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(dataDir) ?? '';
}

/** The control secret of `dataDir`, or undefined if there is none yet. */
export function readSecret(dataDir: string): string | undefined {
  try {
    return readFileSync(secretPath(dataDir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Constant-time comparison of a presented secret with the real one. Only the length can be learnt from the
 * timing, and it is no secret: every secret is 32 random bytes in base64url.
 */
export function secretMatches(presented: string, secret: string): boolean {
  return secretChecker(secret)(presented);
}

/** {@link secretMatches} for one secret, encoded once (the control endpoint checks every request). */
export function secretChecker(secret: string): (presented: string) => boolean {
  const expected = Buffer.from(secret, 'utf8');
  return (presented) => {
    const given = Buffer.from(presented, 'utf8');
    return expected.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
  };
}

/** Whether a process with this pid is alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running daemon of `dataDir` from its lock file, or undefined (no file, or its process is gone). */
export function readDaemon(dataDir: string): DaemonInfo | undefined {
  let info: DaemonInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as DaemonInfo;
  } catch {
    return undefined;
  }
  return typeof info.pid === 'number' && processAlive(info.pid) ? info : undefined;
}

/** A held lock: update it once listening, release it when stopping. */
export interface DaemonLock {
  write(info: DaemonInfo): void;
  release(): void;
}

/**
 * Take the data directory's lock. A lock left by a process that is gone is taken over.
 * @throws TetherError `CONFIG` naming the running daemon when another `serve` holds it.
 */
export function acquireLock(dataDir: string): DaemonLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(
        fd,
        JSON.stringify({ pid: process.pid, url: '', port: 0, startedAt: Date.now(), platforms: [] }),
      );
      closeSync(fd);
      let released = false;
      return {
        write: (info) => {
          if (!released) writeFileAtomic(path, JSON.stringify(info));
        },
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const running = readDaemon(dataDir);
      if (running && running.pid !== process.pid) {
        throw new TetherError(
          'CONFIG',
          `agent-tether serve is already running for ${dataDir} (pid ${running.pid}${running.url ? `, ${running.url}` : ''}): use it, stop it first, or set AGENT_TETHER_HOME to another directory`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new TetherError(
    'CONFIG',
    `Cannot take the lock ${path}: remove it if no agent-tether serve is running`,
  );
}

function writeFileAtomic(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
