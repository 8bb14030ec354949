/**
 * The files `serve` keeps in its data directory: a `serve.json` left by a crash whose pid now belongs to
 * another process is taken over (its control URL does not answer as our serve with that pid), a daemon that
 * does answer keeps its lock, and a control secret others may read is refused.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/types.js';
import { acquireLock, LOCK_FILE, loadOrCreateSecret, SECRET_FILE } from '../../src/serve/daemon-files.js';
import { findDaemon } from '../../src/serve/join.js';

const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** A pid that is alive and is not ours: the recorded daemon's pid, reused by another process. */
const OTHER_PID = process.ppid;

let dir: string;
const servers: Server[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'daemon-files-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function listen(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL nothing listens on (a port just freed). */
async function refusedUrl(): Promise<string> {
  const url = await listen(() => undefined);
  const server = servers.pop();
  await new Promise((resolve) => server?.close(resolve));
  return url;
}

/** Our serve's health route: `{ ok, pid }` for the right secret, 401 otherwise. */
function health(pid: number): RequestListener {
  return (req, res) => {
    const ok = req.url === '/health' && req.headers.authorization === `Bearer ${SECRET}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { ok: true, pid } : { error: 'missing or wrong secret' }));
  };
}

function writeRecord(url: string, pid = OTHER_PID): void {
  const port = Number(new URL(url).port);
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, url, port, startedAt: 0, platforms: ['telegram'] }),
  );
  writeFileSync(join(dir, SECRET_FILE), SECRET, { mode: 0o600 });
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (obj: object | string, msg?: string) => {
    lines.push(typeof obj === 'string' ? obj : (msg ?? ''));
  };
  return { lines, debug: () => undefined, info: log, warn: log, error: log };
}

describe('serve.json: a record whose pid is alive but is not our serve', () => {
  it('is taken over when its control URL refuses connections, saying so in one line', async () => {
    writeRecord(await refusedUrl());
    const logger = recordingLogger();
    const lock = await acquireLock(dir, { logger });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(new RegExp(`stale .*pid ${OTHER_PID}`));
    lock.release();
  });

  it('is taken over when its control URL answers as another process (another pid, or not our secret)', async () => {
    writeRecord(await listen(health(OTHER_PID + 1)));
    (await acquireLock(dir)).release();
    writeRecord(await listen((_req, res) => res.writeHead(401).end()));
    (await acquireLock(dir)).release();
  });

  it('without a URL yet is a serve that is starting, unless it was written before this boot', async () => {
    const record = (startedAt: number) =>
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: OTHER_PID, url: '', port: 0, startedAt, platforms: [] }),
      );
    record(Date.now());
    await expect(async () => acquireLock(dir)).rejects.toThrow(
      new RegExp(`already running .*pid ${OTHER_PID}\\)`),
    );
    record(0);
    const logger = recordingLogger();
    (await acquireLock(dir, { logger })).release();
    expect(logger.lines).toEqual([expect.stringMatching(/stale .*before this boot/)]);
  });

  it('is not joined by `run`: findDaemon wants the recorded pid in the health answer', async () => {
    writeRecord(await listen(health(OTHER_PID + 1)));
    expect(await findDaemon(dir, 1000)).toBeUndefined();
    writeRecord(await listen(health(OTHER_PID)));
    expect((await findDaemon(dir, 1000))?.info.pid).toBe(OTHER_PID);
  });
});

describe('serve.json: a daemon that answers as ours', () => {
  it('keeps its lock: a second serve refuses in one line naming its pid and URL', async () => {
    const url = await listen(health(OTHER_PID));
    writeRecord(url);
    await expect(async () => acquireLock(dir)).rejects.toThrow(
      new RegExp(`already running .*pid ${OTHER_PID}, ${url}`),
    );
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(OTHER_PID);
  });

  it('keeps its lock when it does not answer in time, and the message names the file to remove', async () => {
    writeRecord(await listen(() => undefined));
    await expect(async () => acquireLock(dir, { timeoutMs: 200 })).rejects.toThrow(
      new RegExp(`pid ${OTHER_PID}.*did not answer.*${join(dir, LOCK_FILE)}`),
    );
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(OTHER_PID);
  });
});

describe('control secret', () => {
  it('refuses a secret file others may read, naming the fix', () => {
    const path = join(dir, SECRET_FILE);
    writeFileSync(path, SECRET);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateSecret(dir)).toThrow(
      expect.objectContaining({ code: 'CONFIG', message: expect.stringContaining(`chmod 600 ${path}`) }),
    );
    chmodSync(path, 0o600);
    expect(loadOrCreateSecret(dir)).toBe(SECRET);
  });

  it('creates a missing secret with mode 0600 and reuses it', () => {
    const secret = loadOrCreateSecret(dir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(dir)).toBe(secret);
  });
});
