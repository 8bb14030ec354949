/**
 * The threads of one bridge: unique names ("Repo", "Repo 2", …) kept across restarts, the mapping from
 * thread id to the platform's reference, and the thread's directory. Backed by the store, so a thread
 * another process (or an earlier run) created is found too.
 * @module
 */
import type { Store, StoredThread } from './store/types.js';
import type { Clock, ThreadId } from './types.js';

/** Longest thread name kept. */
const MAX_NAME = 120;

/** Base names whose next free suffix is remembered (a hint only: the store decides). Cleared when full. */
const MAX_SUFFIX_HINTS = 1000;

/** Threads of one platform. Thread ids are the platform's references; store keys are `<platform>:<id>`. */
export class ThreadBook {
  /** One entry per thread of this platform (the store holds the same; this saves a lookup per message). */
  readonly #threads = new Map<ThreadId, StoredThread>();
  /** Per base name, the suffix after the last one handed out: "Repo" created 10,000 times probes once, not 10,000 times. */
  readonly #nextSuffix = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly platform: string,
    private readonly clock: Clock,
  ) {}

  /** Store key of a thread (thread ids are only unique per platform). */
  key(threadId: ThreadId): string {
    return `${this.platform}:${threadId}`;
  }

  /** The thread id of a store key (the inverse of {@link ThreadBook.key}). */
  threadIdOf(key: string): ThreadId {
    return key.slice(this.platform.length + 1);
  }

  /** Load the platform's threads from the store. */
  load(): void {
    for (const thread of this.store.listThreads(this.platform)) this.#threads.set(thread.platformRef, thread);
  }

  /** A cleaned-up name not used by any thread of this platform yet. */
  uniqueName(name: string): string {
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME) || 'Agent session';
    const taken = (candidate: string) => this.store.findThreadByName(this.platform, candidate) !== undefined;
    if (!taken(clean)) return clean;
    let n = Math.max(2, this.#nextSuffix.get(clean) ?? 2);
    while (taken(`${clean} ${n}`)) n++;
    if (this.#nextSuffix.size >= MAX_SUFFIX_HINTS && !this.#nextSuffix.has(clean)) this.#nextSuffix.clear();
    this.#nextSuffix.set(clean, n + 1);
    return `${clean} ${n}`;
  }

  /** Record a new thread. */
  add(threadId: ThreadId, name: string, directory?: string): StoredThread {
    const thread: StoredThread = {
      threadId: this.key(threadId),
      name,
      platform: this.platform,
      platformRef: threadId,
      createdAt: this.clock.now(),
      ...(directory !== undefined ? { directory } : {}),
    };
    this.store.putThread(thread);
    this.#threads.set(threadId, thread);
    return thread;
  }

  /** A thread's record; one created since start (e.g. by another process) is looked up in the store. */
  get(threadId: ThreadId): StoredThread | undefined {
    const known = this.#threads.get(threadId);
    if (known) return known;
    const stored = this.store.findThreadByRef(this.platform, threadId);
    if (stored) this.#threads.set(threadId, stored);
    return stored;
  }

  has(threadId: ThreadId): boolean {
    return this.get(threadId) !== undefined;
  }

  list(): StoredThread[] {
    return [...this.#threads.values()];
  }

  /** Forget a thread here and in the store (with its pending requests and timers). */
  remove(threadId: ThreadId): void {
    this.store.deleteThread(this.key(threadId));
    this.#threads.delete(threadId);
  }
}
