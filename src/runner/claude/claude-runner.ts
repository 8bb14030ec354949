/**
 * `ClaudeRunner`: drives Claude Code through the Claude Agent SDK's `query()` with streaming input.
 * @module
 */

import type {
  CanUseTool,
  Options,
  PermissionMode,
  PermissionResult,
  Query,
  SDKUserMessage,
} from '@anthropic-ai/claude-agent-sdk';
import { settleWithin } from '../../core/lifecycle.js';
import type { ApprovalDecision, ChoiceDecision, IncomingAttachment, Logger } from '../../core/types.js';
import { silentLogger } from '../../core/types.js';
import { agentEnvironment } from '../agent-environment.js';
import { attachmentText, base64Of, imageMediaType } from '../attachment-input.js';
import { UnknownSessionError } from '../errors.js';
import { EventSequence } from '../event-sequence.js';
import { type PendingAnswer, PendingAnswers, resolutionOf } from '../pending-answers.js';
import {
  type ApprovalChoice,
  permissionModeName,
  type Runner,
  type RunnerEvents,
  type RunnerPermissionRequest,
} from '../types.js';
import { InputQueue } from './input-queue.js';
import { type ClaudeAgentSdk, loadClaudeAgentSdk } from './load-sdk.js';
import { emitSdkMessage, type MessageEventsState, type MessageOutcome } from './message-events.js';
import {
  denyMessage,
  permissionResultFor,
  planOf,
  questionResultFor,
  questionsOf,
} from './permission-result.js';

/** Options of {@link ClaudeRunner}. */
export interface ClaudeRunnerOptions {
  /** The agent's working directory. @defaultValue process.cwd() */
  readonly cwd?: string;
  /** Extra environment for Claude Code, merged over `process.env` (e.g. `ANTHROPIC_BASE_URL`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The model. @defaultValue Claude Code's default */
  readonly model?: string;
  /** End the session after the first turn (like `claude -p`): exit code 0, or 1 if the turn failed. @defaultValue false */
  readonly oneShot?: boolean;
  /** Interval of `onHeartbeat` while a turn runs; 0 turns them off. @defaultValue 10000 */
  readonly heartbeatMs?: number;
  /** How long `stop()` waits for Claude Code to end before aborting it. @defaultValue 5000 */
  readonly stopGraceMs?: number;
  /** Any other Agent SDK options (e.g. `allowedTools`, `systemPrompt`, `pathToClaudeCodeExecutable`). */
  readonly sdkOptions?: Omit<
    Options,
    'canUseTool' | 'abortController' | 'cwd' | 'env' | 'model' | 'permissionMode'
  >;
  /** Loads the SDK. @defaultValue dynamic import of `@anthropic-ai/claude-agent-sdk` */
  readonly loadSdk?: () => Promise<ClaudeAgentSdk>;
  /** Receives errors thrown by event callbacks. @defaultValue silentLogger */
  readonly logger?: Logger;
}

/** The defaults of {@link ClaudeRunnerOptions} that are values. */
export const CLAUDE_RUNNER_DEFAULTS = { heartbeatMs: 10_000, stopGraceMs: 5000 } as const satisfies Partial<
  Record<keyof ClaudeRunnerOptions, unknown>
>;

interface ClaudeSession {
  readonly input: InputQueue<SDKUserMessage>;
  readonly pending: PendingAnswers;
  readonly seq: EventSequence;
  readonly abort: AbortController;
  readonly state: MessageEventsState;
  query: Query | undefined;
  done: Promise<void>;
  exitCode: number | null | undefined;
  turnStartedAt: number | undefined;
  lastTurnFailed: boolean;
  heartbeat: ReturnType<typeof setInterval> | undefined;
}

const STOPPED = 'The session was stopped';

/**
 * Runs Claude Code sessions. Text, tool calls, usage and errors become {@link RunnerEvents}; every tool call
 * that needs permission becomes `onPermissionRequest` and waits for `respondToPermission`
 * (`AskUserQuestion` → a `question` request answered with `respondToChoice`; `ExitPlanMode` → a `plan` request).
 * The SDK is an optional peer dependency, loaded when the first session starts.
 * @example
 * ```ts
 * const runner = new ClaudeRunner(events, { cwd: '/path/to/repo' });
 * await runner.start('thread-1', 'Fix the failing test', ApprovalChoices.ask);
 * ```
 */
export class ClaudeRunner implements Runner {
  /** Always `claude`. */
  readonly runnerType = 'claude';
  readonly #events: RunnerEvents;
  readonly #options: ClaudeRunnerOptions;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, ClaudeSession>();

