/**
 * `supervise()`: put an agent session under supervision on one or more bridges in a few lines.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Bridge } from '../core/bridge.js';
import type { Logger } from '../core/types.js';
import { BridgeRouter, type RouterEscalation } from '../router.js';
import { sendAttachmentTo } from './attachment-input.js';
import { SessionSubscriber } from './subscriber.js';
import { type ApprovalChoice, ApprovalChoices, type Runner, type RunnerEvents } from './types.js';

/** Options of {@link supervise}. */
export interface SuperviseOptions {
  /** Where people watch and answer. Started if not running. */
  readonly bridges: Bridge | readonly Bridge[];
  /** Builds the runner from the events it must report to, e.g. `(events) => new ClaudeRunner(events, { cwd })`. */
  readonly runner: (events: RunnerEvents) => Runner;
  /** The first prompt. */
  readonly prompt: string;
  /** The thread name. @defaultValue the prompt's first line, shortened */
  readonly name?: string;
  /** The agent's working directory (enables "Allow dir"). */
  readonly cwd?: string;
  /** Permission mode to start in. @defaultValue ApprovalChoices.ask */
  readonly approvalChoice?: ApprovalChoice;
  /** The session id. @defaultValue a random UUID */
  readonly sessionId?: string;
  /** Time a person has to answer an approval. @defaultValue the bridges' own */
  readonly approvalTimeoutMs?: number;
  /** With several bridges: platforms asked only once a request has waited, and people called by name then. */
  readonly escalation?: RouterEscalation;
  readonly logger?: Logger;
}

/** A running supervised session. */
export interface SupervisedSession {
  readonly sessionId: string;
  readonly runner: Runner;
  readonly router: BridgeRouter;
  /** The session's thread on each bridge. */
  readonly threads: readonly { bridge: Bridge; threadId: string }[];
  /** Resolves with the exit code when the agent ends. */
  readonly done: Promise<number | null>;
  /** Stop the agent (as `/stop` does). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A thread name from a prompt: its first line, at most 60 characters. */
export function threadNameFromPrompt(prompt: string): string {
  const first = prompt.trim().split('\n')[0]?.trim() ?? '';
  if (!first) return 'Agent session';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

/** What a person who writes in the thread of an ended session is told. */
export const SESSION_ENDED =
  '_This session has ended: the agent is no longer running, so your message was not delivered._';

/**
 * Connect a runner to bridges: a thread per session with a header, streamed output, typing while the agent
 * works, approval cards (timers respected, first answer wins across platforms), AskUserQuestion as buttons,
 * plan approval, errors and a final status with usage. A person's message is input; `/stop`, `/status`,
 * `/usage` answer from the runner.
 * @example
 * ```ts
 * const bridge = new TelegramBridge({ token, forumGroupId });
 * const session = await supervise({
 *   bridges: bridge,
 *   runner: (events) => new ClaudeRunner(events, { cwd: process.cwd() }),
 *   prompt: 'Fix the failing test',
 *   cwd: process.cwd(),
 * });
 * await session.done;
 * ```
 */
export async function supervise(options: SuperviseOptions): Promise<SupervisedSession> {
  const bridges = Array.isArray(options.bridges)
    ? (options.bridges as readonly Bridge[])
    : [options.bridges as Bridge];
  const router = new BridgeRouter(bridges, {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.escalation ? { escalation: options.escalation } : {}),
  });
  await router.start();
  const sessionId = options.sessionId ?? randomUUID();
  let resolveDone!: (code: number | null) => void;
  const done = new Promise<number | null>((resolve) => {
    resolveDone = resolve;
  });
  const subscriber = new SessionSubscriber({
    router,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: options.approvalTimeoutMs } : {}),
    onExit: (_id, code) => resolveDone(code),
  });
  const runner = options.runner(subscriber);
  subscriber.attach(runner);
  const threads = await router.openSession(sessionId, options.name ?? threadNameFromPrompt(options.prompt), {
    ...(options.cwd !== undefined ? { directory: options.cwd } : {}),
  });
  subscriber.track(sessionId, options.cwd !== undefined ? { cwd: options.cwd } : {});

  let hasEnded = false;
  void done.then(() => {
    hasEnded = true;
  });
  const ended = () => {
    const state = subscriber.sessions.get(sessionId)?.state;
    return hasEnded || state === 'done' || state === 'error';
  };
  const mine = (bridge: Bridge, threadId: string | undefined) =>
    threadId !== undefined && router.sessionOf(bridge, threadId) === sessionId;
  /** Give the agent what a person sent in this session's thread (or say the session has ended). */
  const deliver = async (bridge: Bridge, threadId: string, send: () => Promise<void>): Promise<void> => {
    if (!mine(bridge, threadId)) return;
    if (ended()) {
      await bridge.sendOutput(threadId, SESSION_ENDED);
      return;
    }
    router.sendTyping(sessionId);
    subscriber.inputSent(sessionId);
    await send();
  };
  for (const bridge of bridges) {
    bridge.use({
      onInput: (threadId, text) => deliver(bridge, threadId, () => runner.sendInput(sessionId, text)),
      onAttachment: (threadId, attachment) =>
        deliver(bridge, threadId, () => sendAttachmentTo(runner, sessionId, attachment)),
      onStopRequest: async (threadId) => {
        if (!mine(bridge, threadId)) return undefined;
        if (ended()) return SESSION_ENDED;
        runner
          .stop(sessionId)
          .catch((error: unknown) => options.logger?.warn({ err: error }, 'stopping the agent failed'));
        return '🛑 Stopping the agent…';
      },
      onStatusRequest: (threadId) => (mine(bridge, threadId) ? subscriber.statusText(sessionId) : undefined),
      onUsageRequest: (threadId) =>
        mine(bridge, threadId) ? (subscriber.usageText(sessionId) ?? 'No usage reported yet.') : undefined,
    });
  }

  router.sendTyping(sessionId);
  await runner.start(sessionId, options.prompt, options.approvalChoice ?? ApprovalChoices.ask);
  return {
    sessionId,
    runner,
    router,
    threads,
    done,
    stop: () => runner.stop(sessionId),
  };
}
