/**
 * {@link MemoryStore}: a complete {@link Store} kept in memory — for tests, demos and short-lived tools.
 * Behaves exactly like {@link SqliteStore} (same contract suite) except that nothing survives the process.
 * @module
 */
import { TetherError } from '../errors.js';
import type {
  AuditEntry,
  Store,
  StoredPairedUser,
  StoredPending,
  StoredRule,
  StoredThread,
  StoredTimer,
} from './types.js';

const byCreatedAt = <T extends { readonly createdAt: number }>(a: T, b: T): number =>
  a.createdAt - b.createdAt;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byTimerKey(a: StoredTimer, b: StoredTimer): number {
  return compareText(a.threadId, b.threadId) || compareText(a.scope, b.scope) || compareText(a.key, b.key);
}

function timerId(threadId: string, scope: string, key: string): string {
  return JSON.stringify([threadId, scope, key]);
}

function pairedId(platform: string, userId: string): string {
  return JSON.stringify([platform, userId]);
}

/**
 * A {@link Store} that keeps everything in Maps. Records are copied in and out, so callers cannot change
 * stored state by mutating an object they passed or received.
 * @example
 * ```ts
 * const bridge = new WebBridge({ store: new MemoryStore(), handlers });
 * ```
 */
export class MemoryStore implements Store {
  // Maps keep insertion order; listings sort stably by createdAt on top of it, like SQLite's rowid.
  readonly #threads = new Map<string, StoredThread>();
  readonly #pending = new Map<string, StoredPending>();
  readonly #timers = new Map<string, StoredTimer>();
  readonly #paired = new Map<string, StoredPairedUser>();
  readonly #values = new Map<string, string>();
  readonly #rules = new Map<string, StoredRule>();
  readonly #audit: AuditEntry[] = [];
  #closed = false;

  #check(): void {
    if (this.#closed)
      throw new TetherError('STORE', 'The memory store is closed. Fix: create a new MemoryStore.');
  }

  putThread(thread: StoredThread): void {
    this.#check();
    this.#threads.set(thread.threadId, { ...thread });
  }

  getThread(threadId: string): StoredThread | undefined {
    this.#check();
    const thread = this.#threads.get(threadId);
    return thread && { ...thread };
  }

  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined {
    return this.listThreads(platform).find((thread) => thread.platformRef === platformRef);
  }