  /**
   * @param events - Where the sessions report.
   * @param options - Working directory, environment, model and SDK options.
   */
  constructor(events: RunnerEvents, options: ClaudeRunnerOptions = {}) {
    this.#events = events;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Start a Claude Code session with `prompt` as its first message.
   * @throws RunnerUnavailableError when the Agent SDK is not installed.
   */
  async start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void> {
    const running = this.#sessions.get(sessionId);
    if (running !== undefined && running.exitCode === undefined) return;
    const sdk = await (this.#options.loadSdk ?? loadClaudeAgentSdk)();
    const session: ClaudeSession = {
      input: new InputQueue(),
      pending: new PendingAnswers(),
      seq: new EventSequence(this.#logger, sessionId),
      abort: new AbortController(),
      state: { headerSent: false },
      query: undefined,
      done: Promise.resolve(),
      exitCode: undefined,
      turnStartedAt: Date.now(),
      lastTurnFailed: false,
      heartbeat: undefined,
    };
    this.#sessions.set(sessionId, session);
    const mode = permissionModeName(approvalChoice);
    const o = this.#options;
    session.input.push(userMessage(prompt));
    session.query = sdk.query({
      prompt: session.input,
      options: {
        ...o.sdkOptions,
        cwd: o.cwd ?? process.cwd(),
        env: agentEnvironment(o.env),
        ...(o.model === undefined ? {} : { model: o.model }),
        permissionMode: mode,
        ...(mode === 'bypassPermissions' ? { allowDangerouslySkipPermissions: true } : {}),
        abortController: session.abort,
        canUseTool: this.#canUseTool(sessionId, session),
      },
    });
    this.#startHeartbeat(sessionId, session);
    session.done = this.#consume(sessionId, session, session.query);
  }

  /** Send a follow-up message; Claude Code takes it at its next turn. */
  async sendInput(sessionId: string, text: string): Promise<void> {
    const session = this.#running(sessionId);
    session.turnStartedAt ??= Date.now();
    session.input.push(userMessage(text));
  }

  /** A person's file: an image as an image content block (with its path), any other file as its path. */
  async sendAttachment(sessionId: string, attachment: IncomingAttachment): Promise<void> {
    const session = this.#running(sessionId);
    session.turnStartedAt ??= Date.now();
    const mediaType = imageMediaType(attachment);
    if (!mediaType) {
      session.input.push(userMessage(attachmentText(attachment)));
      return;
    }
    session.input.push({
      type: 'user',
      message: {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: mediaType, data: base64Of(attachment) } },
          { type: 'text', text: attachmentText(attachment) },
        ],
      },
      parent_tool_use_id: null,
    });
  }

  /** Interrupt the turn, end the input, and abort Claude Code if it does not end within `stopGraceMs`. */
  async stop(sessionId: string): Promise<number | null> {
    const session = this.#sessions.get(sessionId);
    if (session === undefined) throw new UnknownSessionError(this.runnerType, sessionId);
    if (session.exitCode !== undefined) return session.exitCode;
    const grace = this.#options.stopGraceMs ?? CLAUDE_RUNNER_DEFAULTS.stopGraceMs;
    session.pending.cancelAll(STOPPED);
    if (session.turnStartedAt !== undefined && session.query !== undefined) {
      await settleWithin(
        session.query.interrupt().catch(() => undefined),
        grace,
      );
    }
    session.input.end();
    if ((await settleWithin(session.done, grace)).timedOut) session.abort.abort();
    await session.done;
    return session.exitCode ?? null;
  }

