/**
 * Auto-approve timers: per thread (all tools), per thread per tool, and per directory (for every thread
 * whose directory is inside it). Persisted in the {@link Store}; read through an injectable clock.
 * @module
 */
import path from 'node:path';
import type { Store } from '../store/types.js';
import type { Clock } from '../types.js';

/** Tools that are never auto-approved (matched as prefixes of the lower-cased tool name, as the seed does). */
export const DEFAULT_NEVER_AUTO_APPROVE: readonly string[] = ['task', 'enterplanmode', 'exitplanmode'];

/** The seed's default timer length: 30 minutes. */
export const DEFAULT_AUTO_APPROVE_MS = 30 * 60 * 1000;

/** Options of {@link AutoApproveTimers}. */
export interface AutoApproveTimersOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** How long a timer lasts. @defaultValue 30 minutes */
  readonly durationMs?: number;
  /** Tool-name prefixes never auto-approved. @defaultValue ['task', 'enterplanmode', 'exitplanmode'] */
  readonly neverAutoApprove?: readonly string[];
}

/** Normalise a directory for prefix matching: absolute, no trailing separator, `..` resolved. */
export function normaliseDirectory(directory: string): string {
  const resolved = path.resolve(directory);
  return resolved.length > 1 && resolved.endsWith(path.sep) ? resolved.slice(0, -1) : resolved;
}

/** True when `child` is `parent` or inside it (a real path-prefix match: `/a/app` is not inside `/a/ap`). */
export function isInsideDirectory(child: string, parent: string): boolean {
  const c = normaliseDirectory(child);
  const p = normaliseDirectory(parent);
  if (c === p) return true;
  return c.startsWith(p.endsWith(path.sep) ? p : p + path.sep);
}

/** Directory timers apply to every thread, so they are stored under this thread key. */
const ANY_THREAD = '*';

/** Timed auto-approval, the seed's `AutoApproveEngine`. */
export class AutoApproveTimers {
  readonly durationMs: number;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #never: readonly string[];

  constructor(options: AutoApproveTimersOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.durationMs = options.durationMs ?? DEFAULT_AUTO_APPROVE_MS;
    this.#never = (options.neverAutoApprove ?? DEFAULT_NEVER_AUTO_APPROVE).map((n) => n.toLowerCase());
  }

  /** True when the tool may never be auto-approved. */
  isNeverApproved(toolName: string): boolean {
    const norm = toolName.trim().toLowerCase();
    return this.#never.some((prefix) => norm.startsWith(prefix));
  }

  /**
   * Whether a request should be auto-approved. Returns the reason (`Allow All`, `Allow <tool>`,
   * `Allow dir <name>`) or undefined when a person must decide.
   */
  check(threadKey: string, toolName: string, directory?: string): string | undefined {
    if (this.isNeverApproved(toolName)) return undefined;
    const now = this.#clock.now();
    for (const timer of this.#store.listTimers(threadKey)) {
      if (timer.expiresAt <= now) continue;
      if (timer.scope === 'all') return 'Allow All';
      if (timer.scope === 'tool' && timer.key.toLowerCase() === toolName.toLowerCase())
        return `Allow ${toolName}`;
    }
    if (directory === undefined) return undefined;
    for (const timer of this.#store.listTimers(ANY_THREAD)) {
      if (timer.scope !== 'dir' || timer.expiresAt <= now) continue;
      if (isInsideDirectory(directory, timer.key)) {
        return `Allow dir ${path.basename(timer.key) || timer.key}`;
      }
    }
    return undefined;
  }

  /** Auto-approve every tool in the thread for the timer's duration. */
  allowAll(threadKey: string): void {
    this.#store.putTimer({ threadId: threadKey, scope: 'all', key: '', expiresAt: this.#expiry() });
  }

  /** Auto-approve one tool in the thread for the timer's duration. */
  allowTool(threadKey: string, toolName: string): void {
    this.#store.putTimer({ threadId: threadKey, scope: 'tool', key: toolName, expiresAt: this.#expiry() });
  }

  /** Auto-approve every request from any thread working inside `directory`. */
  allowDirectory(directory: string): void {
    this.#store.putTimer({
      threadId: ANY_THREAD,
      scope: 'dir',
      key: normaliseDirectory(directory),
      expiresAt: this.#expiry(),
    });
  }

  /** Active timers of a thread (and directory timers), for `/status`. */
  active(threadKey: string): { scope: 'all' | 'tool' | 'dir'; key: string; remainingMs: number }[] {
    const now = this.#clock.now();
    return [...this.#store.listTimers(threadKey), ...this.#store.listTimers(ANY_THREAD)]
      .filter((t) => t.expiresAt > now)
      .map((t) => ({ scope: t.scope, key: t.key, remainingMs: t.expiresAt - now }));
  }

  /** Forget the thread's timers. */
  clearThread(threadKey: string): void {
    this.#store.deleteTimers(threadKey);
  }

  #expiry(): number {
    return this.#clock.now() + this.durationMs;
  }
}
