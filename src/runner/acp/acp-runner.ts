// Over 400 lines: one ACP runner; its session bookkeeping, shared in shape with codex-runner.ts, is still to be extracted (issue 12).
/**
 * `AcpRunner`: supervises any agent that speaks the Agent Client Protocol over stdio (`gemini --acp`,
 * `opencode acp`, `goose acp`, …), as an ACP client built on `@agentclientprotocol/sdk`. Over 400 lines because
 * it is one session life cycle (start, prompt turns, updates, permissions, stop, exit) kept in one class; the
 * translations live in `acp-mapping.ts`.
 * @module
 */

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Readable, Writable } from 'node:stream';
import {
  type ClientConnection,
  client,
  methods,
  ndJsonStream,
  PROTOCOL_VERSION,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
} from '@agentclientprotocol/sdk';
import { ConfigError, TetherError } from '../../core/errors.js';
import { rejectAfter } from '../../core/lifecycle.js';
import type { ApprovalDecision, Logger } from '../../core/types.js';
import { silentLogger } from '../../core/types.js';
import { activityLine } from '../activity-line.js';
import { mergedAgentEnvironment } from '../agent-environment.js';
import { RunnerUnavailableError } from '../errors.js';
import { EventSequence } from '../event-sequence.js';
import { PendingAnswers, resolutionOf } from '../pending-answers.js';
import { SessionBook } from '../session-book.js';
import {
  type ApprovalChoice,
  permissionModeName,
  type Runner,
  type RunnerEvents,
  type RunnerPermissionRequest,
} from '../types.js';
import {
  acpAnswerFor,
  activityDetailOf,
  agentOptionsOf,
  cardInputOf,
  formatPlan,
  toolNameOf,
} from './acp-mapping.js';

/** Options of {@link AcpRunner}. */
export interface AcpRunnerOptions {
  /** The agent program, e.g. `gemini`. Not run through a shell. */
  readonly command: string;
  /** Its arguments, e.g. `['--acp']`. @defaultValue [] */
  readonly args?: readonly string[];
  /** The agent's working directory (also the ACP session's `cwd`). @defaultValue process.cwd() */
  readonly cwd?: string;
  /** Extra environment, merged over `process.env` (chat tokens are never passed); `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** End the session after the first prompt turn: exit code 0, or 1 if the turn was refused. @defaultValue false */
  readonly oneShot?: boolean;
  /** How long the agent may take to answer `initialize` and `session/new`. @defaultValue 60000 */
  readonly startTimeoutMs?: number;
  /** Interval of `onHeartbeat` while a turn runs; 0 turns them off. @defaultValue 10000 */
  readonly heartbeatMs?: number;
  /** How long `stop()` waits for the turn to end and the agent to exit before SIGTERM (then as long before SIGKILL). @defaultValue 5000 */
  readonly stopGraceMs?: number;
  /** Receives the agent's stderr (debug) and errors thrown by event callbacks. @defaultValue silentLogger */
  readonly logger?: Logger;
}

/** The defaults of {@link AcpRunnerOptions} that are values. */
export const ACP_RUNNER_DEFAULTS = {
  startTimeoutMs: 60_000,
  heartbeatMs: 10_000,
  stopGraceMs: 5000,
} as const satisfies Partial<Record<keyof AcpRunnerOptions, unknown>>;

interface AcpSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: ClientConnection;
  readonly seq: EventSequence;
  readonly pending: PendingAnswers;
  readonly exited: Promise<number | null>;
  acpSessionId: string;
  /** Agent text not shown yet (chunks are joined until something else happens). */
  text: string;
  turnActive: boolean;
  /** Texts to send as the next prompt, once the running turn ends. */
  queued: string[];
  turnStartedAt: number | undefined;
  lastTurnRefused: boolean;
  stopping: boolean;
  exitCode: number | null | undefined;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

/**
 * Runs ACP agents, one process and one ACP session per supervised session. Message chunks become output,
 * tool calls activity lines, plans a formatted plan; `session/request_permission` becomes `onPermissionRequest`
 * with the agent's own options, answered with `respondToPermission`. The client offers no file-system or
 * terminal capabilities: the agent uses its own tools, and asks before running them.
 * @example
 * ```ts
 * const runner = new AcpRunner(events, { command: 'gemini', args: ['--acp'], cwd: '/path/to/repo' });
 * await runner.start('thread-1', 'Fix the failing test', ApprovalChoices.ask);
 * ```
 */
