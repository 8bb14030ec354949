// Over 400 lines: every hook event reads and changes the same per-session state (open requests, queued input, the stop flag, the transcript offset); reading transcripts and shaping answers are in transcript.ts and hook-answers.ts.
/**
 * `HookSessions`: terminal Claude Code sessions reporting through http hooks, as a session source on the bus.
 * Each `session_id` becomes a session (named from its first prompt and project directory); the transcript is
 * tailed into output; `PermissionRequest` becomes a permission event and its HTTP answer waits for the
 * decision command. The terminal and the phone race: when the terminal answers first, Claude Code either
 * closes the request (No) or leaves it open and sends the session's next events (Yes) — both withdraw the
 * card ("Answered in the terminal"). A message typed on the phone waits for the turn's end (`Stop` answered
 * `decision: "block"` with the message as the reason); `/stop` denies the next permission request with
 * `interrupt`, or lapses when the turn ends first. Tool calls run side by side: a request is withdrawn only by
 * its own call's `PostToolUse` or the end of the turn. A session whose Claude Code process is gone without
 * `SessionEnd` (a closed terminal) is ended by a periodic look at Claude Code's `sessions/`. Over 400 lines because it is one protocol: every hook event of a session and its race with the
 * terminal.
 * @module
 */
import { basename } from 'node:path';
import { escapeMarkdown } from '../core/approvals/cards.js';
import { newRequestId } from '../core/approvals/requests.js';
import type { Store } from '../core/store/types.js';
import type { ApprovalDecision, ChoiceDecision, Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { questionsOf } from '../runner/claude/permission-result.js';
import { threadNameFromPrompt } from '../runner/supervise.js';
import type { RunnerPermissionRequest, RunnerQuestion } from '../runner/types.js';
import type { SessionBus, SessionCommand, SessionEvent, SessionKey } from './bus.js';
import { runningClaudeSessions } from './claude-liveness.js';
import { type HookAnswer, permissionAnswer, questionAnswer, toHookDecision } from './hook-answers.js';
import { fileSize, readTranscript } from './transcript.js';

/** Options of {@link HookSessions}. */
export interface HookSessionsOptions {
  readonly bus: SessionBus;
  /** Remembers transcript offsets across restarts. */
  readonly store: Store;
  /** Whether the hub already shows this session (after a restart). */
  readonly isKnown: (key: SessionKey) => boolean;
  /**
   * Decides a permission request at once when no person needs to (a rule or a running timer), or returns
   * undefined. Only when the hub runs in this process; otherwise every request takes the bus.
   */
  readonly decideWithoutPerson?: (
    key: SessionKey,
    request: { readonly toolName: string; readonly toolInput: Record<string, unknown> },
  ) => ApprovalDecision | undefined;
  readonly logger?: Logger;
  /** How often live transcripts are polled for new lines. @defaultValue 1000 */
  readonly pollMs?: number;
  /**
   * Claude Code's config directory, whose `sessions/` names the running Claude Code processes: a session none
   * of them names (its terminal was closed, the process killed: no `SessionEnd` came) is ended. Unset: a session
   * ends only with its `SessionEnd`.
   */
  readonly claudeDir?: string;
  /** How often, and after how long without a hook, a session's Claude Code process is looked for. @defaultValue 60000 */
  readonly livenessMs?: number;
}

interface OpenRequest {
  readonly requestId: string;
  /** The tool call: its name and input (see {@link toolCallOf}). */
  readonly call: string;
  /** The tool call's id, from the `PreToolUse` of the same call (a `PermissionRequest` carries none). */
  readonly toolUseId?: string;
  /** Answer the hook request (a decision, a stop, or a harmless `{}` once the terminal answered). */
  readonly answer: (value: HookAnswer) => void;
  /** A person picked an option of a question card. */
  readonly choose: (decision: ChoiceDecision) => void;
}

/** How an open request ended: the hook's answer, or a person's choice (a question). */
type Settled = { type: 'hook'; value: HookAnswer } | { type: 'choice'; decision: ChoiceDecision };

interface HookSession {
  readonly key: SessionKey;
  readonly cwd: string;
  transcriptPath?: string;
  offset: number;
  readonly open: Map<string, OpenRequest>;
  readonly queued: string[];
  stopRequested: boolean;
  /** Counts turns (UserPromptSubmit, PreToolUse), so a late "idle" of an earlier turn is dropped. */
  turn: number;
  /** Tool calls announced by `PreToolUse` and not yet ended: tool_use_id → the call (bounded). */
  readonly toolUses: Map<string, string>;
  /** When the last hook of the session came (ms since the epoch). */
  lastSeen: number;
  /**
   * Whether a running Claude Code process of `claudeDir` was seen naming it: only such a session can be judged
   * gone (one of a Claude Code with another config directory is never named there).
   */
  seenRunning: boolean;
}

/** Tool calls remembered per session between their `PreToolUse` and `PostToolUse` (calls run side by side). */
const MAX_TOOL_USES = 64;

/** One tool call as a string — its name and input — to match a `PermissionRequest` with its `PreToolUse`. */
function toolCallOf(body: Record<string, unknown>): string {
  return JSON.stringify([body.tool_name, body.tool_input ?? null]);
}

/** "1 message you wrote did not reach Claude: …" — undefined when none was waiting. */
function undelivered(count: number, why: string): string | undefined {
  if (count === 0) return undefined;
  return `📭 ${count} message${count === 1 ? '' : 's'} you wrote did not reach Claude: ${why}.`;
}

const GROUP = 'hook-sessions';

/**
 * A hook body's event name (the body's `hook_event_name` wins over the URL's) and session id, or undefined when
 * the session id is missing or not a plain id.
 */
function hookOf(
  event: string,
  body: Record<string, unknown>,
): { name: string; sessionId: string } | undefined {
  const name = typeof body.hook_event_name === 'string' ? body.hook_event_name : event;
  const sessionId = typeof body.session_id === 'string' ? body.session_id : undefined;
  return sessionId && /^[\w-]{1,100}$/.test(sessionId) ? { name, sessionId } : undefined;
}
const offsetKey = (id: string) => `serve.hook.offset:${id}`;
const WITHDRAWN = 'Answered in the terminal';
const GONE = 'Claude Code is no longer running';
const STOP_LAPSED =
  "🛑 Claude's turn ended before it asked for anything: it has stopped, and waits for a prompt in the terminal.";
const STOP_LAPSED_BY_PROMPT =
  '🛑 Your /stop lapsed: the turn it was for has ended, and a new prompt came from the terminal.';
/** How long after Stop the transcript is read once more before the session counts as idle. */
const STOP_SETTLE_MS = 400;

/** The hook source of `serve`. */
export class HookSessions {
  readonly #o: HookSessionsOptions;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, HookSession>();
  #stopConsuming: (() => void) | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #liveness: ReturnType<typeof setInterval> | undefined;
  /** After stop, nothing is read any more (a line read then would be lost: the bus is closed). */
  #stopped = false;

  constructor(options: HookSessionsOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Listen for decisions and start polling transcripts. */
  start(): void {
    this.#stopConsuming = this.#o.bus.consume('commands', GROUP, async (message) => {
      const { key, command } = message.payload;
      if (key.source === 'hook') this.#command(key.id, command);
      await this.#o.bus.ack('commands', GROUP, message.id);
    });
    this.#poll = setInterval(() => {
      for (const session of this.#sessions.values()) this.#tail(session);
    }, this.#o.pollMs ?? 1000);
    this.#poll.unref();
    const { claudeDir } = this.#o;
    if (claudeDir !== undefined) {
      const every = this.#o.livenessMs ?? 60_000;
      this.#liveness = setInterval(() => this.#endGoneLive(claudeDir, every), every);
      this.#liveness.unref();
    }
  }

  /** Stop; open hook requests are left to the endpoint (closing it ends them: non-blocking for Claude Code). */
  stop(): void {
    this.#stopped = true;
    this.#stopConsuming?.();
    if (this.#poll) clearInterval(this.#poll);
    if (this.#liveness) clearInterval(this.#liveness);
  }

  /**
   * Answer one hook. Resolves with the hook's JSON output.
   * @param event - the hook event name from the URL (the body's `hook_event_name` wins when present).
   * @param signal - aborts when Claude Code closed the request (the terminal answered "No").
   */
  async handle(event: string, body: Record<string, unknown>, signal: AbortSignal): Promise<HookAnswer> {
    const hook = hookOf(event, body);
    if (!hook) return {};
    const { name } = hook;
    const session = this.#session(hook.sessionId, body, name);
    if (name === 'PermissionRequest') {
      const fast = this.#decideAtOnce(session, body);
      if (fast) return fast;
    }
    this.#tail(session);
    switch (name) {
      case 'PermissionRequest':
        return this.#permission(session, body, signal);
      case 'PreToolUse':
        // Not a sign that open requests were answered: Claude Code runs some tool calls side by side.
        session.turn += 1;
        if (typeof body.tool_use_id === 'string') {
          if (session.toolUses.size >= MAX_TOOL_USES)
            session.toolUses.delete(session.toolUses.keys().next().value ?? '');
          session.toolUses.set(body.tool_use_id, toolCallOf(body));
        }
        this.#publish(session, { type: 'working' });
        return {};
      case 'PostToolUse':
      case 'PostToolUseFailure': {
        const toolUseId = typeof body.tool_use_id === 'string' ? body.tool_use_id : undefined;
        if (toolUseId !== undefined) session.toolUses.delete(toolUseId);
        this.#settleDangling(session, { call: toolCallOf(body), ...(toolUseId ? { toolUseId } : {}) });
        return {};
      }
      case 'UserPromptSubmit':
        session.turn += 1;
        this.#turnEnded(session);
        if (session.stopRequested) {
          // The turn the stop was for ended unannounced (interrupted in the terminal): the stop is done with.
          session.stopRequested = false;
          this.#publish(session, { type: 'output', text: STOP_LAPSED_BY_PROMPT });
        }
        this.#publish(session, { type: 'working' });
        return {};
      case 'Stop':
        return this.#stopHook(session, body);
      case 'Notification':
        this.#notification(session, body);
        return {};
      case 'SessionEnd':
        this.#end(session, {
          type: 'exit',
          exitCode: 0,
          ...(typeof body.reason === 'string' && body.reason !== 'other' ? { reason: body.reason } : {}),
        });
        return {};
      default:
        return {};
    }
  }

  /**
   * The answer to a hook no person needs to see, synchronously — a permission request a rule or a running
   * auto-approve timer decides (see {@link HookSessions.handle}, which answers everything else) — or undefined.
   * The session is registered either way.
   */
  answerAtOnce(event: string, body: Record<string, unknown>): HookAnswer | undefined {
    const hook = hookOf(event, body);
    if (hook?.name !== 'PermissionRequest') return undefined;
    return this.#decideAtOnce(this.#session(hook.sessionId, body, hook.name), body);
  }

  /**
   * Sessions restored after a restart whose Claude Code process is gone get their final status (and leave the
   * live list); their transcript offsets are forgotten.
   */
  endGone(ids: readonly string[], reason = GONE): void {
    for (const id of ids) {
      if (this.#sessions.has(id)) continue;
      this.#o.bus
        .publish('events', { key: { source: 'hook', id }, event: { type: 'exit', exitCode: null, reason } })
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not end a gone session'));
      this.#o.store.deleteValue(offsetKey(id));
    }
  }

  /** How many permission requests wait for an answer (all sessions). */
  get openRequests(): number {
    let n = 0;
    for (const s of this.#sessions.values()) n += s.open.size;
    return n;
  }

  #session(id: string, body: Record<string, unknown>, event: string): HookSession {
    const existing = this.#sessions.get(id);
    if (existing) {
      existing.lastSeen = Date.now();
      if (!existing.transcriptPath && typeof body.transcript_path === 'string')
        existing.transcriptPath = body.transcript_path;
      return existing;
    }
    const key: SessionKey = { source: 'hook', id };
    const cwd = typeof body.cwd === 'string' ? body.cwd : '';
    const transcriptPath = typeof body.transcript_path === 'string' ? body.transcript_path : undefined;
    const saved = this.#o.store.getValue(offsetKey(id));
    // A session seen for the first time starts at the transcript's end: its history is not replayed.
    const offset = saved !== undefined ? Number(saved) : transcriptPath ? fileSize(transcriptPath) : 0;
    const session: HookSession = {
      key,
      cwd,
      ...(transcriptPath ? { transcriptPath } : {}),
      offset,
      open: new Map(),
      queued: [],
      stopRequested: false,
      turn: 0,
      toolUses: new Map(),
      lastSeen: Date.now(),
      seenRunning: this.#o.claudeDir !== undefined && !!runningClaudeSessions(this.#o.claudeDir)?.has(id),
    };
    this.#sessions.set(id, session);
    if (!this.#o.isKnown(key) && event !== 'SessionEnd') {
      const project = basename(cwd) || 'claude';
      const prompt = typeof body.prompt === 'string' ? body.prompt : '';
      const name = prompt ? `${project}: ${threadNameFromPrompt(prompt)}` : `${project} · ${id.slice(0, 8)}`;
      this.#publish(session, {
        type: 'open',
        name,
        ...(cwd ? { cwd } : {}),
        runnerType: 'claude-code (terminal)',
      });
      this.#publish(session, {
        type: 'header',
        header: {
          title: 'Claude Code (terminal)',
          ...(cwd ? { cwd } : {}),
          ...(typeof body.permission_mode === 'string' ? { approval: body.permission_mode } : {}),
        },
      });
    }
    this.#o.store.setValue(offsetKey(id), String(offset));
    return session;
  }

  /**
   * A request a rule or a running timer decides is answered here, before anything is stored or published (the
   * transcript poll shows its output). Stop requests, open requests of the session, plans and questions take
   * the usual path.
   */
  #decideAtOnce(session: HookSession, body: Record<string, unknown>): HookAnswer | undefined {
    const decide = this.#o.decideWithoutPerson;
    if (!decide || session.stopRequested || session.open.size > 0) return undefined;
    const toolName = body.tool_name;
    if (typeof toolName !== 'string' || toolName === 'ExitPlanMode' || toolName === 'AskUserQuestion')
      return undefined;
    const toolInput =
      body.tool_input !== null && typeof body.tool_input === 'object'
        ? (body.tool_input as Record<string, unknown>)
        : {};
    const decision = decide(session.key, { toolName, toolInput });
    return decision ? permissionAnswer(toHookDecision(decision)) : undefined;
  }

  async #permission(
    session: HookSession,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<HookAnswer> {
    const call = toolCallOf(body);
    const toolName = typeof body.tool_name === 'string' ? body.tool_name : 'unknown tool';
    if (session.stopRequested) {
      session.stopRequested = false;
      this.#publish(session, {
        type: 'output',
        text: `🛑 Stopped from the chat: ${toolName} was denied and the turn interrupted.`,
      });
      return permissionAnswer({
        behavior: 'deny',
        message: 'The person stopped this session from agent-tether.',
        interrupt: true,
      });
    }
    const toolInput =
      body.tool_input !== null && typeof body.tool_input === 'object'
        ? (body.tool_input as Record<string, unknown>)
        : {};
    if (toolName === 'AskUserQuestion') {
      const questions = questionsOf(toolInput);
      if (questions.length > 0) return this.#questions(session, call, toolInput, questions, signal);
    }
    const plan =
      toolName === 'ExitPlanMode' && typeof toolInput.plan === 'string' ? toolInput.plan : undefined;
    const settled = await this.#ask(session, signal, call, {
      toolName,
      toolInput,
      ...(plan !== undefined ? { kind: 'plan' as const, plan } : {}),
      ...(Array.isArray(body.permission_suggestions) ? { suggestions: body.permission_suggestions } : {}),
    });
    return settled?.type === 'hook' ? settled.value : {};
  }

  /** AskUserQuestion: one choice card per question, in turn; the answers go back as `updatedInput.answers`. */
  async #questions(
    session: HookSession,
    call: string,
    toolInput: Record<string, unknown>,
    questions: readonly RunnerQuestion[],
    signal: AbortSignal,
  ): Promise<HookAnswer> {
    const choices: ChoiceDecision[] = [];
    for (const question of questions) {
      const settled = await this.#ask(session, signal, call, {
        toolName: 'AskUserQuestion',
        toolInput,
        kind: 'question',
        question,
      });
      if (settled === undefined) return {};
      if (settled.type === 'hook') return settled.value;
      choices.push(settled.decision);
      if (settled.decision.behavior !== 'selected') break;
    }
    return questionAnswer(toolInput, questions, choices);
  }

  /**
   * Publish one request and wait until it is settled; undefined when Claude Code closed the hook request (the
   * person answered "No" in the terminal).
   */
  #ask(
    session: HookSession,
    signal: AbortSignal,
    call: string,
    request: Omit<RunnerPermissionRequest, 'requestId'>,
  ): Promise<Settled | undefined> {
    // Unique across restarts: a holder that comes back adopts its earlier run's open cards by request id.
    const requestId = `${session.key.id.slice(0, 8)}-${newRequestId()}`;
    const toolUseId = this.#toolUseOf(session, call);
    return new Promise<Settled | undefined>((resolve) => {
      const onAbort = () => {
        // Claude Code closed the request: the person answered "No" (or Esc) in the terminal.
        if (session.open.delete(requestId))
          this.#publish(session, { type: 'withdrawn', requestId, note: WITHDRAWN });
        resolve(undefined);
      };
      const settle = (value: Settled) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      session.open.set(requestId, {
        requestId,
        call,
        ...(toolUseId ? { toolUseId } : {}),
        answer: (value) => settle({ type: 'hook', value }),
        choose: (decision) => settle({ type: 'choice', decision }),
      });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#publish(session, { type: 'permission', request: { ...request, requestId } });
    });
  }

  /** Claude Code's own notices ("Claude is waiting for your input"); a permission prompt's card says it already. */
  #notification(session: HookSession, body: Record<string, unknown>): void {
    const message = typeof body.message === 'string' ? body.message.trim() : '';
    if (!message || (body.notification_type === 'permission_prompt' && session.open.size > 0)) return;
    this.#publish(session, { type: 'output', text: `🔔 ${escapeMarkdown(message.slice(0, 500))}` });
  }

  #stopHook(session: HookSession, body: Record<string, unknown>): HookAnswer {
    this.#turnEnded(session);
    if (session.stopRequested) {
      // Stopped from the chat, and the turn ended before anything was asked: it stops here, and what the person
      // wrote meanwhile is not sent on (it would start the turn again).
      session.stopRequested = false;
      this.#publish(session, { type: 'output', text: STOP_LAPSED });
      const notSent = undelivered(session.queued.splice(0).length, 'you stopped the session');
      if (notSent) this.#publish(session, { type: 'output', text: notSent });
    } else if (session.queued.length > 0 && body.stop_hook_active !== true) {
      const reason = session.queued.splice(0).join('\n\n');
      this.#publish(session, {
        type: 'output',
        text: '📨 Your message reached Claude at the end of its turn.',
      });
      this.#publish(session, { type: 'working' });
      return { decision: 'block', reason };
    }
    // Claude Code may write the turn's last lines just after Stop: read them before saying it is idle.
    const turn = session.turn;
    setTimeout(() => {
      if (session.turn !== turn || !this.#sessions.has(session.key.id)) return;
      this.#tail(session);
      this.#publish(session, { type: 'idle' });
    }, STOP_SETTLE_MS).unref();
    return {};
  }

  #command(id: string, command: SessionCommand): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    switch (command.type) {
      case 'decision':
        session.open.get(command.requestId)?.answer(permissionAnswer(toHookDecision(command.decision)));
        session.open.delete(command.requestId);
        return;
      case 'choice':
        session.open.get(command.requestId)?.choose(command.decision);
        session.open.delete(command.requestId);
        return;
      case 'input':
        session.queued.push(command.text);
        this.#publish(session, {
          type: 'output',
          text: '📥 Queued: Claude reads it when its current turn ends.',
          options: { kind: 'step' },
        });
        return;
      case 'stop': {
        const pending = [...session.open.values()];
        if (pending.length === 0) {
          session.stopRequested = true;
          return;
        }
        for (const request of pending) {
          session.open.delete(request.requestId);
          request.answer(
            permissionAnswer({
              behavior: 'deny',
              message: 'The person stopped this session from agent-tether.',
              interrupt: true,
            }),
          );
          this.#publish(session, {
            type: 'withdrawn',
            requestId: request.requestId,
            note: 'Stopped from the chat: denied and interrupted',
          });
        }
        return;
      }
      default: {
        const never: never = command;
        this.#logger.warn({ command: never }, 'unknown command for a hook session');
      }
    }
  }

  /** The id of the announced tool call a permission request is for: the latest one of that call not yet asked. */
  #toolUseOf(session: HookSession, call: string): string | undefined {
    const asked = new Set([...session.open.values()].map((r) => r.toolUseId));
    let found: string | undefined;
    for (const [id, announced] of session.toolUses) if (announced === call && !asked.has(id)) found = id;
    return found;
  }

  /** The turn is over (`Stop`, or a new prompt): its open requests were answered in the terminal. */
  #turnEnded(session: HookSession): void {
    this.#settleDangling(session);
    session.toolUses.clear();
  }

  /**
   * The session ended (`SessionEnd`, or its Claude Code process is gone): open requests are withdrawn, messages
   * still queued are reported as not delivered, the final status is sent, and the session is forgotten.
   */
  #end(session: HookSession, exit: Extract<SessionEvent, { type: 'exit' }>): void {
    this.#settleDangling(session);
    const notSent = undelivered(session.queued.splice(0).length, 'the session ended');
    if (notSent) this.#publish(session, { type: 'output', text: notSent });
    this.#publish(session, exit);
    this.#sessions.delete(session.key.id);
    this.#o.store.deleteValue(offsetKey(session.key.id));
  }

  /**
   * Sessions quiet for a while whose Claude Code process is gone end (closed terminals send no `SessionEnd`): a
   * session once seen running in `claudeDir` that no running process names any more.
   */
  #endGoneLive(claudeDir: string, quietMs: number): void {
    if (this.#sessions.size === 0) return;
    const running = runningClaudeSessions(claudeDir);
    if (running === undefined) return;
    const quietSince = Date.now() - quietMs;
    for (const session of [...this.#sessions.values()]) {
      if (running.has(session.key.id)) session.seenRunning = true;
      else if (session.seenRunning && session.lastSeen <= quietSince) {
        this.#tail(session);
        this.#end(session, { type: 'exit', exitCode: null, reason: GONE });
      }
    }
  }

  /**
   * A later event of the session shows its open permission requests were settled in the terminal ("Yes"
   * leaves the request open): withdraw their cards and answer them harmlessly. A `PostToolUse` settles only
   * the request of its own tool call (by its id, else by its name and input).
   */
  #settleDangling(session: HookSession, only?: { readonly toolUseId?: string; readonly call: string }): void {
    for (const request of [...session.open.values()]) {
      if (only !== undefined) {
        const same =
          only.toolUseId !== undefined && request.toolUseId !== undefined
            ? only.toolUseId === request.toolUseId
            : only.call === request.call;
        if (!same) continue;
      }
      session.open.delete(request.requestId);
      request.answer({});
      this.#publish(session, { type: 'withdrawn', requestId: request.requestId, note: WITHDRAWN });
    }
  }

  #tail(session: HookSession): void {
    if (!session.transcriptPath || this.#stopped) return;
    const { outputs, offset } = readTranscript(session.transcriptPath, session.offset);
    if (offset === session.offset) return;
    session.offset = offset;
    for (const output of outputs)
      this.#publish(session, { type: 'output', text: output.text, options: { kind: output.kind } });
    this.#o.store.setValue(offsetKey(session.key.id), String(offset));
  }

  #publish(session: HookSession, event: SessionEvent): void {
    this.#o.bus
      .publish('events', { key: session.key, event })
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not publish a hook event'));
  }
}
