/**
 * The pending-approval book: every approval or choice request waiting for an answer, persisted so it
 * survives a restart, with a timeout, and resolved exactly once whoever answers first.
 * @module
 */
import { ConfigError } from '../errors.js';
import type { Store, StoredPending } from '../store/types.js';
import type { ApprovalDecision, ApprovalRequest, ChoiceDecision, ChoiceRequest, Clock } from '../types.js';

/** The longest single timer Node runs correctly (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Any decision the book records. */
export type PendingDecision = ApprovalDecision | ChoiceDecision;

/** A request as the book holds it. */
export type PendingEntry =
  | {
      readonly kind: 'approval';
      readonly requestId: string;
      readonly threadKey: string;
      readonly request: ApprovalRequest;
      readonly record: StoredPending;
    }
  | {
      readonly kind: 'choice';
      readonly requestId: string;
      readonly threadKey: string;
      readonly request: ChoiceRequest;
      readonly record: StoredPending;
    };

/** The outcome of trying to settle a request. */
export type SettleResult =
  | { readonly settled: true; readonly entry: PendingEntry }
  | { readonly settled: false; readonly reason: 'unknown' }
  | { readonly settled: false; readonly reason: 'already_resolved'; readonly previous: PendingDecision };

/** Options of {@link PendingApprovals}. */
export interface PendingApprovalsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly platform: string;
  /** Called when a request's timeout elapses (the book has not settled it; the owner does). */
  readonly onTimeout: (requestId: string) => void;
}

/** Parse a stored record back into an entry. */
export function toEntry(record: StoredPending): PendingEntry {
  const request: unknown = JSON.parse(record.requestJson);
  return record.kind === 'approval'
    ? {
        kind: 'approval',
        requestId: record.requestId,
        threadKey: record.threadId,
        request: request as ApprovalRequest,
        record,
      }
    : {
        kind: 'choice',
        requestId: record.requestId,
        threadKey: record.threadId,
        request: request as ChoiceRequest,
        record,
      };
}

/** Pending approvals and choices, awaitable and exactly-once. */
export class PendingApprovals {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #platform: string;
  readonly #onTimeout: (requestId: string) => void;
  readonly #timeouts = new Map<string, unknown>();
  readonly #waiters = new Map<string, ((decision: PendingDecision) => void)[]>();

  constructor(options: PendingApprovalsOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#platform = options.platform;
    this.#onTimeout = options.onTimeout;
  }

  /** Record a new request and arm its timeout. A request id that already exists is refused. */
  open(
    input:
      | { kind: 'approval'; threadKey: string; request: ApprovalRequest; timeoutMs?: number }
      | { kind: 'choice'; threadKey: string; request: ChoiceRequest; timeoutMs?: number },
  ): PendingEntry {
    const { requestId } = input.request;
    if (input.timeoutMs !== undefined && !(Number.isFinite(input.timeoutMs) && input.timeoutMs > 0)) {
      throw new ConfigError(`timeoutMs must be a positive number of milliseconds, got ${input.timeoutMs}`);
    }
    if (this.#store.getPending(requestId)) {
      throw new ConfigError(`Approval request "${requestId}" already exists: use a unique requestId`);
    }
    const now = this.#clock.now();
    const record: StoredPending = {
      requestId,
      threadId: input.threadKey,
      platform: this.#platform,
      kind: input.kind,
      requestJson: JSON.stringify(input.request),
      cardJson: '[]',
      createdAt: now,
      ...(input.timeoutMs !== undefined ? { expiresAt: now + input.timeoutMs } : {}),
    };
    this.#store.putPending(record);
    this.#arm(record);
    return toEntry(record);
  }

  /** Re-arm the timeouts of every open request in the store (after a restart). */
  restore(): PendingEntry[] {
    const open = this.#store.listPending().filter((p) => p.platform === this.#platform);
    for (const record of open) this.#arm(record);
    return open.map(toEntry);
  }