  /** Switch the session's permission mode (`setPermissionMode`). */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void {
    const session = this.#running(sessionId);
    const mode: PermissionMode = permissionModeName(approvalChoice);
    session.query?.setPermissionMode(mode).catch((error: unknown) => {
      void session.seq.emit(() =>
        this.#events.onError(
          sessionId,
          'claude',
          `Could not change the permission mode: ${(error as Error).message}`,
        ),
      );
    });
  }

  /** Answer a pending tool or plan request. */
  async respondToPermission(
    sessionId: string,
    requestId: string,
    decision: ApprovalDecision,
  ): Promise<boolean> {
    return (
      this.#sessions.get(sessionId)?.pending.settle(requestId, { type: 'permission', decision }) ?? false
    );
  }

  /** Answer a pending AskUserQuestion request. */
  async respondToChoice(sessionId: string, requestId: string, decision: ChoiceDecision): Promise<boolean> {
    return this.#sessions.get(sessionId)?.pending.settle(requestId, { type: 'choice', decision }) ?? false;
  }

  #running(sessionId: string): ClaudeSession {
    const session = this.#sessions.get(sessionId);
    if (session === undefined || session.exitCode !== undefined)
      throw new UnknownSessionError(this.runnerType, sessionId);
    return session;
  }

  async #consume(sessionId: string, session: ClaudeSession, query: Query): Promise<void> {
    let exitCode: number | null = 0;
    try {
      for await (const message of query) {
        const result: { outcome: MessageOutcome } = { outcome: 'none' };
        await session.seq.emit(async () => {
          result.outcome = await emitSdkMessage(sessionId, this.#events, message, session.state);
        });
        if (result.outcome !== 'none') this.#turnEnded(sessionId, session, result.outcome === 'turn-failed');
      }
      exitCode = session.lastTurnFailed && this.#options.oneShot === true ? 1 : 0;
    } catch (error) {
      if (session.abort.signal.aborted) {
        exitCode = null;
      } else {
        exitCode = 1;
        await session.seq.emit(() => this.#events.onError(sessionId, 'claude', (error as Error).message));
      }
    }
    if (session.heartbeat !== undefined) clearInterval(session.heartbeat);
    session.pending.cancelAll('Claude Code ended');
    session.exitCode = exitCode;
    const elapsedS = session.turnStartedAt === undefined ? 0 : (Date.now() - session.turnStartedAt) / 1000;
    await session.seq.emit(() => this.#events.onHeartbeat(sessionId, elapsedS, true));
    await session.seq.emit(() => this.#events.onExit(sessionId, exitCode));
  }

  /** A turn ended (its result's events are out): wait for input, or end a one-shot session. */
  #turnEnded(sessionId: string, session: ClaudeSession, failed: boolean): void {
    session.lastTurnFailed = failed;
    session.turnStartedAt = undefined;
    if (this.#options.oneShot === true) session.input.end();
    else if (!session.input.ended) void session.seq.emit(() => this.#events.onAwaitingInput(sessionId));
  }

  #startHeartbeat(sessionId: string, session: ClaudeSession): void {
    const every = this.#options.heartbeatMs ?? CLAUDE_RUNNER_DEFAULTS.heartbeatMs;
    if (every <= 0) return;
    session.heartbeat = setInterval(() => {
      const started = session.turnStartedAt;
      if (started === undefined) return;
      void session.seq.emit(() => this.#events.onHeartbeat(sessionId, (Date.now() - started) / 1000, false));
    }, every);
    session.heartbeat.unref();
  }

  #canUseTool(sessionId: string, session: ClaudeSession): CanUseTool {
    return async (toolName, input, sdk): Promise<PermissionResult> => {
      const signal = sdk.signal;
      if (toolName === 'AskUserQuestion') {
        const questions = questionsOf(input);
        const decisions: ChoiceDecision[] = [];
        for (const [i, question] of questions.entries()) {
          const requestId = questions.length > 1 ? `${sdk.toolUseID}:${i + 1}` : sdk.toolUseID;
          const answer = await this.#ask(sessionId, session, signal, {
            requestId,
            toolName,
            toolInput: input,
            kind: 'question',
            question,
          });
          if (answer.type === 'cancelled')
            return { behavior: 'deny', message: answer.reason, interrupt: true };
          if (answer.type === 'permission') {
            if (answer.decision.behavior !== 'allow') {
              return { behavior: 'deny', message: denyMessage(answer.decision, signal) };
            }
            return {
              behavior: 'deny',
              message: 'The person could not pick an answer here; ask the question again in plain text.',
            };
          }
          decisions.push(answer.decision);
          if (answer.decision.behavior !== 'selected') break;
        }
        return questionResultFor(input, questions, decisions, signal);
      }
      const plan = toolName === 'ExitPlanMode' ? planOf(input) : undefined;
      const description = sdk.title ?? sdk.description;
      const answer = await this.#ask(sessionId, session, signal, {
        requestId: sdk.toolUseID,
        toolName,
        toolInput: input,
        kind: plan === undefined ? 'tool' : 'plan',
        ...(plan === undefined ? {} : { plan }),
        ...(description === undefined ? {} : { description }),
        ...(sdk.suggestions === undefined ? {} : { suggestions: sdk.suggestions }),
        // The SDK runs the `updatedInput` we return: a person may correct the input before allowing it.
        editable: plan === undefined,
      });
      switch (answer.type) {
        case 'cancelled':
          return { behavior: 'deny', message: answer.reason, interrupt: true };
        case 'choice':
          return answer.decision.behavior === 'selected'
            ? { behavior: 'allow', updatedInput: input }
            : { behavior: 'deny', message: denyMessage(answer.decision, signal) };
        case 'permission':
          return permissionResultFor(answer.decision, input, sdk.suggestions, { signal });
        default: {
          const never: never = answer;
          return never;
        }
      }
    };
  }

  /** Emit the request, wait for its answer (or the SDK's abort), emit the resolution. */
  async #ask(
    sessionId: string,
    session: ClaudeSession,
    signal: AbortSignal,
    request: RunnerPermissionRequest,
  ): Promise<PendingAnswer> {
    const { requestId } = request;
    const answered = session.pending.wait(requestId);
    const onAbort = () =>
      session.pending.settle(requestId, { type: 'cancelled', reason: 'Claude Code withdrew the request' });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    await session.seq.emit(() => this.#events.onPermissionRequest(sessionId, request));
    const answer = await answered;
    signal.removeEventListener('abort', onAbort);
    const r = resolutionOf(answer);
    await session.seq.emit(() =>
      this.#events.onPermissionResolved(sessionId, requestId, r.resolvedBy, r.allowed, r.message),
    );
    return answer;
  }
}

function userMessage(text: string): SDKUserMessage {
  return { type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null };
}
