/**
 * Row shapes of the SQLite tables and their conversion to the Store's records.
 * @module
 */
import type { AuditEntry, StoredPending, StoredRule, StoredThread, StoredTimer } from './types.js';

/** A row of `threads`. */
export interface ThreadRow {
  thread_id: string;
  name: string;
  platform: string;
  platform_ref: string;
  directory: string | null;
  created_at: number;
}

/** A row of `pending`. */
export interface PendingRow {
  request_id: string;
  thread_id: string;
  platform: string;
  kind: 'approval' | 'choice';
  request_json: string;
  card_json: string;
  created_at: number;
  expires_at: number | null;
  decision_json: string | null;
  resolved_at: number | null;
}

/** A row of `timers`. */
export interface TimerRow {
  thread_id: string;
  scope: StoredTimer['scope'];
  timer_key: string;
  expires_at: number;
}

/** A row of `paired_users`. */
export interface PairedRow {
  platform: string;
  user_id: string;
  name: string;
  paired_at: number;
}

/** A row of `audit` (without its id). */
export interface AuditRow {
  at: number;
  platform: string;
  user_id: string | null;
  user_name: string | null;
  action: string;
  thread_id: string | null;
  request_id: string | null;
  detail: string | null;
}

/** A `threads` row as a {@link StoredThread}. */
export function toThread(row: ThreadRow): StoredThread {
  return {
    threadId: row.thread_id,
    name: row.name,
    platform: row.platform,
    platformRef: row.platform_ref,
    ...(row.directory !== null && { directory: row.directory }),
    createdAt: row.created_at,
  };
}

/** A `pending` row as a {@link StoredPending}. */
export function toPending(row: PendingRow): StoredPending {
  return {
    requestId: row.request_id,
    threadId: row.thread_id,
    platform: row.platform,
    kind: row.kind,
    requestJson: row.request_json,
    cardJson: row.card_json,
    createdAt: row.created_at,
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
    ...(row.decision_json !== null && { decisionJson: row.decision_json }),
    ...(row.resolved_at !== null && { resolvedAt: row.resolved_at }),
  };
}

/** An `audit` row as an {@link AuditEntry}. */
export function toAudit(row: AuditRow): AuditEntry {
  return {
    at: row.at,
    platform: row.platform,
    ...(row.user_id !== null && { userId: row.user_id }),
    ...(row.user_name !== null && { userName: row.user_name }),
    action: row.action,
    ...(row.thread_id !== null && { threadId: row.thread_id }),
    ...(row.request_id !== null && { requestId: row.request_id }),
    ...(row.detail !== null && { detail: row.detail }),
  };
}

/** A row of `rules`. */
export interface RuleRow {
  rule_id: string;
  effect: StoredRule['effect'];
  tool: string | null;
  command: string | null;
  path: string | null;
  project: string | null;
  expires_at: number | null;
  created_at: number;
  created_by: string | null;
}

/** A `rules` row as a {@link StoredRule}. */
export function toRule(row: RuleRow): StoredRule {
  return {
    ruleId: row.rule_id,
    effect: row.effect,
    ...(row.tool !== null && { tool: row.tool }),
    ...(row.command !== null && { command: row.command }),
    ...(row.path !== null && { path: row.path }),
    ...(row.project !== null && { project: row.project }),
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
    createdAt: row.created_at,
    ...(row.created_by !== null && { createdBy: row.created_by }),
  };
}
