// Over 400 lines: one store, every Store method beside its prepared SQL; rows, schema and data dir are in sqlite-rows.ts, sqlite-schema.ts, data-dir.ts.
/**
 * {@link SqliteStore}: the default, durable {@link Store} on better-sqlite3 (WAL mode, prepared statements).
 * @module
 */

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TetherError } from '../errors.js';
import { AuditBatch } from './audit-batch.js';
import { DATABASE_FILE_NAME, defaultDataDir, prepareDatabaseFile, prepareDataDir } from './data-dir.js';
import {
  type AuditRow,
  type PairedRow,
  type PendingRow,
  type RuleRow,
  type ThreadRow,
  type TimerRow,
  toAudit,
  toPending,
  toRule,
  toThread,
} from './sqlite-rows.js';
import { migrate } from './sqlite-schema.js';
import type {
  AuditEntry,
  Store,
  StoredPairedUser,
  StoredPending,
  StoredRule,
  StoredThread,
  StoredTimer,
} from './types.js';

/**
 * How long a rule committed by another process on the same database file may go unseen (see
 * {@link SqliteStore.listRules}); changes made through the same store are seen at once.
 */
export const RULES_RECHECK_MS = 250;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * The database file. Its directory must exist (use {@link SqliteStore.open} to create it).
   * `':memory:'` gives a private in-memory database.
   */
  readonly path: string;
  /**
   * How long a write waits for another process holding the lock before failing.
   * @defaultValue 5000
   */
  readonly busyTimeoutMs?: number;
}

/** The defaults of {@link SqliteStoreOptions}. */
export const SQLITE_STORE_DEFAULTS = { busyTimeoutMs: 5000 } as const satisfies Partial<
  Record<keyof SqliteStoreOptions, unknown>
>;

