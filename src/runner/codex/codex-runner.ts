// Over 400 lines: one Codex app-server runner; its session bookkeeping, shared in shape with acp-runner.ts, is still to be extracted (issue 12).
/**
 * `CodexRunner`: drives the Codex CLI through `codex app-server` (JSON-RPC over stdio), the only Codex
 * interface with mid-run approvals. Over 400 lines because it is one session life cycle (start, turns, steer,
 * approvals, stop, exit) kept in one class; the protocol, the mappings and the item events live beside it.
 * @module
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rejectAfter, settleWithin } from '../../core/lifecycle.js';
import type { ApprovalDecision, Logger } from '../../core/types.js';
import { silentLogger } from '../../core/types.js';
import { mergedAgentEnvironment } from '../agent-environment.js';
import { RunnerUnavailableError } from '../errors.js';
import { EventSequence } from '../event-sequence.js';
import { PendingAnswers, resolutionOf } from '../pending-answers.js';
import { SessionBook } from '../session-book.js';
import type { ApprovalChoice, Runner, RunnerEvents, RunnerPermissionRequest } from '../types.js';
import { codexAnswerFor, codexPolicyFor, commandRequest, fileChangeRequest } from './approval-mapping.js';
import { findCodex } from './find-codex.js';
import { emitCompletedItem, emitUsage, startedLine } from './item-events.js';
import { JsonRpcConnection, JsonRpcError, METHOD_NOT_FOUND } from './json-rpc.js';
import type {
  AskForApproval,
  CommandExecutionRequestApprovalParams,
  FileChangeRequestApprovalParams,
  InitializeResponse,
  SandboxMode,
  ServerNotification,
  ThreadItem,
  ThreadStartResponse,
  TurnStartParams,
  UserInput,
} from './protocol.js';

/** Options of {@link CodexRunner}. */
export interface CodexRunnerOptions {
  /** The agent's working directory. @defaultValue process.cwd() */
  readonly cwd?: string;
  /**
   * Extra environment for Codex, merged over `process.env` (chat tokens are never passed). A variable set to
   * `undefined` here is removed, e.g. `{ OPENAI_API_KEY: undefined, CODEX_HOME: '/tmp/codex-home' }`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The model. @defaultValue Codex's configured model */
  readonly model?: string;
  /** The Codex executable. @defaultValue the installed `@openai/codex` binary, else `codex` on PATH */
  readonly codexPath?: string;
  /** Override the sandbox that the permission mode picks (see {@link codexPolicyFor}). */
  readonly sandbox?: SandboxMode;
  /** End the session after the first turn (like `codex exec`): exit code 0, or 1 if the turn failed. @defaultValue false */
  readonly oneShot?: boolean;
  /** Keep the thread out of Codex's history (`ephemeral`). @defaultValue true */
  readonly ephemeral?: boolean;
  /** Interval of `onHeartbeat` while a turn runs; 0 turns them off. @defaultValue 10000 */
  readonly heartbeatMs?: number;
  /** How long `stop()` waits for Codex to end before SIGTERM (and as long again before SIGKILL). @defaultValue 5000 */
  readonly stopGraceMs?: number;
  /** How long Codex may take to answer `initialize` and `thread/start`. @defaultValue 60000 */
  readonly startTimeoutMs?: number;
  /** Receives Codex's stderr (debug) and errors thrown by event callbacks. @defaultValue silentLogger */
  readonly logger?: Logger;
}

/** The defaults of {@link CodexRunnerOptions} that are values. */
export const CODEX_RUNNER_DEFAULTS = {
  heartbeatMs: 10_000,
  stopGraceMs: 5000,
  startTimeoutMs: 60_000,
} as const satisfies Partial<Record<keyof CodexRunnerOptions, unknown>>;

