/**
 * The files `serve` keeps in the data directory: the control secret (`control-secret`, mode 0600, created
 * once and reused so installed hooks keep working) and the lock (`serve.json`, mode 0600: pid, URL, start
 * time) that stops a second `serve` on the same data directory and tells clients where the daemon listens.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { TetherError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';

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
 * @throws TetherError `CONFIG` when the file exists but others may read it (its mode has group or other
 * bits), naming the `chmod` that fixes it: whoever can read the secret can answer hooks as this user.
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
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return '';
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new TetherError(
      'CONFIG',
      `The control secret ${path} may be read by other users (mode ${mode.toString(8)}): run \`chmod 600 ${path}\``,
    );
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

/**
 * The daemon `dataDir`'s lock file names, or undefined (no file, or its process is gone). No network: after a
 * crash its pid may belong to another process by now; {@link askDaemon} confirms it is our serve.
 */
export function readDaemon(dataDir: string): DaemonInfo | undefined {
  let info: DaemonInfo;
  try {
    info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as DaemonInfo;
  } catch {
    return undefined;
  }
  return typeof info.pid === 'number' && processAlive(info.pid) ? info : undefined;
}

/**
 * What the control URL of a daemon record says: `ours` (its health route answered with the recorded pid),
 * `other` (nothing listens there, or something else answers: another pid, another secret, not our route),
 * or `silent` (no answer in time).
 */
export type DaemonAnswer = 'ours' | 'other' | 'silent';

/** Ask `info.url`'s health route (with the control secret) whether it is the serve `info` names. */
export async function askDaemon(
  info: DaemonInfo,
  secret: string | undefined,
  timeoutMs: number,
): Promise<DaemonAnswer> {
  if (!info.url || secret === undefined) return 'other';
  try {
    const response = await fetch(`${info.url}/health`, {
      headers: { authorization: `Bearer ${secret}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return 'other';
    }
    const body = (await response.json()) as { pid?: unknown } | null;
    return body?.pid === info.pid ? 'ours' : 'other';
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 'silent' : 'other';
  }
}

/** A held lock: update it once listening, release it when stopping. */
export interface DaemonLock {
  write(info: DaemonInfo): void;
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** Where the one line about taking over a stale lock goes. */
  readonly logger?: Logger;
  /** How long the recorded daemon has to answer its health route. @defaultValue 2000 */
  readonly timeoutMs?: number;
}

/**
 * Take the data directory's lock. A lock is stale, and taken over, when its process is gone, or when its pid
 * is alive but its control URL does not answer as our serve with that pid (the pid was reused after a crash
 * or a reboot; a line says so). A lock without a URL yet belongs to a serve that is starting, unless it was
 * written before this boot.
 * @throws TetherError `CONFIG` naming the running daemon when another `serve` holds it, or naming the file
 * when the recorded daemon's control URL does not answer in time.
 */
export async function acquireLock(dataDir: string, options: AcquireLockOptions = {}): Promise<DaemonLock> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
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
    }
    const text = readText(path);
    const running = readDaemon(dataDir);
    if (running && running.pid !== process.pid) {
      const answer = await recordedDaemonAnswers(running, dataDir, options.timeoutMs ?? 2000);
      if (answer === 'ours') {
        throw new TetherError(
          'CONFIG',
          `agent-tether serve is already running for ${dataDir} (pid ${running.pid}${running.url ? `, ${running.url}` : ''}): use it, stop it first, or set AGENT_TETHER_HOME to another directory`,
        );
      }
      if (answer === 'silent') {
        throw new TetherError(
          'CONFIG',
          `${path} names pid ${running.pid}, which is alive, but ${running.url} did not answer within ${options.timeoutMs ?? 2000} ms: if no agent-tether serve runs for ${dataDir}, remove ${path}`,
        );
      }
      // Another serve may have taken the stale lock while we asked: leave its lock alone and look again.
      if (readText(path) !== text) continue;
      (options.logger ?? silentLogger).warn(
        `Taking over the stale ${path}: its pid ${running.pid} now belongs to another process (${running.url ? `${running.url} does not answer as agent-tether serve with that pid` : 'the record was written before this boot'})`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new TetherError(
    'CONFIG',
    `Cannot take the lock ${path}: remove it if no agent-tether serve is running`,
  );
}

/**
 * Whether the live process a lock names is our serve: its URL answers with its pid. A lock without a URL is
 * a serve that is starting (it writes the URL once listening), unless it was written before this boot.
 */
async function recordedDaemonAnswers(
  info: DaemonInfo,
  dataDir: string,
  timeoutMs: number,
): Promise<DaemonAnswer> {
  if (info.url) return askDaemon(info, readSecret(dataDir), timeoutMs);
  const bootedAt = Date.now() - uptime() * 1000;
  return typeof info.startedAt === 'number' && info.startedAt < bootedAt ? 'other' : 'ours';
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function writeFileAtomic(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
