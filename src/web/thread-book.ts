/**
 * What the web page shows, kept in memory: each thread's name, state, typing flag and its newest messages
 * (bounded), plus the general feed. A page that opens later starts from {@link WebThreadBook.snapshot}.
 * @module
 */
import type { ThreadState } from '../core/types.js';
import type { ServerFrame, WebMessage, WebThread } from './protocol.js';

/** Messages kept per thread (and in the general feed). @defaultValue 500 */
export const DEFAULT_HISTORY_LIMIT = 500;

interface ThreadEntry {
  thread: WebThread;
  messages: WebMessage[];
}

/** The page's view of every thread. */
export class WebThreadBook {
  readonly #limit: number;
  readonly #threads = new Map<string, ThreadEntry>();
  readonly #general: WebMessage[] = [];

  /** @param limit - messages kept per thread. */
  constructor(limit = DEFAULT_HISTORY_LIMIT) {
    this.#limit = Math.max(1, limit);
  }

  /** Add a thread (or return the known one). */
  ensureThread(id: string, name: string, directory?: string): WebThread {
    const known = this.#threads.get(id);
    if (known) return known.thread;
    const thread: WebThread = {
      id,
      name,
      state: null,
      typing: false,
      ...(directory !== undefined ? { directory } : {}),
    };
    this.#threads.set(id, { thread, messages: [] });
    return thread;
  }

  /** Forget a thread and its messages. */
  removeThread(id: string): boolean {
    return this.#threads.delete(id);
  }

  /** The thread's summary, or undefined. */
  thread(id: string): WebThread | undefined {
    return this.#threads.get(id)?.thread;
  }

  /** Set a thread's state; returns the updated summary. */
  setState(id: string, state: ThreadState): WebThread | undefined {
    const entry = this.#threads.get(id);
    if (!entry) return undefined;
    entry.thread = { ...entry.thread, state };
    return entry.thread;
  }

  /** Set a thread's typing flag; returns true when it changed. */
  setTyping(id: string, typing: boolean): boolean {
    const entry = this.#threads.get(id);
    if (!entry || entry.thread.typing === typing) return false;
    entry.thread = { ...entry.thread, typing };
    return true;
  }

  /** Append a message to its thread (or the general feed), dropping the oldest past the limit. */
  append(message: WebMessage): void {
    const list = this.#list(message.threadId);
    if (!list) return;
    list.push(message);
    if (list.length > this.#limit) list.splice(0, list.length - this.#limit);
  }

  /** Replace a message's content; returns the updated message, or undefined when it is no longer kept. */
  edit(
    threadId: string | null,
    id: string,
    change: Pick<WebMessage, 'html' | 'buttons'>,
  ): WebMessage | undefined {
    const list = this.#list(threadId);
    const index = list ? list.findIndex((m) => m.id === id) : -1;
    const current = list?.[index];
    if (!list || !current) return undefined;
    const updated = { ...current, ...change };
    list[index] = updated;
    return updated;
  }

  /** Messages of a thread (`null`: the general feed), oldest first. */
  messages(threadId: string | null): readonly WebMessage[] {
    return this.#list(threadId) ?? [];
  }

  /** Everything a newly opened page needs. */
  snapshot(): Extract<ServerFrame, { type: 'snapshot' }> {
    return {
      type: 'snapshot',
      threads: [...this.#threads.values()].map((e) => ({ ...e.thread, messages: [...e.messages] })),
      general: [...this.#general],
    };
  }

  #list(threadId: string | null): WebMessage[] | undefined {
    return threadId === null ? this.#general : this.#threads.get(threadId)?.messages;
  }
}