interface CodexSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly rpc: JsonRpcConnection;
  readonly seq: EventSequence;
  readonly pending: PendingAnswers;
  /** Items in progress (file changes are shown on their approval card). */
  readonly items: Map<string, ThreadItem>;
  readonly exited: Promise<number | null>;
  threadId: string;
  turnId: string | undefined;
  approvalPolicy: AskForApproval;
  /** Texts to send as the next turn, once the running one ends. */
  queued: string[];
  turnStartedAt: number | undefined;
  lastTurnFailed: boolean;
  stopping: boolean;
  exitCode: number | null | undefined;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

const CLIENT_INFO = { name: 'agent-tether', title: 'agent-tether', version: '1' } as const;

/**
 * Runs Codex sessions, one `codex app-server` process each. Agent text, commands, file changes, plans and
 * token usage become {@link RunnerEvents}; command and file-change approvals become `onPermissionRequest`
 * and wait for `respondToPermission`. `@openai/codex` is an optional peer dependency.
 * @example
 * ```ts
 * const runner = new CodexRunner(events, { cwd: '/path/to/repo' });
 * await runner.start('thread-1', 'Fix the failing test', ApprovalChoices.ask);
 * ```
 */
export class CodexRunner implements Runner {
  /** Always `codex`. */
  readonly runnerType = 'codex';
  readonly #events: RunnerEvents;
  readonly #o: CodexRunnerOptions;
  readonly #logger: Logger;
  readonly #sessions = new SessionBook<CodexSession>('codex');

