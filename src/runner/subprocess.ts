// Over 400 lines: one runner — spawning, the JSON-lines protocol, permission answers and process-group stop belong together.
/**
 * A runner for any command that speaks the JSON-lines protocol of `subprocess-protocol.ts`.
 * @module
 */

import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { basename } from 'node:path';
import { z } from 'zod';
import { readAgentFile } from '../core/attachments.js';
import { ConfigError } from '../core/errors.js';
import type { OutgoingFile } from '../core/outgoing-file.js';
import type { ApprovalDecision, IncomingAttachment, Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { agentEnvironment } from './agent-environment.js';
import { AgentGroupFile, endProcessGroup } from './agent-groups.js';
import { RunnerUnavailableError, UnknownSessionError } from './errors.js';
import { EventSequence } from './event-sequence.js';
import { readLines } from './line-reader.js';
import { NO_ANSWER_MESSAGE, resolutionOf } from './pending-answers.js';
import {
  type AgentMessage,
  formatRunnerMessage,
  parseAgentLine,
  type RunnerMessage,
} from './subprocess-protocol.js';
import {
  type ApprovalChoice,
  permissionModeName,
  type Runner,
  type RunnerEvents,
  type RunnerHeader,
} from './types.js';

/** Options of {@link SubprocessRunner}. */
export interface SubprocessRunnerOptions {
  /** The program to run, e.g. `node` or `/usr/local/bin/my-agent`. Not run through a shell. */
  readonly command: string;
  /** Its arguments. @defaultValue [] */
  readonly args?: readonly string[];
  /** Its working directory. @defaultValue process.cwd() */
  readonly cwd?: string;
  /** Extra environment variables, merged over `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long a stopped agent may take to exit before it gets SIGTERM (and as long again before SIGKILL). @defaultValue 3000 */
  readonly stopGraceMs?: number;
  /** Interval of `onHeartbeat`; 0 turns heartbeats off (the final one is always sent). @defaultValue 10000 */
  readonly heartbeatMs?: number;
  /** Receives errors thrown by event callbacks. @defaultValue silentLogger */
  readonly logger?: Logger;
  /**
   * A file (in the data dir) recording the agents' process groups. Groups left by a supervisor that died without
   * stopping them (e.g. SIGKILL) are ended when a runner with the same file is created. The CLI sets it.
   * @defaultValue none
   */
  readonly groupFile?: string;
}

/** The defaults of {@link SubprocessRunnerOptions} that are values. */
export const SUBPROCESS_RUNNER_DEFAULTS = {
  stopGraceMs: 3000,
  heartbeatMs: 10_000,
} as const satisfies Partial<Record<keyof SubprocessRunnerOptions, unknown>>;

interface ChildSession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly seq: EventSequence;
  /** Permission request ids the agent waits on. */
  readonly pending: Set<string>;
  readonly startedAt: number;
  readonly exited: Promise<number | null>;
  agentExitCode: number | undefined;
  exitCode: number | null | undefined;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  /** The header to show, until shown: the agent's own first `header` line fills it in (one header, not two). */
  header: RunnerHeader | undefined;
}

/** How long the default header waits for the agent's own `header` line. */
const HEADER_WAIT_MS = 1000;

/** Event callbacks a session may have queued before its agent's pipes stop being read; reading resumes at LOW. */
const EVENT_BACKLOG_HIGH = 1000;
const EVENT_BACKLOG_LOW = 100;

/**
 * Runs one child process per session and translates its JSON lines into {@link RunnerEvents}.
 * @example
 * ```ts
 * const runner = new SubprocessRunner(events, { command: 'node', args: ['examples/jsonl-agent.mjs'] });
 * await runner.start('thread-1', 'hello', ApprovalChoices.ask);
 * ```
 */
export class SubprocessRunner implements Runner {
  /** Always `subprocess`. */
  readonly runnerType = 'subprocess';
  readonly #events: RunnerEvents;
  readonly #options: SubprocessRunnerOptions;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, ChildSession>();
  #groups: AgentGroupFile | undefined;