function prepareStatements(db: Database.Database) {
  const deleteThread = db.prepare('DELETE FROM threads WHERE thread_id = ?');
  const deleteThreadPending = db.prepare('DELETE FROM pending WHERE thread_id = ?');
  const deleteThreadTimers = db.prepare('DELETE FROM timers WHERE thread_id = ?');
  return {
    deleteThreadWithTraces: db.transaction((threadId: string) => {
      deleteThreadPending.run(threadId);
      deleteThreadTimers.run(threadId);
      deleteThread.run(threadId);
    }),
    putThread: db.prepare(
      `INSERT INTO threads (thread_id, name, platform, platform_ref, directory, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (thread_id) DO UPDATE SET name = excluded.name, platform = excluded.platform,
         platform_ref = excluded.platform_ref, directory = excluded.directory, created_at = excluded.created_at`,
    ),
    getThread: db.prepare<[string], ThreadRow>('SELECT * FROM threads WHERE thread_id = ?'),
    findThreadByRef: db.prepare<[string, string], ThreadRow>(
      'SELECT * FROM threads WHERE platform = ? AND platform_ref = ? ORDER BY created_at, rowid LIMIT 1',
    ),
    findThreadByName: db.prepare<[string, string], ThreadRow>(
      'SELECT * FROM threads WHERE platform = ? AND name = ? ORDER BY created_at, rowid LIMIT 1',
    ),
    listThreads: db.prepare<[], ThreadRow>('SELECT * FROM threads ORDER BY created_at, rowid'),
    listThreadsOf: db.prepare<[string], ThreadRow>(
      'SELECT * FROM threads WHERE platform = ? ORDER BY created_at, rowid',
    ),
    // A put never reopens a resolved request: the decision, once written, stays (exactly-once).
    putPending: db.prepare(
      `INSERT INTO pending (request_id, thread_id, platform, kind, request_json, card_json, created_at,
         expires_at, decision_json, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (request_id) DO UPDATE SET thread_id = excluded.thread_id, platform = excluded.platform,
         kind = excluded.kind, request_json = excluded.request_json, card_json = excluded.card_json,
         created_at = excluded.created_at, expires_at = excluded.expires_at,
         decision_json = coalesce(pending.decision_json, excluded.decision_json),
         resolved_at = CASE WHEN pending.decision_json IS NULL THEN excluded.resolved_at
                            ELSE pending.resolved_at END`,
    ),
    getPending: db.prepare<[string], PendingRow>('SELECT * FROM pending WHERE request_id = ?'),
    listPending: db.prepare<[], PendingRow>(
      'SELECT * FROM pending WHERE decision_json IS NULL ORDER BY created_at, rowid',
    ),
    listPendingOf: db.prepare<[string], PendingRow>(
      'SELECT * FROM pending WHERE thread_id = ? AND decision_json IS NULL ORDER BY created_at, rowid',
    ),
    updatePendingCards: db.prepare('UPDATE pending SET card_json = ? WHERE request_id = ?'),
    resolvePending: db.prepare(
      'UPDATE pending SET decision_json = ?, resolved_at = ? WHERE request_id = ? AND decision_json IS NULL',
    ),
    putTimer: db.prepare(
      `INSERT INTO timers (thread_id, scope, timer_key, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (thread_id, scope, timer_key) DO UPDATE SET expires_at = excluded.expires_at`,
    ),
    listTimers: db.prepare<[], TimerRow>('SELECT * FROM timers ORDER BY thread_id, scope, timer_key'),
    listTimersOf: db.prepare<[string], TimerRow>(
      'SELECT * FROM timers WHERE thread_id = ? ORDER BY scope, timer_key',
    ),
    deleteTimers: deleteThreadTimers,
    deleteTimersOfScope: db.prepare('DELETE FROM timers WHERE thread_id = ? AND scope = ?'),
    deleteTimer: db.prepare('DELETE FROM timers WHERE thread_id = ? AND scope = ? AND timer_key = ?'),
    putPairedUser: db.prepare(
      `INSERT INTO paired_users (platform, user_id, name, paired_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (platform, user_id) DO UPDATE SET name = excluded.name, paired_at = excluded.paired_at`,
    ),
    listPairedUsers: db.prepare<[string], PairedRow>(
      'SELECT * FROM paired_users WHERE platform = ? ORDER BY paired_at, user_id',
    ),
    deletePairedUser: db.prepare('DELETE FROM paired_users WHERE platform = ? AND user_id = ?'),
    putRule: db.prepare(
      `INSERT INTO rules (rule_id, effect, tool, command, path, project, expires_at, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (rule_id) DO UPDATE SET effect = excluded.effect, tool = excluded.tool,
         command = excluded.command, path = excluded.path, project = excluded.project,
         expires_at = excluded.expires_at, created_at = excluded.created_at, created_by = excluded.created_by`,
    ),
    listRules: db.prepare<[], RuleRow>('SELECT * FROM rules ORDER BY created_at, rowid'),
    // Changes when another connection (another process on this data dir) commits; not on this one's commits.
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    deleteRule: db.prepare('DELETE FROM rules WHERE rule_id = ?'),
    getValue: db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?'),
    setValue: db.prepare(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteValue: db.prepare('DELETE FROM kv WHERE key = ?'),
    audit: db.prepare(
      `INSERT INTO audit (at, platform, user_id, user_name, action, thread_id, request_id, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Newest `limit` matches, returned oldest first. NULL filters match everything.
    listAudit: db.prepare<[{ thread: string | null; request: string | null; limit: number }], AuditRow>(
      `SELECT * FROM (
         SELECT id, at, platform, user_id, user_name, action, thread_id, request_id, detail FROM audit
         WHERE (@thread IS NULL OR thread_id = @thread) AND (@request IS NULL OR request_id = @request)
         ORDER BY id DESC LIMIT @limit
       ) ORDER BY id`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * The default {@link Store}: one SQLite file, safe to share between processes (WAL mode; the
 * exactly-once gate `resolvePending` is a single conditional UPDATE).
 * @example
 * ```ts
 * const store = SqliteStore.open(); // ~/.local/share/agent-tether/agent-tether.db
 * try {
 *   store.putThread({ threadId: 't1', name: 'Repo', platform: 'web', platformRef: '1', createdAt: Date.now() });
 * } finally {
 *   store.close();
 * }
 * ```
 */
export class SqliteStore implements Store {
  /** The database file (or `:memory:`). */
  readonly path: string;
  #db: Database.Database | undefined;
  #statements: Statements | undefined;
  /** The rules as last read, with the `data_version` they were read at. */
  #rules:
    | { readonly version: number; readonly checkedAt: number; readonly rules: readonly StoredRule[] }
    | undefined;
  #insertAudits: ((batch: readonly AuditEntry[]) => void) | undefined;
  readonly #audits = new AuditBatch((entries) => this.#writeAudits(entries));

  /**
   * Opens (creating when needed) the database at `options.path` and migrates its schema.
   * @throws TetherError `STORE` when the file cannot be created, opened or migrated; the message names
   * the path and the fix.
   */
  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    const inMemory = options.path === ':memory:';
    if (!inMemory) prepareDatabaseFile(options.path);
    let db: Database.Database | undefined;
    try {
      db = new Database(options.path, {
        timeout: options.busyTimeoutMs ?? SQLITE_STORE_DEFAULTS.busyTimeoutMs,
      });
      if (!inMemory) db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL never corrupts and survives a process crash; only a power cut may lose the last commit.
      db.pragma('synchronous = NORMAL');
      migrate(db, options.path);
      this.#statements = prepareStatements(db);
    } catch (error) {
      db?.close();
      if (error instanceof TetherError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      if (/bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/i.test(reason)) {
        throw new TetherError(
          'STORE',
          `The SQLite store cannot load better-sqlite3's native module (${reason.split('\n')[0]}). npm 11 blocks ` +
            'install scripts by default. Fix: npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3 ' +
            "(or pass dataDir: ':memory:' to keep state in memory only).",
          { cause: error },
        );
      }
      throw new TetherError(
        'STORE',
        `Cannot open the agent-tether database ${options.path}: ${reason}. Fix: check that the file is an ` +
          'agent-tether database on a local disk, or choose another directory with AGENT_TETHER_HOME=/some/dir.',
        { cause: error },
      );
    }
    this.#db = db;
  }

  /**
   * Opens `<dataDir>/agent-tether.db`, creating the directory (mode 0700) and the file (mode 0600).
   * @param dataDir - The data directory. @defaultValue defaultDataDir()
   * @throws TetherError `STORE` when the directory cannot be created or written, naming the path and the fix.
   */
  static open(
    dataDir: string = defaultDataDir(),
    options: Omit<SqliteStoreOptions, 'path'> = {},
  ): SqliteStore {
    prepareDataDir(dataDir);
    return new SqliteStore({ ...options, path: join(dataDir, DATABASE_FILE_NAME) });
  }

  get #s(): Statements {
    if (this.#statements === undefined) {
      throw new TetherError('STORE', `The store ${this.path} is closed. Fix: open a new SqliteStore.`);
    }
    return this.#statements;
  }

  putThread(thread: StoredThread): void {
    this.#s.putThread.run(
      thread.threadId,
      thread.name,
      thread.platform,
      thread.platformRef,
      thread.directory ?? null,
      thread.createdAt,
    );
  }

  getThread(threadId: string): StoredThread | undefined {
    const row = this.#s.getThread.get(threadId);
    return row && toThread(row);
  }

  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined {
    const row = this.#s.findThreadByRef.get(platform, platformRef);
    return row && toThread(row);
  }

  findThreadByName(platform: string, name: string): StoredThread | undefined {
    const row = this.#s.findThreadByName.get(platform, name);
    return row && toThread(row);
  }

  listThreads(platform?: string): StoredThread[] {
    const rows = platform === undefined ? this.#s.listThreads.all() : this.#s.listThreadsOf.all(platform);
    return rows.map(toThread);
  }

  /** Removes the thread with its pending requests and timers, in one transaction. Audit entries stay. */
  deleteThread(threadId: string): void {
    this.#s.deleteThreadWithTraces(threadId);
  }

  /** Adds or replaces a request. Replacing never reopens a resolved request: its decision stays. */
  putPending(pending: StoredPending): void {
    this.#s.putPending.run(
      pending.requestId,
      pending.threadId,
      pending.platform,
      pending.kind,
      pending.requestJson,
      pending.cardJson,
      pending.createdAt,
      pending.expiresAt ?? null,
      pending.decisionJson ?? null,
      pending.decisionJson === undefined ? null : (pending.resolvedAt ?? null),
    );
  }

  getPending(requestId: string): StoredPending | undefined {
    const row = this.#s.getPending.get(requestId);
    return row && toPending(row);
  }

  listPending(threadId?: string): StoredPending[] {
    const rows = threadId === undefined ? this.#s.listPending.all() : this.#s.listPendingOf.all(threadId);
    return rows.map(toPending);
  }

  updatePendingCards(requestId: string, cardJson: string): void {
    this.#s.updatePendingCards.run(cardJson, requestId);
  }

  resolvePending(requestId: string, decisionJson: string, at: number): boolean {
    return this.#s.resolvePending.run(decisionJson, at, requestId).changes === 1;
  }

  putTimer(timer: StoredTimer): void {
    this.#s.putTimer.run(timer.threadId, timer.scope, timer.key, timer.expiresAt);
  }

  listTimers(threadId?: string): StoredTimer[] {
    const rows = threadId === undefined ? this.#s.listTimers.all() : this.#s.listTimersOf.all(threadId);
    return rows.map((row) => ({
      threadId: row.thread_id,
      scope: row.scope,
      key: row.timer_key,
      expiresAt: row.expires_at,
    }));
  }

  deleteTimers(threadId: string, scope?: StoredTimer['scope'], key?: string): void {
    if (scope === undefined) this.#s.deleteTimers.run(threadId);
    else if (key === undefined) this.#s.deleteTimersOfScope.run(threadId, scope);
    else this.#s.deleteTimer.run(threadId, scope, key);
  }

  putPairedUser(user: StoredPairedUser): void {
    this.#s.putPairedUser.run(user.platform, user.userId, user.name, user.pairedAt);
  }

  listPairedUsers(platform: string): StoredPairedUser[] {
    return this.#s.listPairedUsers.all(platform).map((row) => ({
      platform: row.platform,
      userId: row.user_id,
      name: row.name,
      pairedAt: row.paired_at,
    }));
  }

  deletePairedUser(platform: string, userId: string): void {
    this.#s.deletePairedUser.run(platform, userId);
  }

  putRule(rule: StoredRule): void {
    this.#rules = undefined;
    this.#s.putRule.run(
      rule.ruleId,
      rule.effect,
      rule.tool ?? null,
      rule.command ?? null,
      rule.path ?? null,
      rule.project ?? null,
      rule.expiresAt ?? null,
      rule.createdAt,
      rule.createdBy ?? null,
    );
  }

  /**
   * Every permission request reads the rules, and a read transaction costs more than the rest of deciding one:
   * the rules are kept in memory. A change made through this store (every bridge of a process shares it) is seen
   * at once; one committed by another process on the same file (SQLite's `data_version`) within
   * {@link RULES_RECHECK_MS}.
   */
  listRules(): StoredRule[] {
    // A monotonic clock: a wall clock stepped back must not keep a revoked rule cached.
    const now = performance.now();
    const cached = this.#rules;
    if (cached === undefined || now - cached.checkedAt >= RULES_RECHECK_MS) {
      const version = this.#s.dataVersion.get() ?? 0;
      this.#rules =
        cached !== undefined && cached.version === version
          ? { ...cached, checkedAt: now }
          : { version, checkedAt: now, rules: this.#s.listRules.all().map(toRule) };
    }
    return (this.#rules?.rules ?? []).map((rule) => ({ ...rule }));
  }

  deleteRule(ruleId: string): boolean {
    this.#rules = undefined;
    return this.#s.deleteRule.run(ruleId).changes === 1;
  }

  getValue(key: string): string | undefined {
    return this.#s.getValue.get(key)?.value;
  }

  setValue(key: string, value: string): void {
    this.#s.setValue.run(key, value);
  }

  deleteValue(key: string): void {
    this.#s.deleteValue.run(key);
  }

  /** Queued and written with the others of this turn of the event loop in one transaction (see AuditBatch). */
  audit(entry: AuditEntry): void {
    this.#s;
    this.#audits.add(entry);
  }

  #writeAudits(entries: readonly AuditEntry[]): void {
    const insert = this.#s.audit;
    this.#insertAudits ??= this.#db?.transaction((batch: readonly AuditEntry[]) => {
      for (const e of batch)
        insert.run(
          e.at,
          e.platform,
          e.userId ?? null,
          e.userName ?? null,
          e.action,
          e.threadId ?? null,
          e.requestId ?? null,
          e.detail ?? null,
        );
    });
    this.#insertAudits?.(entries);
  }

  /** Audit entries in the order they were written; with `limit`, the newest `limit` of them. */
  listAudit(filter: { threadId?: string; requestId?: string; limit?: number } = {}): AuditEntry[] {
    const limit = filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit));
    this.#audits.flush();
    return this.#s.listAudit
      .all({ thread: filter.threadId ?? null, request: filter.requestId ?? null, limit })
      .map(toAudit);
  }

  /** Closes the database. Idempotent; any later call throws a `STORE` error. */
  close(): void {
    if (this.#db) this.#audits.flush();
    const db = this.#db;
    this.#db = undefined;
    this.#statements = undefined;
    db?.close();
  }
}
