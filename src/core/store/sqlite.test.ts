import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME, defaultDataDir } from './data-dir.js';
import { RULES_RECHECK_MS, SqliteStore } from './sqlite.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';

const root = mkdtempSync(join(tmpdir(), 'agent-tether-sqlite-'));
let counter = 0;
const freshDir = () => join(root, `d${++counter}`);
const opened: SqliteStore[] = [];
const open = (dir: string) => {
  const store = SqliteStore.open(dir);
  opened.push(store);
  return store;
};
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pendingRequest = (requestId: string) => ({
  requestId,
  threadId: 't1',
  platform: 'telegram',
  kind: 'approval' as const,
  requestJson: '{"toolName":"Bash"}',
  cardJson: '[]',
  createdAt: 1,
});

describe('SqliteStore.open', () => {
  it('creates a private data directory and database file', () => {
    const dir = join(freshDir(), 'nested', 'agent-tether');
    open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, DATABASE_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('leaves the permissions of an existing directory alone', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    open(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
  });

  it('uses WAL journaling and records the schema version', () => {
    const dir = freshDir();
    open(dir).close();
    const db = new Database(join(dir, DATABASE_FILE_NAME), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer agent-tether, saying how to fix it', () => {
    const dir = freshDir();
    open(dir).close();
    const db = new Database(join(dir, DATABASE_FILE_NAME));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => open(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE',
        message: expect.stringMatching(/newer.*upgrade agent-tether/),
      }),
    );
  });

  it('explains a data directory that cannot be created, naming the path and the fix', () => {
    const blocker = join(freshDir());
    writeFileSync(blocker, 'not a directory');
    const dir = join(blocker, 'agent-tether');
    expect(() => open(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE',
        message: expect.stringContaining(`Cannot create the agent-tether data directory ${dir}`),
      }),
    );
    expect(() => open(dir)).toThrow(/AGENT_TETHER_HOME=/);
  });

  it.skipIf(process.getuid?.() === 0)('explains a data directory that is not writable', () => {
    const dir = freshDir();
    mkdirSync(dir, { mode: 0o500 });
    try {
      expect(() => open(dir)).toThrow(
        expect.objectContaining({ code: 'STORE', message: expect.stringMatching(/not writable.*Fix:/) }),
      );
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('explains a file that is not a database', () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, DATABASE_FILE_NAME), 'this is not sqlite, just some text long enough'.repeat(20));
    expect(() => open(dir)).toThrow(
      expect.objectContaining({
        code: 'STORE',
        message: expect.stringContaining(join(dir, DATABASE_FILE_NAME)),
      }),
    );
  });

  it('also opens a private in-memory database', () => {
    const store = new SqliteStore({ path: ':memory:' });
    opened.push(store);
    store.setValue('k', 'v');
    expect(store.getValue('k')).toBe('v');
  });
});

describe('defaultDataDir', () => {
  it('prefers AGENT_TETHER_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(defaultDataDir({ AGENT_TETHER_HOME: '/srv/tether', XDG_DATA_HOME: '/xdg' })).toBe('/srv/tether');
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' })).toBe('/xdg/agent-tether');
    expect(defaultDataDir({})).toBe(join(homedir(), '.local', 'share', 'agent-tether'));
  });

  it('treats empty variables as unset and ignores a relative XDG_DATA_HOME', () => {
    expect(defaultDataDir({ AGENT_TETHER_HOME: '', XDG_DATA_HOME: '' })).toBe(
      join(homedir(), '.local', 'share', 'agent-tether'),
    );
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative/data' })).toBe(
      join(homedir(), '.local', 'share', 'agent-tether'),
    );
  });
});

describe('two stores on one file', () => {
  it('see each other and resolve a request exactly once between them', () => {
    const dir = freshDir();
    const a = open(dir);
    const b = open(dir);
    a.putPending(pendingRequest('r1'));
    expect(b.listPending().map((p) => p.requestId)).toEqual(['r1']);
    expect(b.resolvePending('r1', '{"behavior":"allow"}', 2)).toBe(true);
    expect(a.resolvePending('r1', '{"behavior":"deny"}', 3)).toBe(false);
    expect(a.getPending('r1')?.decisionJson).toBe('{"behavior":"allow"}');
  });

  it('see a rule the other one stored or revoked within RULES_RECHECK_MS, and their own changes at once', async () => {
    const dir = freshDir();
    const a = open(dir);
    const b = open(dir);
    const rule = { ruleId: 'r1', effect: 'allow', tool: 'Bash', command: 'npm test', createdAt: 1 } as const;
    expect(b.listRules()).toEqual([]);
    a.putRule(rule);
    expect(a.listRules()).toEqual([rule]);
    await new Promise((resolve) => setTimeout(resolve, RULES_RECHECK_MS + 20));
    expect(b.listRules()).toEqual([rule]);
    // A caller changing the returned list does not change what the store holds.
    (b.listRules()[0] as { command?: string }).command = 'rm -rf /';
    expect(b.listRules()).toEqual([rule]);
    expect(b.deleteRule('r1')).toBe(true);
    expect(b.listRules()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, RULES_RECHECK_MS + 20));
    expect(a.listRules()).toEqual([]);
  });
});

describe('two processes racing to resolve the same requests', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  // Each process opens the store, says "ready", waits for "go", then tries to resolve every request.
  const racer = `
    const [storeModule, file, name, count] = process.argv.slice(1);
    const { SqliteStore } = await import(storeModule);
    const store = new SqliteStore({ path: file });
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      const won = [];
      for (let i = 0; i < Number(count); i++) {
        if (store.resolvePending('r' + i, JSON.stringify({ by: name }), Date.now())) won.push(i);
      }
      store.close();
      process.stdout.write(JSON.stringify(won) + '\\n');
      process.exit(0);
    });
  `;

  function startRacer(file: string, name: string, count: number) {
    const storeModule = fileURLToPath(new URL('./sqlite.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', racer, storeModule, file, name, String(count)],
      { stdio: 'pipe' },
    );
    children.push(child);
    const lines: string[] = [];
    let pending = '';
    let errors = '';
    const waiters = new Set<() => void>();
    child.stdout.on('data', (chunk) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      lines.push(...parts);
      for (const wake of waiters) wake();
    });
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = (n: number) =>
      new Promise<string>((resolve, reject) => {
        const wake = () => {
          if (lines.length > n) resolve(lines[n]!);
        };
        waiters.add(wake);
        wake();
        void exited.then((code) => {
          wake();
          reject(new Error(`racer ${name} exited with ${code}: ${errors}`));
        });
      });
    return { ready: line(0), result: line(1), go: () => child.stdin.write('go\n') };
  }

  it('each request is won by exactly one process', async () => {
    const dir = freshDir();
    const store = open(dir);
    const count = 300;
    for (let i = 0; i < count; i++) store.putPending(pendingRequest(`r${i}`));
    const file = join(dir, DATABASE_FILE_NAME);

    const racers = [startRacer(file, 'ann', count), startRacer(file, 'bob', count)];
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.go();
    const [annWon, bobWon] = (await Promise.all(racers.map((r) => r.result))).map(
      (line) => JSON.parse(line) as number[],
    );

    expect(annWon!.length + bobWon!.length).toBe(count);
    expect(new Set([...annWon!, ...bobWon!]).size).toBe(count);
    for (const i of annWon!) expect(store.getPending(`r${i}`)?.decisionJson).toBe('{"by":"ann"}');
    for (const i of bobWon!) expect(store.getPending(`r${i}`)?.decisionJson).toBe('{"by":"bob"}');
    expect(store.listPending()).toEqual([]);
  });
});