  /**
   * @param events - Where the sessions report.
   * @param options - The command to run.
   */
  constructor(events: RunnerEvents, options: SubprocessRunnerOptions) {
    if (options.command.trim() === '')
      throw new ConfigError('SubprocessRunner needs a command, e.g. { command: "node" }');
    this.#events = events;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    if (options.groupFile !== undefined && process.platform !== 'win32') {
      this.#groups = new AgentGroupFile(options.groupFile, this.#logger);
      this.#groups.reapOrphans();
    }
  }

  /**
   * Spawn the command. Resolves once the process runs.
   * @throws RunnerUnavailableError when the command cannot be started (not found, not executable).
   */
  async start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void> {
    const running = this.#sessions.get(sessionId);
    if (running !== undefined && running.exitCode === undefined) return;
    const { command, args = [], cwd, env } = this.#options;
    const child = spawn(command, [...args], {
      cwd: cwd ?? process.cwd(),
      env: agentEnvironment({
        ...env,
        AGENT_TETHER_SESSION_ID: sessionId,
        AGENT_TETHER_PERMISSION_MODE: permissionModeName(approvalChoice),
      }),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so stop() also ends what the agent started.
      detached: process.platform !== 'win32',
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      throw new RunnerUnavailableError(
        `Could not start the agent command "${command}": ${(error as Error).message}. Check that it is installed and on PATH.`,
        { cause: error, runnerType: this.runnerType },
      );
    }
    if (child.pid !== undefined) this.#groups?.add(child.pid, sessionId);
    const session = this.#track(sessionId, child);
    session.header = { title: basename(command), approval: permissionModeName(approvalChoice) };
    // Shown with the agent's first line (merged with its `header` line if that comes first), or after a second.
    setTimeout(() => this.#showHeader(sessionId, session), HEADER_WAIT_MS).unref();
    if (prompt !== '') this.#write(session, { type: 'input', text: prompt });
  }

  /** Send `{"type":"input"}` to the agent. */
  async sendInput(sessionId: string, text: string): Promise<void> {
    this.#write(this.#running(sessionId), { type: 'input', text });
  }

  /** Send `{"type":"attachment",…}`: a person sent a file, saved at `path`. */
  async sendAttachment(sessionId: string, attachment: IncomingAttachment): Promise<void> {
    this.#write(this.#running(sessionId), {
      type: 'attachment',
      path: attachment.path,
      name: attachment.fileName,
      kind: attachment.kind,
      size: attachment.size,
      ...(attachment.mimeType !== undefined ? { mime_type: attachment.mimeType } : {}),
      ...(attachment.caption !== undefined ? { caption: attachment.caption } : {}),
    });
  }

  /** Send `{"type":"stop"}`, close stdin, and kill the process if it does not exit within `stopGraceMs`. */
  async stop(sessionId: string): Promise<number | null> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) throw new UnknownSessionError(this.runnerType, sessionId);
    if (session.exitCode !== undefined) return session.exitCode;
    this.#write(session, { type: 'stop' });
    session.child.stdin.end();
    const grace = this.#options.stopGraceMs ?? SUBPROCESS_RUNNER_DEFAULTS.stopGraceMs;
    const term = setTimeout(() => signalTree(session.child, 'SIGTERM'), grace);
    const kill = setTimeout(() => signalTree(session.child, 'SIGKILL'), grace * 2);
    try {
      return await session.exited;
    } finally {
      clearTimeout(term);
      clearTimeout(kill);
      // An agent that exits promptly on stop may leave what it started: end its whole group too.
      if (session.child.pid !== undefined) {
        await endProcessGroup(session.child.pid, Math.min(grace, 2000));
        this.#groups?.remove(session.child.pid);
      }
    }
  }

  /** Send `{"type":"permission_mode"}` to the agent. */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void {
    this.#write(this.#running(sessionId), {
      type: 'permission_mode',
      mode: permissionModeName(approvalChoice),
    });
  }

  /** Send `{"type":"permission_decision"}` for a pending request (a timeout is sent as a deny). */
  async respondToPermission(
    sessionId: string,
    requestId: string,
    decision: ApprovalDecision,
  ): Promise<boolean> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || !session.pending.delete(requestId)) return false;
    const message: RunnerMessage =
      decision.behavior === 'allow'
        ? {
            type: 'permission_decision',
            id: requestId,
            behavior: 'allow',
            ...(decision.updatedInput !== undefined ? { updated_input: decision.updatedInput } : {}),
          }
        : {
            type: 'permission_decision',
            id: requestId,
            behavior: 'deny',
            message: decision.behavior === 'timeout' ? NO_ANSWER_MESSAGE : (decision.reason ?? 'Denied'),
          };
    this.#write(session, message);
    const r = resolutionOf({ type: 'permission', decision });
    await session.seq.emit(() =>
      this.#events.onPermissionResolved(sessionId, requestId, r.resolvedBy, r.allowed, r.message),
    );
    return true;
  }

  #running(sessionId: string): ChildSession {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || session.exitCode !== undefined)
      throw new UnknownSessionError(this.runnerType, sessionId);
    return session;
  }

  #write(session: ChildSession, message: RunnerMessage): void {
    const stdin = session.child.stdin;
    if (stdin.destroyed || stdin.writableEnded) return;
    stdin.write(formatRunnerMessage(message));
  }

  #track(sessionId: string, child: ChildProcessWithoutNullStreams): ChildSession {
    let resolveExited: (code: number | null) => void = () => {};
    const session: ChildSession = {
      child,
      seq: new EventSequence(this.#logger, sessionId),
      pending: new Set(),
      startedAt: Date.now(),
      exited: new Promise((resolve) => {
        resolveExited = resolve;
      }),
      agentExitCode: undefined,
      exitCode: undefined,
      heartbeat: undefined,
      header: undefined,
    };
    this.#sessions.set(sessionId, session);
    const elapsedS = () => (Date.now() - session.startedAt) / 1000;
    const heartbeatMs = this.#options.heartbeatMs ?? SUBPROCESS_RUNNER_DEFAULTS.heartbeatMs;
    if (heartbeatMs > 0) {
      session.heartbeat = setInterval(() => {
        void session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS(), false));
      }, heartbeatMs);
      session.heartbeat.unref();
    }
    // EPIPE when the agent exits before reading everything: the exit itself is reported through 'close'.
    child.stdin.on('error', (error) =>
      this.#logger.debug({ err: error, session: sessionId }, 'agent stdin error'),
    );
    const tooLong = (stream: string) => (length: number) =>
      void session.seq.emit(() =>
        this.#events.onError(
          sessionId,
          'protocol',
          `dropped a ${stream} line of ${length} characters (too long)`,
        ),
      );
    // Back-pressure: while the session's event callbacks lag this far behind, stop reading the agent's pipes
    // (the agent blocks on a full pipe), so a flood cannot pile up in memory.
    const throttle = (stream: NodeJS.ReadableStream & { isPaused(): boolean }) =>
      stream.on('data', () => {
        if (session.seq.pending <= EVENT_BACKLOG_HIGH || stream.isPaused()) return;
        stream.pause();
        void session.seq.below(EVENT_BACKLOG_LOW).then(() => stream.resume());
      });
    throttle(child.stdout);
    throttle(child.stderr);
    readLines(
      child.stdout,
      (line) => {
        if (line.trim() === '') return;
        const parsed = parseAgentLine(line);
        if (parsed.ok) this.#handle(sessionId, session, parsed.message);
        else void session.seq.emit(() => this.#events.onError(sessionId, 'protocol', parsed.error));
      },
      tooLong('stdout'),
    );
    readLines(
      child.stderr,
      (line) => {
        this.#showHeader(sessionId, session);
        void session.seq.emit(() => this.#events.onOutput(sessionId, 'stderr', line, { kind: 'step' }));
      },
      tooLong('stderr'),
    );
    // A background process the agent started may keep the pipes open after the agent exits: stop waiting
    // for them after a grace period so the session still ends.
    child.once('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 2000).unref();
    });
    child.on('error', (error) => {
      void session.seq.emit(() => this.#events.onError(sessionId, 'spawn', error.message));
    });
    child.once('close', (code) => {
      if (session.heartbeat !== undefined) clearInterval(session.heartbeat);
      this.#showHeader(sessionId, session);
      const exitCode = session.agentExitCode ?? code;
      session.exitCode = exitCode;
      for (const requestId of session.pending) {
        void session.seq.emit(() =>
          this.#events.onPermissionResolved(sessionId, requestId, 'cancelled', false, 'The agent exited'),
        );
      }
      session.pending.clear();
      void session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS(), true));
      void session.seq
        .emit(() => this.#events.onExit(sessionId, exitCode))
        .then(() => resolveExited(exitCode));
    });
    return session;
  }

  /** Show the session's header once; `own` is the agent's `header` line, merged into the default. */
  #showHeader(sessionId: string, session: ChildSession, own?: Partial<RunnerHeader>): void {
    const header = session.header;
    if (header === undefined) return;
    session.header = undefined;
    const shown = { ...header, ...own };
    void session.seq.emit(() => this.#events.onHeader(sessionId, shown));
  }

  #handle(sessionId: string, session: ChildSession, message: AgentMessage): void {
    const events = this.#events;
    if (message.type !== 'header') this.#showHeader(sessionId, session);
    switch (message.type) {
      case 'output': {
        const options = message.kind === undefined ? {} : { kind: message.kind };
        void session.seq.emit(() => events.onOutput(sessionId, 'combined', message.text, options));
        return;
      }
      case 'permission_request': {
        if (session.pending.has(message.id)) {
          void session.seq.emit(() =>
            events.onError(
              sessionId,
              'protocol',
              `duplicate permission_request id ${JSON.stringify(message.id)}`,
            ),
          );
          return;
        }
        session.pending.add(message.id);
        const request = {
          requestId: message.id,
          toolName: message.tool,
          toolInput: message.input,
          kind: 'tool' as const,
          ...(message.description === undefined ? {} : { description: message.description }),
          ...(message.editable === true ? { editable: true } : {}),
        };
        void session.seq.emit(() => events.onPermissionRequest(sessionId, request));
        return;
      }
      case 'awaiting_input':
        void session.seq.emit(() => events.onAwaitingInput(sessionId));
        return;
      case 'metadata':
        for (const [key, value] of Object.entries(message.data)) {
          const raw = typeof value === 'string' ? value : JSON.stringify(value);
          void session.seq.emit(() => events.onMetadata(sessionId, key, value, raw ?? String(value)));
        }
        return;
      case 'header': {
        const header = {
          title: message.title,
          ...(message.model === undefined ? {} : { model: message.model }),
          ...(message.provider === undefined ? {} : { provider: message.provider }),
        };
        if (session.header !== undefined) this.#showHeader(sessionId, session, header);
        else void session.seq.emit(() => events.onHeader(sessionId, header));
        return;
      }
      case 'error':
        void session.seq.emit(() => events.onError(sessionId, 'agent', message.message));
        return;
      case 'exit':
        session.agentExitCode = message.code;
        return;
      case 'file': {
        const cwd = this.#options.cwd ?? process.cwd();
        void session.seq.emit(async () => {
          let file: OutgoingFile;
          try {
            file = readAgentFile(
              cwd,
              message.path,
              message.caption === undefined ? {} : { caption: message.caption },
            );
          } catch (error) {
            await events.onError(sessionId, 'file', error instanceof Error ? error.message : String(error));
            return;
          }
          await events.onFile?.(sessionId, file);
        });
        return;
      }
      default: {
        const unknownMessage: never = message;
        void unknownMessage;
        return;
      }
    }
  }
}

