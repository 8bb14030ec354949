/**
 * The SQLite schema of {@link SqliteStore} and its migrations, tracked with `PRAGMA user_version`.
 * @module
 */
import type Database from 'better-sqlite3';
import { TetherError } from '../errors.js';

/**
 * Migrations in order: entry `i` brings the schema from version `i` to `i + 1`.
 * Append new entries; never edit a released one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE threads (
    thread_id    TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    platform     TEXT NOT NULL,
    platform_ref TEXT NOT NULL,
    directory    TEXT,
    created_at   INTEGER NOT NULL
  );
  CREATE INDEX threads_by_ref ON threads (platform, platform_ref);

  CREATE TABLE pending (
    request_id    TEXT PRIMARY KEY,
    thread_id     TEXT NOT NULL,
    platform      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('approval', 'choice')),
    request_json  TEXT NOT NULL,
    card_json     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    decision_json TEXT,
    resolved_at   INTEGER
  );
  CREATE INDEX pending_by_thread ON pending (thread_id);

  CREATE TABLE timers (
    thread_id  TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('all', 'tool', 'dir')),
    timer_key  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (thread_id, scope, timer_key)
  ) WITHOUT ROWID;

  CREATE TABLE paired_users (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    name      TEXT NOT NULL,
    paired_at INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
  ) WITHOUT ROWID;

  CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    platform   TEXT NOT NULL,
    user_id    TEXT,
    user_name  TEXT,
    action     TEXT NOT NULL,
    thread_id  TEXT,
    request_id TEXT,
    detail     TEXT
  );
  CREATE INDEX audit_by_thread ON audit (thread_id);
  CREATE INDEX audit_by_request ON audit (request_id);
  `,
  `
  CREATE TABLE rules (
    rule_id    TEXT PRIMARY KEY,
    effect     TEXT NOT NULL CHECK (effect IN ('allow', 'deny', 'ask')),
    tool       TEXT,
    command    TEXT,
    path       TEXT,
    project    TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    created_by TEXT
  );
  `,
  // Lookups whose cost must not grow with history: unique thread names, and the open requests of a thread
  // (a typed message lists them; resolved ones stay in the table for the audit trail).
  `
  CREATE INDEX threads_by_name ON threads (platform, name);
  CREATE INDEX pending_open_by_thread ON pending (thread_id, created_at) WHERE decision_json IS NULL;
  CREATE INDEX pending_open ON pending (created_at) WHERE decision_json IS NULL;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link SCHEMA_VERSION}. Each step runs in an immediate transaction, so two
 * processes opening a fresh file at once do not both migrate it.
 * @throws TetherError `STORE` when the file was written by a newer agent-tether.
 */
export function migrate(db: Database.Database, file: string): void {
  const upgrade = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new TetherError(
        'STORE',
        `The database ${file} has schema version ${current}, newer than this agent-tether understands ` +
          `(${SCHEMA_VERSION}). Fix: upgrade agent-tether, or point AGENT_TETHER_HOME at another directory.`,
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  upgrade.immediate();
}