  listThreads(platform?: string): StoredThread[] {
    this.#check();
    return [...this.#threads.values()]
      .filter((thread) => platform === undefined || thread.platform === platform)
      .sort(byCreatedAt)
      .map((thread) => ({ ...thread }));
  }

  /** Removes the thread with its pending requests and timers. Audit entries stay. */
  deleteThread(threadId: string): void {
    this.#check();
    for (const [requestId, pending] of this.#pending) {
      if (pending.threadId === threadId) this.#pending.delete(requestId);
    }
    this.deleteTimers(threadId);
    this.#threads.delete(threadId);
  }

  /** Adds or replaces a request. Replacing never reopens a resolved request: its decision stays. */
  putPending(pending: StoredPending): void {
    this.#check();
    const { decisionJson: _decision, resolvedAt: _resolvedAt, ...fields } = pending;
    const existing = this.#pending.get(pending.requestId);
    const resolution =
      existing?.decisionJson !== undefined
        ? { decisionJson: existing.decisionJson, resolvedAt: existing.resolvedAt }
        : { decisionJson: pending.decisionJson, resolvedAt: pending.resolvedAt };
    this.#pending.set(pending.requestId, {
      ...fields,
      ...(resolution.decisionJson !== undefined && { decisionJson: resolution.decisionJson }),
      ...(resolution.decisionJson !== undefined &&
        resolution.resolvedAt !== undefined && { resolvedAt: resolution.resolvedAt }),
    });
  }

  getPending(requestId: string): StoredPending | undefined {
    this.#check();
    const pending = this.#pending.get(requestId);
    return pending && { ...pending };
  }

  listPending(threadId?: string): StoredPending[] {
    this.#check();
    return [...this.#pending.values()]
      .filter((p) => p.decisionJson === undefined && (threadId === undefined || p.threadId === threadId))
      .sort(byCreatedAt)
      .map((p) => ({ ...p }));
  }

  updatePendingCards(requestId: string, cardJson: string): void {
    this.#check();
    const pending = this.#pending.get(requestId);
    if (pending) this.#pending.set(requestId, { ...pending, cardJson });
  }

  resolvePending(requestId: string, decisionJson: string, at: number): boolean {
    this.#check();
    const pending = this.#pending.get(requestId);
    if (pending === undefined || pending.decisionJson !== undefined) return false;
    this.#pending.set(requestId, { ...pending, decisionJson, resolvedAt: at });
    return true;
  }

  putTimer(timer: StoredTimer): void {
    this.#check();
    this.#timers.set(timerId(timer.threadId, timer.scope, timer.key), { ...timer });
  }

  /** Timers sorted by thread id, scope and key. */
  listTimers(threadId?: string): StoredTimer[] {
    this.#check();
    return [...this.#timers.values()]
      .filter((timer) => threadId === undefined || timer.threadId === threadId)
      .sort(byTimerKey)
      .map((timer) => ({ ...timer }));
  }

  deleteTimers(threadId: string, scope?: StoredTimer['scope'], key?: string): void {
    this.#check();
    for (const [id, timer] of this.#timers) {
      if (timer.threadId !== threadId) continue;
      if (scope !== undefined && timer.scope !== scope) continue;
      if (scope !== undefined && key !== undefined && timer.key !== key) continue;
      this.#timers.delete(id);
    }
  }

  putPairedUser(user: StoredPairedUser): void {
    this.#check();
    this.#paired.set(pairedId(user.platform, user.userId), { ...user });
  }

  /** Paired users of a platform, oldest pairing first. */
  listPairedUsers(platform: string): StoredPairedUser[] {
    this.#check();
    return [...this.#paired.values()]
      .filter((user) => user.platform === platform)
      .sort((a, b) => a.pairedAt - b.pairedAt || compareText(a.userId, b.userId))
      .map((user) => ({ ...user }));
  }

  deletePairedUser(platform: string, userId: string): void {
    this.#check();
    this.#paired.delete(pairedId(platform, userId));
  }

  putRule(rule: StoredRule): void {
    this.#check();
    // Replacing keeps the rule's place in the order, like SQLite's upsert keeps its rowid.
    this.#rules.set(rule.ruleId, { ...rule });
  }

  listRules(): StoredRule[] {
    this.#check();
    return [...this.#rules.values()].sort(byCreatedAt).map((rule) => ({ ...rule }));
  }

  deleteRule(ruleId: string): boolean {
    this.#check();
    return this.#rules.delete(ruleId);
  }

  getValue(key: string): string | undefined {
    this.#check();
    return this.#values.get(key);
  }

  setValue(key: string, value: string): void {
    this.#check();
    this.#values.set(key, value);
  }

  deleteValue(key: string): void {
    this.#check();
    this.#values.delete(key);
  }

  audit(entry: AuditEntry): void {
    this.#check();
    this.#audit.push({ ...entry });
  }

  /** Audit entries in the order they were written; with `limit`, the newest `limit` of them. */
  listAudit(filter: { threadId?: string; requestId?: string; limit?: number } = {}): AuditEntry[] {
    this.#check();
    const matches = this.#audit.filter(
      (entry) =>
        (filter.threadId === undefined || entry.threadId === filter.threadId) &&
        (filter.requestId === undefined || entry.requestId === filter.requestId),
    );
    const limit = filter.limit === undefined ? matches.length : Math.max(0, Math.floor(filter.limit));
    return matches.slice(matches.length - Math.min(limit, matches.length)).map((entry) => ({ ...entry }));
  }

  /** Marks the store closed. Idempotent; any later call throws a `STORE` error. */
  close(): void {
    this.#closed = true;
  }
}