  /** Open requests of this platform, oldest first. */
  listAllOpen(): PendingEntry[] {
    return this.#store
      .listPending()
      .filter((p) => p.platform === this.#platform)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(toEntry);
  }

  /** The entry of an open or resolved request. */
  get(requestId: string): PendingEntry | undefined {
    const record = this.#store.getPending(requestId);
    return record ? toEntry(record) : undefined;
  }

  /** Open requests of one thread, oldest first. */
  listOpen(threadKey: string): PendingEntry[] {
    return this.#store
      .listPending(threadKey)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(toEntry);
  }

  /** Remember the platform messages showing the request's card (so they can be updated later). */
  setCards(requestId: string, cards: unknown): void {
    this.#store.updatePendingCards(requestId, JSON.stringify(cards));
  }

  /** A promise of the request's decision. Resolves at once if it is already decided. */
  wait(requestId: string): Promise<PendingDecision> {
    const record = this.#store.getPending(requestId);
    if (record?.decisionJson) return Promise.resolve(JSON.parse(record.decisionJson) as PendingDecision);
    return new Promise((resolve) => {
      const list = this.#waiters.get(requestId) ?? [];
      list.push(resolve);
      this.#waiters.set(requestId, list);
    });
  }

  /** Settle a request exactly once. Later calls learn who settled it first. */
  settle(requestId: string, decision: PendingDecision): SettleResult {
    const record = this.#store.getPending(requestId);
    if (!record) return { settled: false, reason: 'unknown' };
    if (!this.#store.resolvePending(requestId, JSON.stringify(decision), this.#clock.now())) {
      const latest = this.#store.getPending(requestId);
      const previous = latest?.decisionJson ? (JSON.parse(latest.decisionJson) as PendingDecision) : decision;
      if (latest?.decisionJson) this.deliverRecorded(requestId, previous);
      return { settled: false, reason: 'already_resolved', previous };
    }
    this.#disarm(requestId);
    return { settled: true, entry: toEntry(record) };
  }

  /**
   * A decision the store holds while someone here still waits: the settle that recorded it failed on the way (a
   * shared store that answered too late, then applied it). The store's decision is the decision: deliver it.
   */
  deliverRecorded(requestId: string, decision: PendingDecision): void {
    if (this.#waiters.has(requestId)) this.release(requestId, decision);
  }

  /** Wake everyone waiting on a settled request (the owner calls this once cards and handlers are done). */
  release(requestId: string, decision: PendingDecision): void {
    const waiters = this.#waiters.get(requestId) ?? [];
    this.#waiters.delete(requestId);
    for (const resolve of waiters) resolve(decision);
  }

  /**
   * Stop every timeout (the requests stay in the store, answerable after a restart). Callers still awaiting a
   * decision in this process are told it was cancelled, so nothing hangs on a stopped bridge.
   */
  dispose(): void {
    for (const handle of this.#timeouts.values()) this.#clock.clearTimeout(handle);
    this.#timeouts.clear();
    for (const requestId of [...this.#waiters.keys()])
      this.release(requestId, { behavior: 'timeout', cancelled: true });
  }

  #arm(record: StoredPending): void {
    const { expiresAt } = record;
    if (expiresAt === undefined) return;
    this.#disarm(record.requestId);
    // Timers longer than ~24.8 days overflow in Node (and would fire at once): wait in steps.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.#clock.now()));
    const handle = this.#clock.setTimeout(() => {
      this.#timeouts.delete(record.requestId);
      if (this.#clock.now() < expiresAt) this.#arm(record);
      else this.#onTimeout(record.requestId);
    }, delay);
    this.#timeouts.set(record.requestId, handle);
  }

  #disarm(requestId: string): void {
    const handle = this.#timeouts.get(requestId);
    if (handle !== undefined) this.#clock.clearTimeout(handle);
    this.#timeouts.delete(requestId);
  }
}
