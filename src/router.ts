/**
 * `BridgeRouter`: show one agent session on several platforms at once. Every session has one thread per
 * bridge; output goes to all; an approval card appears on all, the first answer wins, and the other cards
 * are updated to show who decided.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Bridge } from './core/bridge.js';
import { TetherError } from './core/errors.js';
import type {
  ApprovalDecision,
  ChoiceDecision,
  Logger,
  RequestApprovalOptions,
  RequestChoiceOptions,
  ThreadId,
  ThreadState,
} from './core/types.js';
import { silentLogger } from './core/types.js';

/** One session's thread on one bridge. */
export interface RoutedThread {
  readonly bridge: Bridge;
  readonly threadId: ThreadId;
}

/** Fans a session out to several bridges. */
export class BridgeRouter {
  readonly bridges: readonly Bridge[];
  readonly #sessions = new Map<string, RoutedThread[]>();
  readonly #logger: Logger;

  /** @param bridges - one or more bridges (started or not; `start()` starts them). */
  constructor(bridges: readonly Bridge[], options: { logger?: Logger } = {}) {
    if (bridges.length === 0) throw new TetherError('CONFIG', 'BridgeRouter needs at least one bridge');
    this.bridges = bridges;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Start every bridge that is not running. */
  async start(): Promise<void> {
    await Promise.all(this.bridges.filter((b) => !b.running).map((b) => b.start()));
  }

  /** Stop every bridge. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.bridges.map((b) => b.stop()));
  }

  /** Create the session's thread on every bridge. */
  async openSession(
    sessionId: string,
    name: string,
    options: { directory?: string } = {},
  ): Promise<RoutedThread[]> {
    const threads = await Promise.all(
      this.bridges.map(async (bridge) => ({ bridge, threadId: await bridge.createThread(name, options) })),
    );
    this.#sessions.set(sessionId, threads);
    return threads;
  }

  /** Route a session to threads that already exist (e.g. restored after a restart). */
  adoptSession(sessionId: string, threads: readonly RoutedThread[]): void {
    this.#sessions.set(sessionId, [...threads]);
  }

  /** Forget a session (its threads stay on the platforms). */
  forgetSession(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  /** Whether the session is routed. */
  hasSession(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  /** The session's threads. */
  threadsOf(sessionId: string): RoutedThread[] {
    const threads = this.#sessions.get(sessionId);
    if (!threads)
      throw new TetherError('UNKNOWN_THREAD', `Unknown session "${sessionId}": call openSession() first`);
    return threads;
  }

  /** The session a thread belongs to. */
  sessionOf(bridge: Bridge, threadId: ThreadId): string | undefined {
    for (const [sessionId, threads] of this.#sessions) {
      if (threads.some((t) => t.bridge === bridge && t.threadId === threadId)) return sessionId;
    }
    return undefined;
  }

  /** Output to every platform; resolves when visible on all (rejects if one can never deliver). */
  async sendOutput(sessionId: string, text: string): Promise<void> {
    await this.#all(sessionId, (t) => t.bridge.sendOutput(t.threadId, text));
  }

  async sendStatus(sessionId: string, state: ThreadState, detail?: string): Promise<void> {
    await this.#all(sessionId, (t) => t.bridge.sendStatus(t.threadId, state, detail));
  }

  sendTyping(sessionId: string): void {
    for (const t of this.threadsOf(sessionId)) t.bridge.sendTyping(t.threadId);
  }

  stopTyping(sessionId: string): void {
    for (const t of this.threadsOf(sessionId)) t.bridge.stopTyping(t.threadId);
  }

  /**
   * Show the approval on every platform; the first answer wins and the other cards show who decided.
   * Each bridge gets its own request id (`<id>` on the first, `<id>@<platform>#<n>` on the others).
   */
  async requestApproval(sessionId: string, options: RequestApprovalOptions): Promise<ApprovalDecision> {
    return (await this.#race(sessionId, options.requestId, (t, requestId, signal) =>
      t.bridge.requestApproval(t.threadId, {
        ...options,
        requestId,
        signal: anySignal(signal, options.signal),
      }),
    )) as ApprovalDecision;
  }

  /** Show the choice on every platform; the first answer wins. */
  async requestChoice(sessionId: string, options: RequestChoiceOptions): Promise<ChoiceDecision> {
    return (await this.#race(sessionId, options.requestId, (t, requestId, signal) =>
      t.bridge.requestChoice(t.threadId, {
        ...options,
        requestId,
        signal: anySignal(signal, options.signal),
      }),
    )) as ChoiceDecision;
  }

  async #race(
    sessionId: string,
    baseId: string | undefined,
    ask: (
      t: RoutedThread,
      requestId: string,
      signal: AbortSignal,
    ) => Promise<ApprovalDecision | ChoiceDecision>,
  ): Promise<ApprovalDecision | ChoiceDecision> {
    const threads = this.threadsOf(sessionId);
    const base = baseId ?? randomUUID();
    const ids = threads.map((t, i) => (i === 0 ? base : `${base}@${t.bridge.platform}#${i}`));
    const controllers = threads.map(() => new AbortController());
    const asks = threads.map((t, i) =>
      ask(t, ids[i] ?? base, controllers[i]?.signal ?? new AbortController().signal).then((d) => ({ d, i })),
    );
    // The first answer from any platform wins; a platform that fails to show the card does not block the others.
    const first = await Promise.any(asks).catch((error: unknown) => {
      throw error instanceof AggregateError ? (error.errors[0] as Error) : error;
    });
    if (threads.length > 1) {
      await Promise.allSettled(
        threads.map((t, i) => (i === first.i ? undefined : t.bridge.resolveRequest(ids[i] ?? base, first.d))),
      );
    }
    for (const rest of asks)
      rest.catch((error: unknown) => this.#logger.warn({ err: error }, 'routed request failed'));
    return first.d;
  }

  async #all(sessionId: string, send: (t: RoutedThread) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(this.threadsOf(sessionId).map(send));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && results.every((r) => r.status === 'rejected')) throw failed.reason;
    if (failed) this.#logger.warn({ err: failed.reason, sessionId }, 'one platform could not deliver');
  }
}

function anySignal(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}
