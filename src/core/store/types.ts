/**
 * The Store keeps everything that must survive a restart: thread names and platform mappings,
 * pending approvals, auto-approve timers, pairing state, bridge key/values and the audit log.
 * The interface is synchronous (SQLite via better-sqlite3 is synchronous), which keeps
 * "resolve exactly once" a single atomic step.
 * @module
 */

/** A thread as persisted. */
export interface StoredThread {
  readonly threadId: string;
  /** The unique display name ("Repo", "Repo 2", …). */
  readonly name: string;
  /** The bridge that owns the mapping (e.g. `telegram`). */
  readonly platform: string;
  /** The platform's reference for the thread (topic id, thread ts, channel id) — opaque to the core. */
  readonly platformRef: string;
  readonly directory?: string;
  readonly createdAt: number;
}

/** An approval or choice request waiting for an answer. */
export interface StoredPending {
  readonly requestId: string;
  readonly threadId: string;
  readonly platform: string;
  readonly kind: 'approval' | 'choice';
  /** The request as JSON (ApprovalRequest or ChoiceRequest). */
  readonly requestJson: string;
  /** Platform message ids of the cards shown for it, as JSON — so cards can be updated after a restart. */
  readonly cardJson: string;
  readonly createdAt: number;
  /** When it times out (epoch ms), or undefined for never. */
  readonly expiresAt?: number;
  /** Set once resolved: the decision as JSON. */
  readonly decisionJson?: string;
  readonly resolvedAt?: number;
}

/** An auto-approve timer. `scope` `all` has an empty key; `tool` keys by tool name; `dir` by directory. */
export interface StoredTimer {
  readonly threadId: string;
  readonly scope: 'all' | 'tool' | 'dir';
  readonly key: string;
  readonly expiresAt: number;
}

/** A user who paired with a pairing code. */
export interface StoredPairedUser {
  readonly platform: string;
  readonly userId: string;
  readonly name: string;
  readonly pairedAt: number;
}

/**
 * A stored approval rule (see `src/core/rules/`). Rules written from a card or the config decide requests
 * before a person is asked. A rule matches a request when every field it sets matches.
 */
export interface StoredRule {
  readonly ruleId: string;
  /** What a match does: `allow` without asking, `deny` without asking, or always `ask` a person. */
  readonly effect: 'allow' | 'deny' | 'ask';
  /** Tool name (case-insensitive, exact), e.g. `Bash`. Absent: any tool. */
  readonly tool?: string;
  /** For Bash-like tools: a command prefix (`git status`) or glob (`npm test*`). */
  readonly command?: string;
  /** For file tools: a path glob relative to the session's directory (`src/**`). */
  readonly path?: string;
  /** Only for sessions whose directory is this one or inside it. Absent: every project. */
  readonly project?: string;
  /** Epoch ms after which the rule no longer applies. Absent: never expires. */
  readonly expiresAt?: number;
  readonly createdAt: number;
  /** Who or what created it, e.g. `ann via telegram`. */
  readonly createdBy?: string;
}

/** One audit record: who did what, when, where. */
export interface AuditEntry {
  readonly at: number;
  readonly platform: string;
  readonly userId?: string;
  readonly userName?: string;
  /** e.g. `approval.allow`, `approval.deny`, `approval.timeout`, `auth.refused`, `pairing.paired`. */
  readonly action: string;
  readonly threadId?: string;
  readonly requestId?: string;
  readonly detail?: string;
}

/** Persistence for the core and bridges. Implementations: {@link SqliteStore} (default), {@link MemoryStore}. */
export interface Store {
  // threads
  putThread(thread: StoredThread): void;
  getThread(threadId: string): StoredThread | undefined;
  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined;
  /**
   * The oldest thread of a platform with exactly this name, or undefined. Must not list all threads: it is
   * called for every thread created (to pick a unique name), so keep it an index lookup.
   */
  findThreadByName(platform: string, name: string): StoredThread | undefined;
  listThreads(platform?: string): StoredThread[];
  deleteThread(threadId: string): void;

  // pending approvals
  putPending(pending: StoredPending): void;
  getPending(requestId: string): StoredPending | undefined;
  /**
   * Unresolved requests, optionally of one thread, oldest first. Called for every typed message, so its cost
   * must follow the number of open requests, never the number ever stored (keep an index of open ones).
   */
  listPending(threadId?: string): StoredPending[];
  /** Replace the card references of a request. */
  updatePendingCards(requestId: string, cardJson: string): void;
  /**
   * Atomically mark a request resolved. Returns true if this call resolved it, false if it was already
   * resolved (or unknown). This is the exactly-once gate.
   */
  resolvePending(requestId: string, decisionJson: string, at: number): boolean;

  // auto-approve timers
  putTimer(timer: StoredTimer): void;
  listTimers(threadId?: string): StoredTimer[];
  deleteTimers(threadId: string, scope?: StoredTimer['scope'], key?: string): void;

  // pairing
  putPairedUser(user: StoredPairedUser): void;
  listPairedUsers(platform: string): StoredPairedUser[];
  deletePairedUser(platform: string, userId: string): void;

  // approval rules
  /** Adds or replaces a rule (by `ruleId`). */
  putRule(rule: StoredRule): void;
  /** Every rule, oldest first (creation time, then insertion order). Expired rules are listed too. */
  listRules(): StoredRule[];
  /** Removes a rule. Returns true when it existed. */
  deleteRule(ruleId: string): boolean;

  // key/value for bridge-specific state (update offsets, control channel, …)
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
  deleteValue(key: string): void;

  // audit
  audit(entry: AuditEntry): void;
  listAudit(filter?: { threadId?: string; requestId?: string; limit?: number }): AuditEntry[];

  /** Close the underlying resources. Idempotent. */
  close(): void;
}