export class AcpRunner implements Runner {
  /** Always `acp`. */
  readonly runnerType = 'acp';
  readonly #events: RunnerEvents;
  readonly #o: AcpRunnerOptions;
  readonly #logger: Logger;
  readonly #sessions = new SessionBook<AcpSession>('acp');

  /**
   * @param events - Where the sessions report.
   * @param options - The agent command, its directory and environment.
   */
  constructor(events: RunnerEvents, options: AcpRunnerOptions) {
    if (options.command.trim() === '')
      throw new ConfigError('AcpRunner needs the agent command, e.g. { command: "gemini", args: ["--acp"] }');
    this.#events = events;
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Launch the agent, `initialize`, `session/new`, and send `prompt` as the first `session/prompt`.
   * @throws RunnerUnavailableError when the command cannot be started or does not speak ACP.
   */
  async start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void> {
    if (this.#sessions.isAlive(sessionId)) return;
    const { command, args = [] } = this.#o;
    const cwd = this.#o.cwd ?? process.cwd();
    const child = spawn(command, [...args], {
      cwd,
      env: mergedAgentEnvironment(this.#o.env),
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
        `Could not start the ACP agent "${[command, ...args].join(' ')}": ${(error as Error).message}. Check that it is installed and on PATH.`,
        { cause: error, runnerType: this.runnerType },
      );
    }
    const session = this.#track(sessionId, child);
    try {
      const agent = session.connection.agent;
      const limit = this.#o.startTimeoutMs ?? ACP_RUNNER_DEFAULTS.startTimeoutMs;
      const init = await answerWithin(
        'initialize',
        limit,
        agent.request(methods.agent.initialize, {
          protocolVersion: PROTOCOL_VERSION,
          clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
          clientInfo: { name: 'agent-tether', title: 'agent-tether', version: '1' },
        }),
      );
      const created = await answerWithin(
        'session/new',
        limit,
        agent.request(methods.agent.session.new, { cwd, mcpServers: [] }),
      );
      session.acpSessionId = created.sessionId;
      const info = init.agentInfo;
      const name = info?.title ?? info?.name ?? basename(command);
      await session.seq.emit(() =>
        this.#events.onHeader(sessionId, {
          title: info?.version ? `${name} ${info.version}` : name,
          provider: 'ACP',
          approval: permissionModeName(approvalChoice),
          threadId: created.sessionId,
          cwd,
        }),
      );
    } catch (error) {
      await this.#kill(session);
      throw new RunnerUnavailableError(
        `The ACP agent "${[command, ...args].join(' ')}" did not start a session: ${(error as Error).message}. Check that the command speaks ACP over stdio (e.g. gemini --acp) and is logged in.`,
        { cause: error, runnerType: this.runnerType },
      );
    }
    this.#prompt(sessionId, session, prompt);
  }

  /** Send a person's text: the next prompt, sent now when the agent is idle or once its turn ends. */
  async sendInput(sessionId: string, text: string): Promise<void> {
    const session = this.#running(sessionId);
    if (session.turnActive) session.queued.push(text);
    else this.#prompt(sessionId, session, text);
  }

  /** Cancel the turn (`session/cancel`), close the agent's input, and kill it if it does not exit. */
  async stop(sessionId: string): Promise<number | null> {
    const stopping = this.#sessions.beginStop(sessionId, 'The session was stopped');
    if ('exitCode' in stopping) return stopping.exitCode;
    const { session } = stopping;
    session.queued = [];
    const grace = this.#o.stopGraceMs ?? ACP_RUNNER_DEFAULTS.stopGraceMs;
    if (session.turnActive) {
      await session.connection.agent
        .notify(methods.agent.session.cancel, { sessionId: session.acpSessionId })
        .catch(() => undefined);
      const deadline = Date.now() + grace;
      while (session.turnActive && session.exitCode === undefined && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.#kill(session);
  }

  /** ACP agents choose their own modes; a change is reported and otherwise ignored. */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void {
    const session = this.#running(sessionId);
    void session.seq.emit(() =>
      this.#events.onError(
        sessionId,
        'acp',
        `ACP agents keep their own permission mode; ${permissionModeName(approvalChoice)} was not applied`,
      ),
    );
  }

  /** Answer a pending permission request (with one of the agent's options, or a plain allow/deny). */
  async respondToPermission(
    sessionId: string,
    requestId: string,
    decision: ApprovalDecision,
  ): Promise<boolean> {
    return this.#sessions.respondToPermission(sessionId, requestId, decision);
  }

  #running(sessionId: string): AcpSession {
    return this.#sessions.running(sessionId);
  }

  #track(sessionId: string, child: ChildProcessWithoutNullStreams): AcpSession {
    let session!: AcpSession;
    const app = client({ name: 'agent-tether' })
      .onRequest(methods.client.session.requestPermission, ({ params }) =>
        this.#onPermission(sessionId, session, params),
      )
      .onNotification(methods.client.session.update, ({ params }) =>
        this.#onUpdate(sessionId, session, params),
      );
    // EPIPE after the agent died: the close handler reports the end.
    child.stdin.on('error', () => undefined);
    const stream = ndJsonStream(
      Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
      Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
    );
    const connection = app.connect(stream);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) =>
      this.#logger.debug({ session: sessionId, stderr: chunk }, 'acp agent stderr'),
    );
    const exited = new Promise<number | null>((resolve) => {
      child.once('close', (code) => {
        void this.#ended(sessionId, session, code).then(() => resolve(session.exitCode ?? null));
      });
    });
    session = {
      child,
      connection,
      seq: new EventSequence(this.#logger, sessionId),
      pending: new PendingAnswers(),
      exited,
      acpSessionId: '',
      text: '',
      turnActive: false,
      queued: [],
      turnStartedAt: undefined,
      lastTurnRefused: false,
      stopping: false,
      exitCode: undefined,
      heartbeat: undefined,
    };
    this.#sessions.add(sessionId, session);
    this.#startHeartbeat(sessionId, session);
    return session;
  }

  async #ended(sessionId: string, session: AcpSession, code: number | null): Promise<void> {
    session.connection.close();
    session.pending.cancelAll('The agent ended');
    if (session.heartbeat !== undefined) clearInterval(session.heartbeat);
    this.#flush(sessionId, session);
    session.exitCode = this.#o.oneShot === true && session.lastTurnRefused && code === 0 ? 1 : code;
    const started = session.turnStartedAt;
    const elapsedS = started === undefined ? 0 : (Date.now() - started) / 1000;
    await session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS, true));
    await session.seq.emit(() => this.#events.onExit(sessionId, session.exitCode ?? null));
  }

  /** Run one prompt turn in the background; when it ends, send the queued input or wait for a person. */
  #prompt(sessionId: string, session: AcpSession, text: string): void {
    session.turnActive = true;
    session.turnStartedAt ??= Date.now();
    const turn = session.connection.agent.request(methods.agent.session.prompt, {
      sessionId: session.acpSessionId,
      prompt: [{ type: 'text', text }],
    });
    turn.then(
      (response) => {
        session.turnActive = false;
        this.#flush(sessionId, session);
        session.lastTurnRefused = response.stopReason === 'refusal';
        if (response.stopReason === 'refusal' || response.stopReason === 'max_tokens')
          void session.seq.emit(() =>
            this.#events.onError(sessionId, 'acp', `The agent stopped the turn: ${response.stopReason}`),
          );
        this.#turnEnded(sessionId, session);
      },
      (error: unknown) => {
        session.turnActive = false;
        this.#flush(sessionId, session);
        if (session.stopping || session.exitCode !== undefined) return;
        session.lastTurnRefused = true;
        void session.seq.emit(() => this.#events.onError(sessionId, 'acp', (error as Error).message));
        this.#turnEnded(sessionId, session);
      },
    );
  }

  #turnEnded(sessionId: string, session: AcpSession): void {
    if (session.stopping) return;
    const queued = session.queued.splice(0);
    if (queued.length > 0) {
      this.#prompt(sessionId, session, queued.join('\n\n'));
      return;
    }
    session.turnStartedAt = undefined;
    if (this.#o.oneShot === true) {
      void this.#kill(session);
      return;
    }
    void session.seq.emit(() => this.#events.onAwaitingInput(sessionId));
  }

  /** Emit the agent text gathered so far as one output. */
  #flush(sessionId: string, session: AcpSession): void {
    const text = session.text;
    session.text = '';
    if (text.trim() !== '')
      void session.seq.emit(() => this.#events.onOutput(sessionId, 'combined', text, { kind: 'final' }));
  }

  #onUpdate(sessionId: string, session: AcpSession, notification: SessionNotification): void {
    const update = notification.update;
    const step = (text: string) =>
      void session.seq.emit(() => this.#events.onOutput(sessionId, 'combined', text, { kind: 'step' }));
    switch (update.sessionUpdate) {
      case 'agent_message_chunk':
        if (update.content.type === 'text') session.text += update.content.text;
        return;
      case 'tool_call':
        this.#flush(sessionId, session);
        step(activityLine(toolNameOf(update), activityDetailOf(update)));
        return;
      case 'plan':
        this.#flush(sessionId, session);
        if (update.entries.length > 0) step(formatPlan(update.entries));
        return;
      case 'usage_update': {
        const raw = `${update.used} / ${update.size} context tokens${update.cost ? `, ${update.cost.amount} ${update.cost.currency}` : ''}`;
        void session.seq.emit(() =>
          this.#events.onMetadata(
            sessionId,
            'usage',
            { used: update.used, size: update.size, cost: update.cost },
            raw,
          ),
        );
        return;
      }
      default:
        return;
    }
  }

  async #onPermission(
    sessionId: string,
    session: AcpSession,
    params: RequestPermissionRequest,
  ): Promise<RequestPermissionResponse> {
    this.#flush(sessionId, session);
    const call = params.toolCall;
    const request: RunnerPermissionRequest = {
      requestId: `${call.toolCallId}:${randomUUID().slice(0, 8)}`,
      toolName: toolNameOf(call),
      toolInput: cardInputOf(call),
      options: agentOptionsOf(params.options),
      ...(call.title ? { description: call.title } : {}),
    };
    const answered = session.pending.wait(request.requestId);
    if (session.stopping) session.pending.cancelAll('The session was stopped');
    await session.seq.emit(() => this.#events.onPermissionRequest(sessionId, request));
    const answer = await answered;
    const r = resolutionOf(answer);
    await session.seq.emit(() =>
      this.#events.onPermissionResolved(sessionId, request.requestId, r.resolvedBy, r.allowed, r.message),
    );
    const mapped = acpAnswerFor(answer, params.options);
    if (mapped.nextInput !== undefined && !session.stopping) session.queued.push(mapped.nextInput);
    return { outcome: mapped.outcome };
  }

  #startHeartbeat(sessionId: string, session: AcpSession): void {
    const every = this.#o.heartbeatMs ?? ACP_RUNNER_DEFAULTS.heartbeatMs;
    if (every <= 0) return;
    session.heartbeat = setInterval(() => {
      const started = session.turnStartedAt;
      if (started === undefined) return;
      void session.seq.emit(() => this.#events.onHeartbeat(sessionId, (Date.now() - started) / 1000, false));
    }, every);
    session.heartbeat.unref();
  }

  /** Close the agent's input, then SIGTERM and SIGKILL its process group if it does not exit. */
  async #kill(session: AcpSession): Promise<number | null> {
    session.stopping = true;
    session.child.stdin.end();
    const grace = this.#o.stopGraceMs ?? ACP_RUNNER_DEFAULTS.stopGraceMs;
    const term = setTimeout(() => signalTree(session.child, 'SIGTERM'), grace);
    const kill = setTimeout(() => signalTree(session.child, 'SIGKILL'), grace * 2);
    try {
      return await session.exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
    }
  }
}

/** Split an agent command line such as `gemini --acp` or `"my agent" --flag 'a b'` (quotes group; no shell). */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/** The promise's value, or an error naming `method` when the agent has not answered within `ms`. */
function answerWithin<T>(method: string, ms: number, promise: Promise<T>): Promise<T> {
  return rejectAfter(
    promise,
    ms,
    () => new TetherError('NETWORK', `no answer to ${method} within ${ms / 1000} s`),
  );
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
