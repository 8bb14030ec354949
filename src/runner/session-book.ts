/**
 * The session bookkeeping every process-backed runner (Codex, ACP) shares: which sessions exist, which are
 * running, stopping one (exactly once: its waiting permission requests are cancelled) and answering a waiting
 * permission request exactly once.
 * @module
 */
import type { ApprovalDecision } from '../core/types.js';
import { UnknownSessionError } from './errors.js';
import type { PendingAnswers } from './pending-answers.js';

/** What the book needs of a session. */
export interface BookedSession {
  /** The permission requests the session waits on. */
  readonly pending: PendingAnswers;
  /** Set by `beginStop`; a stopping session takes no more input. */
  stopping: boolean;
  /** Undefined while the process runs; its exit code (or null) once it ended. */
  exitCode: number | null | undefined;
}

/** The sessions of one runner, by the supervisor's session id. */
export class SessionBook<S extends BookedSession> {
  readonly #sessions = new Map<string, S>();

  /** @param runnerType - the runner's type, named in errors. */
  constructor(readonly runnerType: string) {}

  /** Remember a new session (replacing one that ended). */
  add(sessionId: string, session: S): void {
    this.#sessions.set(sessionId, session);
  }

  /** True while `sessionId`'s process runs (a second `start()` is then a no-op). */
  isAlive(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    return session !== undefined && session.exitCode === undefined;
  }

  /**
   * The running session that can take input.
   * @throws UnknownSessionError when it does not exist, ended, or is stopping.
   */
  running(sessionId: string): S {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || session.exitCode !== undefined || session.stopping)
      throw new UnknownSessionError(this.runnerType, sessionId);
    return session;
  }

  /**
   * Start stopping a session: it is marked stopping and its waiting permission requests are cancelled.
   * @returns `{ exitCode }` when it had already ended (nothing to do), else `{ session }` to wind down.
   * @throws UnknownSessionError when the session was never started.
   */
  beginStop(
    sessionId: string,
    reason: string,
  ): { readonly exitCode: number | null } | { readonly session: S } {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) throw new UnknownSessionError(this.runnerType, sessionId);
    if (session.exitCode !== undefined) return { exitCode: session.exitCode };
    session.stopping = true;
    session.pending.cancelAll(reason);
    return { session };
  }

  /** Answer a waiting permission request: true if this answer settled it (exactly once). */
  respondToPermission(sessionId: string, requestId: string, decision: ApprovalDecision): boolean {
    return (
      this.#sessions.get(sessionId)?.pending.settle(requestId, { type: 'permission', decision }) ?? false
    );
  }
}