  /**
   * @param events - Where the sessions report.
   * @param options - Working directory, environment, model, where Codex is.
   */
  constructor(events: RunnerEvents, options: CodexRunnerOptions = {}) {
    this.#events = events;
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Start `codex app-server`, open a thread and start the first turn with `prompt`.
   * @throws RunnerUnavailableError when Codex is not installed or does not start.
   */
  async start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void> {
    if (this.#sessions.isAlive(sessionId)) return;
    const env = codexEnvironment(this.#o.env);
    const command = findCodex(this.#o.codexPath, env);
    const cwd = this.#o.cwd ?? process.cwd();
    const child = spawn(command, ['app-server'], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      throw new RunnerUnavailableError(
        `Could not start Codex (${command} app-server): ${(error as Error).message}. Reinstall it with npm install @openai/codex`,
        { cause: error, runnerType: this.runnerType },
      );
    }
    const session = this.#track(sessionId, child, codexPolicyFor(approvalChoice).approvalPolicy);
    try {
      const policy = codexPolicyFor(approvalChoice);
      const limit = this.#o.startTimeoutMs ?? CODEX_RUNNER_DEFAULTS.startTimeoutMs;
      // A Codex that started but never answers (a broken config, a prompt it waits on) must not hang the start.
      const within = <T>(method: string, answer: Promise<T>): Promise<T> =>
        rejectAfter(
          answer,
          limit,
          () =>
            new RunnerUnavailableError(
              `Codex did not answer ${method} within ${limit / 1000} s. Run \`codex app-server\` by hand to see why (config.toml, login).`,
              { runnerType: this.runnerType },
            ),
        );
      const init = await within(
        'initialize',
        session.rpc.request<InitializeResponse>('initialize', {
          clientInfo: CLIENT_INFO,
          capabilities: { experimentalApi: false },
        }),
      );
      session.rpc.notify('initialized');
      const thread = await within(
        'thread/start',
        session.rpc.request<ThreadStartResponse>('thread/start', {
          cwd,
          approvalPolicy: policy.approvalPolicy,
          sandbox: this.#o.sandbox ?? policy.sandbox,
          ephemeral: this.#o.ephemeral ?? true,
          ...(this.#o.model === undefined ? {} : { model: this.#o.model }),
        }),
      );
      session.threadId = thread.thread.id;
      const version = /\/(\d+\.\d+\.\d+[^\s]*)/.exec(init.userAgent)?.[1];
      await session.seq.emit(() =>
        this.#events.onHeader(sessionId, {
          title: version === undefined ? 'Codex' : `Codex ${version}`,
          model: thread.model,
          provider: thread.modelProvider,
          sandbox: thread.sandbox.type,
          approval: typeof thread.approvalPolicy === 'string' ? thread.approvalPolicy : 'granular',
          threadId: thread.thread.id,
          cwd: thread.cwd,
        }),
      );
      await this.#startTurn(session, prompt);
    } catch (error) {
      this.#kill(session);
      await session.exited;
      if (error instanceof JsonRpcError)
        throw new RunnerUnavailableError(
          `Codex did not start a session: ${error.message}. Run \`codex app-server\` by hand to see why (config.toml, login).`,
          { cause: error, runnerType: this.runnerType },
        );
      throw error;
    }
  }

  /** Send a person's text: into the running turn (`turn/steer`), or as a new turn when Codex is idle. */
  async sendInput(sessionId: string, text: string): Promise<void> {
    const session = this.#running(sessionId);
    await this.#deliver(sessionId, session, text);
  }

  /** Interrupt the running turn (`turn/interrupt`), close Codex's input, and kill it if it does not exit. */
  async stop(sessionId: string): Promise<number | null> {
    const stopping = this.#sessions.beginStop(sessionId, 'The session was stopped');
    if ('exitCode' in stopping) return stopping.exitCode;
    const { session } = stopping;
    const grace = this.#o.stopGraceMs ?? CODEX_RUNNER_DEFAULTS.stopGraceMs;
    const turnId = session.turnId;
    if (turnId !== undefined) {
      await settleWithin(
        session.rpc.request('turn/interrupt', { threadId: session.threadId, turnId }).catch(() => undefined),
        grace,
      );
    }
    session.child.stdin.end();
    const term = setTimeout(() => signalTree(session.child, 'SIGTERM'), grace);
    const kill = setTimeout(() => signalTree(session.child, 'SIGKILL'), grace * 2);
    try {
      return await session.exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
    }
  }

  /** Use the approval policy of `approvalChoice` from the next turn on (the sandbox stays as started). */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void {
    this.#running(sessionId).approvalPolicy = codexPolicyFor(approvalChoice).approvalPolicy;
  }

  /** Answer a pending command or file-change approval. */
  async respondToPermission(
    sessionId: string,
    requestId: string,
    decision: ApprovalDecision,
  ): Promise<boolean> {
    return this.#sessions.respondToPermission(sessionId, requestId, decision);
  }

  #running(sessionId: string): CodexSession {
    return this.#sessions.running(sessionId);
  }

  #track(
    sessionId: string,
    child: ChildProcessWithoutNullStreams,
    approvalPolicy: AskForApproval,
  ): CodexSession {
    const seq = new EventSequence(this.#logger, sessionId);
    let session!: CodexSession;
    const rpc = new JsonRpcConnection(child.stdout, child.stdin, {
      onNotification: (method, params) => this.#onNotification(sessionId, session, method, params),
      onRequest: (method, params) => this.#onServerRequest(sessionId, session, method, params),
      onProtocolError: (message) =>
        void seq.emit(() => this.#events.onError(sessionId, 'protocol', `Codex sent ${message}`)),
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) =>
      this.#logger.debug({ session: sessionId, stderr: chunk }, 'codex stderr'),
    );
    const exited = new Promise<number | null>((resolve) => {
      child.once('close', (code) => {
        void this.#ended(sessionId, session, code).then(() => resolve(session.exitCode ?? null));
      });
    });
    session = {
      child,
      rpc,
      seq,
      pending: new PendingAnswers(),
      items: new Map(),
      exited,
      threadId: '',
      turnId: undefined,
      approvalPolicy,
      queued: [],
      turnStartedAt: undefined,
      lastTurnFailed: false,
      stopping: false,
      exitCode: undefined,
      heartbeat: undefined,
    };
    this.#sessions.add(sessionId, session);
    this.#startHeartbeat(sessionId, session);
    return session;
  }

  async #ended(sessionId: string, session: CodexSession, code: number | null): Promise<void> {
    session.rpc.close('Codex ended');
    session.pending.cancelAll('Codex ended');
    if (session.heartbeat !== undefined) clearInterval(session.heartbeat);
    const failedOneShot = this.#o.oneShot === true && session.lastTurnFailed && code === 0;
    session.exitCode = failedOneShot ? 1 : code;
    const started = session.turnStartedAt;
    const elapsedS = started === undefined ? 0 : (Date.now() - started) / 1000;
    await session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS, true));
    await session.seq.emit(() => this.#events.onExit(sessionId, session.exitCode ?? null));
  }

  async #startTurn(session: CodexSession, text: string): Promise<void> {
    session.turnStartedAt ??= Date.now();
    const params: TurnStartParams = {
      threadId: session.threadId,
      input: [textInput(text)],
      approvalPolicy: session.approvalPolicy,
    };
    const { turn } = await session.rpc.request<{ turn: { id: string } }>('turn/start', params);
    session.turnId = turn.id;
  }

