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

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Resolved requests kept (newest first) so a late tap still learns who decided; older ones are forgotten
   * (a tap on them is answered "no longer active").
   * @defaultValue 1000
   */
  readonly retainResolved?: number;
  /**
   * Audit entries kept; the oldest are forgotten past this.
   * @defaultValue 10000
   */
  readonly retainAudit?: number;
}

/** Defaults of {@link MemoryStoreOptions}. */
export const MEMORY_STORE_DEFAULTS = { retainResolved: 1000, retainAudit: 10_000 } as const;

const refKey = (platform: string, ref: string): string => `${platform}\u0000${ref}`;

/**
 * A {@link Store} that keeps everything in Maps. Records are copied in and out, so callers cannot change
 * stored state by mutating an object they passed or received. Its memory is bounded by the live state (threads,
 * open requests, timers, pairings, values) plus the retention of resolved requests and audit entries.
 * @example
 * ```ts
 * const bridge = new WebBridge({ store: new MemoryStore(), handlers });
 * ```
 */
export class MemoryStore implements Store {
  // Maps keep insertion order; listings sort stably by createdAt on top of it, like SQLite's rowid.
  readonly #threads = new Map<string, StoredThread>();
  /** `platform\0ref` and `platform\0name` → thread ids: lookups that must not scan every thread. */
  readonly #byRef = new Map<string, Set<string>>();
  readonly #byName = new Map<string, Set<string>>();
  readonly #pending = new Map<string, StoredPending>();
  /** Open (unresolved) requests per thread id: typed messages list these, never the resolved history. */
  readonly #open = new Map<string, Set<string>>();
  /** Resolved request ids, oldest resolution first (from `#resolvedHead`); bounded by `retainResolved`. */
  #resolved: string[] = [];
  #resolvedHead = 0;
  /** Insertion order of each kept request (SQLite's rowid), to break createdAt ties the same way. */
  readonly #order = new Map<string, number>();
  #nextOrder = 0;
  readonly #timers = new Map<string, StoredTimer>();
  readonly #paired = new Map<string, StoredPairedUser>();
  readonly #values = new Map<string, string>();
  readonly #rules = new Map<string, StoredRule>();
  /** Bounded by `retainAudit` (entries before `#auditStart` are forgotten and compacted away). */
  #audit: AuditEntry[] = [];
  #auditStart = 0;
  readonly #retainResolved: number;
  readonly #retainAudit: number;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#retainResolved = Math.max(0, options.retainResolved ?? MEMORY_STORE_DEFAULTS.retainResolved);
    this.#retainAudit = Math.max(1, options.retainAudit ?? MEMORY_STORE_DEFAULTS.retainAudit);
  }

  #check(): void {
    if (this.#closed)
      throw new TetherError('STORE', 'The memory store is closed. Fix: create a new MemoryStore.');
  }

  putThread(thread: StoredThread): void {
    this.#check();
    this.#unindexThread(thread.threadId);
    this.#threads.set(thread.threadId, { ...thread });
    addTo(this.#byRef, refKey(thread.platform, thread.platformRef), thread.threadId);
    addTo(this.#byName, refKey(thread.platform, thread.name), thread.threadId);
  }

  getThread(threadId: string): StoredThread | undefined {
    this.#check();
    const thread = this.#threads.get(threadId);
    return thread && { ...thread };
  }

  findThreadByRef(platform: string, platformRef: string): StoredThread | undefined {
    this.#check();
    return this.#oldest(this.#byRef.get(refKey(platform, platformRef)));
  }

  findThreadByName(platform: string, name: string): StoredThread | undefined {
    this.#check();
    return this.#oldest(this.#byName.get(refKey(platform, name)));
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
      if (pending.threadId === threadId) this.#dropPending(requestId);
    }
    this.deleteTimers(threadId);
    this.#unindexThread(threadId);
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
    if (existing) this.#unindexOpen(existing);
    const record: StoredPending = {
      ...fields,
      ...(resolution.decisionJson !== undefined && { decisionJson: resolution.decisionJson }),
      ...(resolution.decisionJson !== undefined &&
        resolution.resolvedAt !== undefined && { resolvedAt: resolution.resolvedAt }),
    };
    this.#pending.set(pending.requestId, record);
    if (!this.#order.has(record.requestId)) this.#order.set(record.requestId, this.#nextOrder++);
    if (record.decisionJson === undefined) addTo(this.#open, record.threadId, record.requestId);
    else if (existing?.decisionJson === undefined) this.#noteResolved(record.requestId);
  }

  getPending(requestId: string): StoredPending | undefined {
    this.#check();
    const pending = this.#pending.get(requestId);
    return pending && { ...pending };
  }

  listPending(threadId?: string): StoredPending[] {
    this.#check();
    const ids =
      threadId === undefined
        ? [...this.#open.values()].flatMap((set) => [...set])
        : [...(this.#open.get(threadId) ?? [])];
    return ids
      .map((id) => this.#pending.get(id) as StoredPending)
      .sort(
        (a, b) =>
          byCreatedAt(a, b) || (this.#order.get(a.requestId) ?? 0) - (this.#order.get(b.requestId) ?? 0),
      )
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
    this.#unindexOpen(pending);
    this.#pending.set(requestId, { ...pending, decisionJson, resolvedAt: at });
    this.#noteResolved(requestId);
    return true;
  }

  #noteResolved(requestId: string): void {
    this.#resolved.push(requestId);
    while (this.#resolved.length - this.#resolvedHead > this.#retainResolved) {
      const oldest = this.#resolved[this.#resolvedHead++] as string;
      // Only forget it if it is still the resolved record (a thread removal may have dropped it already).
      if (this.#pending.get(oldest)?.decisionJson !== undefined) this.#dropPending(oldest);
    }
    if (this.#resolvedHead >= this.#retainResolved) {
      this.#resolved = this.#resolved.slice(this.#resolvedHead);
      this.#resolvedHead = 0;
    }
  }

  #dropPending(requestId: string): void {
    const pending = this.#pending.get(requestId);
    if (pending) this.#unindexOpen(pending);
    this.#pending.delete(requestId);
    this.#order.delete(requestId);
  }

  #unindexOpen(pending: StoredPending): void {
    removeFrom(this.#open, pending.threadId, pending.requestId);
  }

  #unindexThread(threadId: string): void {
    const old = this.#threads.get(threadId);
    if (!old) return;
    removeFrom(this.#byRef, refKey(old.platform, old.platformRef), threadId);
    removeFrom(this.#byName, refKey(old.platform, old.name), threadId);
  }

  /** The earliest created of a few thread ids (several only when names or references collide). */
  #oldest(ids: ReadonlySet<string> | undefined): StoredThread | undefined {
    let found: StoredThread | undefined;
    for (const id of ids ?? []) {
      const thread = this.#threads.get(id);
      if (thread && (found === undefined || thread.createdAt < found.createdAt)) found = thread;
    }
    return found && { ...found };
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
    if (this.#audit.length - this.#auditStart > this.#retainAudit) this.#auditStart++;
    // Compact once the forgotten prefix is as long as what is kept: amortised O(1) per entry.
    if (this.#auditStart >= this.#retainAudit) {
      this.#audit = this.#audit.slice(this.#auditStart);
      this.#auditStart = 0;
    }
  }

  /** Audit entries in the order they were written; with `limit`, the newest `limit` of them. */
  listAudit(filter: { threadId?: string; requestId?: string; limit?: number } = {}): AuditEntry[] {
    this.#check();
    const matches = this.#audit.filter(
      (entry, index) =>
        index >= this.#auditStart &&
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

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (set) set.add(id);
  else index.set(key, new Set([id]));
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}
