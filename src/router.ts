/**
 * `BridgeRouter`: show one agent session on several platforms at once. Every session has one thread per
 * bridge; output goes to all; an approval card appears on all, the first answer wins, and the other cards
 * are updated to show who decided.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Bridge } from './core/bridge.js';
import { TetherError } from './core/errors.js';
import type { OutgoingFile } from './core/outgoing-file.js';
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

/** Escalation: some bridges are only asked once a request has waited `afterMs` unanswered elsewhere. */
export interface RouterEscalation {
  /** The bridges asked later (they still get output, statuses and cards' updates like the others). */
  readonly to: readonly Bridge[];
  /** How long the other platforms have to answer first. */
  readonly afterMs: number;
  /**
   * People called by name once a request has waited `afterMs`: a new message in the session's thread on their
   * bridge mentions them (a real mention on Discord, Slack and Telegram). Works with or without `to`.
   * @example [{ bridge: discord, userId: '123456789012345678' }]
   */
  readonly notify?: readonly { readonly bridge: Bridge; readonly userId: string }[];
}

/** Options of {@link BridgeRouter}. */
export interface BridgeRouterOptions {
  readonly logger?: Logger;
  /**
   * Escalate unanswered approvals and choices to other platforms: their card appears only after
   * `afterMs` (on the first bridge's clock), and only if nobody answered yet.
   * @example { to: [discord], afterMs: 10 * 60_000 }
   */
  readonly escalation?: RouterEscalation;
}

/** Fans a session out to several bridges. */
export class BridgeRouter {
  readonly bridges: readonly Bridge[];
  readonly #sessions = new Map<string, RoutedThread[]>();
  readonly #logger: Logger;
  readonly #escalation: RouterEscalation | undefined;

  /** Threads made for sessions whose opening failed on another platform, kept for the next try. */
  readonly #opening = new Map<string, Map<Bridge, ThreadId>>();

  /** @param bridges - one or more bridges (started or not; `start()` starts them). */
  constructor(bridges: readonly Bridge[], options: BridgeRouterOptions = {}) {
    if (bridges.length === 0) throw new TetherError('CONFIG', 'BridgeRouter needs at least one bridge');
    const escalation = options.escalation;
    if (
      escalation &&
      (escalation.to.some((b) => !bridges.includes(b)) ||
        escalation.to.length >= bridges.length ||
        escalation.notify?.some((n) => !bridges.includes(n.bridge)))
    ) {
      throw new TetherError(
        'CONFIG',
        "BridgeRouter escalation: `to` must list some of the router's bridges, leaving at least one to ask first, and `notify` only people on the router's bridges",
      );
    }
    this.bridges = bridges;
    this.#logger = options.logger ?? silentLogger;
    this.#escalation = escalation;
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
    // When one platform fails, the threads the others made are kept for the next try: opening the session again
    // (a retried event) makes no second thread where the first succeeded.
    const made = this.#opening.get(sessionId) ?? new Map<Bridge, ThreadId>();
    this.#opening.set(sessionId, made);
    const results = await Promise.allSettled(
      this.bridges.map(async (bridge) => {
        const threadId = made.get(bridge) ?? (await bridge.createThread(name, options));
        made.set(bridge, threadId);
        return { bridge, threadId };
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    this.#opening.delete(sessionId);
    const threads = results.map((r) => (r as PromiseFulfilledResult<RoutedThread>).value);
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
    this.#opening.delete(sessionId);
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

  /**
   * Output to every platform; resolves when every platform that can deliver shows it. Rejects only when no
   * platform can deliver; a platform that fails while another delivers is logged as a warning.
   */
  async sendOutput(sessionId: string, text: string): Promise<void> {
    await this.#all(sessionId, (t) => t.bridge.sendOutput(t.threadId, text));
  }

  /** A file (document or photo) to every platform; fails like {@link BridgeRouter.sendOutput}. */
  async sendFile(sessionId: string, file: OutgoingFile): Promise<void> {
    await this.#all(sessionId, (t) => t.bridge.sendFile(t.threadId, file));
  }

  /** The thread's state (working, waiting, done…) on every platform; fails like {@link BridgeRouter.sendOutput}. */
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
    const escalation = this.#escalation;
    const later = (t: RoutedThread) =>
      escalation?.to.includes(t.bridge) && threads.some((other) => !escalation.to.includes(other.bridge));
    const clock = threads.find((t) => !later(t))?.bridge.clock;
    const pendingEscalations: { handle: unknown; clock: NonNullable<typeof clock> }[] = [];
    const asks = threads.map((t, i) => {
      const start = () =>
        ask(t, ids[i] ?? base, controllers[i]?.signal ?? new AbortController().signal).then((d) => ({
          d,
          i,
        }));
      if (!later(t) || !clock || !escalation) return start();
      // Asked only if nobody answered elsewhere in time; until then this platform shows no card.
      return new Promise<{ d: ApprovalDecision | ChoiceDecision; i: number }>((resolve, reject) => {
        const handle = clock.setTimeout(() => {
          this.#logger.info({ platform: t.bridge.platform, sessionId }, 'escalating an unanswered request');
          start().then(resolve, reject);
        }, escalation.afterMs);
        pendingEscalations.push({ handle, clock });
      });
    });
    const notify = escalation?.notify ?? [];
    if (clock && escalation && notify.length > 0) {
      const handle = clock.setTimeout(() => {
        const minutes = Math.round(escalation.afterMs / 60_000);
        for (const { bridge, userId } of notify) {
          const thread = threads.find((t) => t.bridge === bridge);
          if (!thread) continue;
          bridge
            .notifyPerson(
              thread.threadId,
              userId,
              `🔔 A request in this session has waited ${minutes} min without an answer: please have a look.`,
            )
            .catch((error: unknown) =>
              this.#logger.warn({ err: error, sessionId }, 'could not call a person'),
            );
        }
      }, escalation.afterMs);
      pendingEscalations.push({ handle, clock });
    }
    // The first answer from any platform wins; a platform that fails to show the card does not block the others.
    const first = await Promise.any(asks)
      .catch((error: unknown) => {
        for (const controller of controllers) controller.abort();
        throw error instanceof AggregateError ? (error.errors[0] as Error) : error;
      })
      .finally(() => {
        for (const { handle, clock: c } of pendingEscalations) c.clearTimeout(handle);
      });
    if (threads.length > 1) {
      await Promise.allSettled(
        threads.map((t, i) => (i === first.i ? undefined : t.bridge.resolveRequest(ids[i] ?? base, first.d))),
      );
    }
    // Every copy is settled now: release each platform's signal (and its listener on the caller's signal).
    for (const controller of controllers) controller.abort();
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