  /**
   * Text into the running turn if there is one (`turn/steer`, not awaited: Codex answers it only once the
   * turn moves on, e.g. after a pending approval), else a new turn.
   */
  async #deliver(sessionId: string, session: CodexSession, text: string): Promise<void> {
    const turnId = session.turnId;
    if (turnId === undefined) {
      await this.#startTurn(session, text);
      return;
    }
    session.rpc
      .request('turn/steer', { threadId: session.threadId, input: [textInput(text)], expectedTurnId: turnId })
      .catch((error: unknown) => {
        if (session.stopping || session.exitCode !== undefined) return;
        // The turn ended before Codex took the text: it starts the next one.
        if (session.turnId !== turnId) {
          if (session.turnId === undefined) void this.#startTurn(session, text).catch(() => undefined);
          else session.queued.push(text);
          return;
        }
        void session.seq.emit(() =>
          this.#events.onError(
            sessionId,
            'codex',
            `Codex did not take the message: ${(error as Error).message}`,
          ),
        );
      });
  }

  #onNotification(sessionId: string, session: CodexSession, method: string, params: unknown): void {
    const n = { method, params } as ServerNotification;
    const emit = (callback: () => unknown) => void session.seq.emit(async () => void (await callback()));
    switch (n.method) {
      case 'turn/started':
        session.turnId = n.params.turn.id;
        session.turnStartedAt ??= Date.now();
        return;
      case 'turn/completed': {
        const { turn } = n.params;
        if (session.turnId === turn.id) session.turnId = undefined;
        session.lastTurnFailed = turn.status === 'failed';
        if (turn.status === 'failed')
          emit(() => this.#events.onError(sessionId, 'codex', turn.error?.message ?? 'The turn failed'));
        this.#turnEnded(sessionId, session);
        return;
      }
      case 'item/started': {
        const { item } = n.params;
        if (item.type === 'fileChange') session.items.set(item.id, item);
        const line = startedLine(item);
        if (line !== undefined)
          emit(() => this.#events.onOutput(sessionId, 'combined', line, { kind: 'step' }));
        return;
      }
      case 'item/completed':
        session.items.delete(n.params.item.id);
        emit(() => emitCompletedItem(sessionId, this.#events, n.params.item));
        return;
      case 'thread/tokenUsage/updated':
        emit(() => emitUsage(sessionId, this.#events, n.params.tokenUsage));
        return;
      case 'error':
        if (!n.params.willRetry) emit(() => this.#events.onError(sessionId, 'codex', n.params.error.message));
        return;
      default:
        return;
    }
  }

  /** A turn ended: start the queued input, end a one-shot session, or wait for a person. */
  #turnEnded(sessionId: string, session: CodexSession): void {
    if (session.stopping) return;
    const queued = session.queued.splice(0);
    if (queued.length > 0) {
      this.#startTurn(session, queued.join('\n\n')).catch((error: unknown) => {
        void session.seq.emit(() => this.#events.onError(sessionId, 'codex', (error as Error).message));
      });
      return;
    }
    session.turnStartedAt = undefined;
    if (this.#o.oneShot === true) {
      session.stopping = true;
      session.child.stdin.end();
      return;
    }
    void session.seq.emit(() => this.#events.onAwaitingInput(sessionId));
  }

  async #onServerRequest(
    sessionId: string,
    session: CodexSession,
    method: string,
    params: unknown,
  ): Promise<unknown> {
    if (method === 'item/commandExecution/requestApproval') {
      const p = params as CommandExecutionRequestApprovalParams;
      const item = session.items.get(p.itemId);
      const request = commandRequest(
        requestIdOf(p.threadId, p.itemId, p.approvalId),
        p,
        item?.type === 'commandExecution' ? item.command : undefined,
      );
      return { decision: await this.#ask(sessionId, session, request) };
    }
    if (method === 'item/fileChange/requestApproval') {
      const p = params as FileChangeRequestApprovalParams;
      const item = session.items.get(p.itemId);
      const changes = item?.type === 'fileChange' ? item.changes : [];
      const request = fileChangeRequest(requestIdOf(p.threadId, p.itemId), p, changes);
      return { decision: await this.#ask(sessionId, session, request) };
    }
    void session.seq.emit(() =>
      this.#events.onError(
        sessionId,
        'codex',
        `Codex asked for "${method}", which agent-tether does not handle; the request was refused`,
      ),
    );
    throw new JsonRpcError(method, METHOD_NOT_FOUND, `agent-tether does not handle ${method}`);
  }

  /** Show the request, wait for the answer, report it; a deny reason goes to the model as input. */
  async #ask(sessionId: string, session: CodexSession, request: RunnerPermissionRequest): Promise<string> {
    const answered = session.pending.wait(request.requestId);
    if (session.stopping) session.pending.cancelAll('The session was stopped');
    await session.seq.emit(() => this.#events.onPermissionRequest(sessionId, request));
    const answer = await answered;
    const r = resolutionOf(answer);
    await session.seq.emit(() =>
      this.#events.onPermissionResolved(sessionId, request.requestId, r.resolvedBy, r.allowed, r.message),
    );
    const mapped = codexAnswerFor(answer);
    if (mapped.nextInput !== undefined && !session.stopping) {
      // Not awaited: Codex may answer the steer only after it has our decision.
      this.#deliver(sessionId, session, mapped.nextInput).catch((error: unknown) =>
        this.#logger.warn({ err: error }, 'could not send the deny reason to Codex'),
      );
    }
    return mapped.decision;
  }

  #startHeartbeat(sessionId: string, session: CodexSession): void {
    const every = this.#o.heartbeatMs ?? CODEX_RUNNER_DEFAULTS.heartbeatMs;
    if (every <= 0) return;
    session.heartbeat = setInterval(() => {
      const started = session.turnStartedAt;
      if (started === undefined) return;
      void session.seq.emit(() => this.#events.onHeartbeat(sessionId, (Date.now() - started) / 1000, false));
    }, every);
    session.heartbeat.unref();
  }

  #kill(session: CodexSession): void {
    session.stopping = true;
    session.child.stdin.end();
    signalTree(session.child, 'SIGKILL');
  }
}

/** `process.env` without chat tokens, with `extra` merged over it; `undefined` values in `extra` remove. */
export const codexEnvironment = mergedAgentEnvironment;

function textInput(text: string): UserInput {
  return { type: 'text', text, text_elements: [] };
}

/** Unique across sessions: the Codex thread id (a UUID), the item, and the sub-approval if any. */
function requestIdOf(threadId: string, itemId: string, approvalId?: string | null): string {
  return approvalId ? `${threadId}:${itemId}:${approvalId}` : `${threadId}:${itemId}`;
}

function signalTree(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    child.kill(signal);
  }
}
