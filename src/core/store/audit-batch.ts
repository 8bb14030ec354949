/**
 * Audit entries written in batches: an entry is queued and the queue is written in one transaction at most
 * {@link AUDIT_FLUSH_MS} later, so a run of decisions (hooks auto-approved by a rule) costs one commit instead
 * of one each. Reads and `close()` flush first, so nothing is lost and nothing is read stale.
 * @module
 */
import type { AuditEntry } from './types.js';

/** How long an audit entry may wait in memory before it is written. */
export const AUDIT_FLUSH_MS = 50;

/** Queues audit entries and writes them together. */
export class AuditBatch {
  readonly #write: (entries: readonly AuditEntry[]) => void;
  #queue: AuditEntry[] = [];
  #scheduled: ReturnType<typeof setTimeout> | undefined;

  /** @param write - writes entries in order, in one transaction; throws when it cannot. */
  constructor(write: (entries: readonly AuditEntry[]) => void) {
    this.#write = write;
  }

  /** Queue an entry; it is written within {@link AUDIT_FLUSH_MS} (or at the next flush). */
  add(entry: AuditEntry): void {
    this.#queue.push(entry);
    this.#scheduled ??= setTimeout(() => {
      this.#scheduled = undefined;
      try {
        this.flush();
      } catch {
        // Kept queued: the next entry, read or close writes them again (a read or close reports the error).
      }
    }, AUDIT_FLUSH_MS);
  }

  /** Write every queued entry now. Throws (keeping them queued) when the write fails. */
  flush(): void {
    if (this.#scheduled !== undefined) {
      clearTimeout(this.#scheduled);
      this.#scheduled = undefined;
    }
    if (this.#queue.length === 0) return;
    const entries = this.#queue;
    this.#queue = [];
    try {
      this.#write(entries);
    } catch (error) {
      this.#queue = [...entries, ...this.#queue];
      throw error;
    }
  }
}