const SubprocessConfig = z.object({
  command: z.string().min(1),
  groupFile: z.string().optional(),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  stopGraceMs: z.number().int().nonnegative().optional(),
  heartbeatMs: z.number().int().nonnegative().optional(),
});

/**
 * The registry factory: validates `config` (`{ command, args?, cwd?, env?, stopGraceMs?, heartbeatMs? }`).
 * @throws ConfigError naming the bad field.
 */
export function createSubprocessRunner(
  events: RunnerEvents,
  config: Readonly<Record<string, unknown>>,
): SubprocessRunner {
  const parsed = SubprocessConfig.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `subprocess runner config is invalid at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'unknown'}. Example: { command: "node", args: ["agent.mjs"] }`,
    );
  }
  const c = parsed.data;
  return new SubprocessRunner(events, {
    command: c.command,
    ...(c.args === undefined ? {} : { args: c.args }),
    ...(c.cwd === undefined ? {} : { cwd: c.cwd }),
    ...(c.env === undefined ? {} : { env: c.env }),
    ...(c.stopGraceMs === undefined ? {} : { stopGraceMs: c.stopGraceMs }),
    ...(c.heartbeatMs === undefined ? {} : { heartbeatMs: c.heartbeatMs }),
    ...(c.groupFile === undefined ? {} : { groupFile: c.groupFile }),
  });
}

/** Signal the agent and every process in its group (falls back to the agent alone). */
function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The agent is gone; what it left behind in its group still goes.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // No such group: nothing left.
      }
    }
    return;
  }
  try {
    if (child.pid === undefined || process.platform === 'win32') throw new Error('no process group');
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
