/**
 * `SessionSubscriber`: the {@link RunnerEvents} of one or more sessions turned into what people see —
 * a header, streamed output, typing while the agent works, approval cards for permission requests,
 * choices for AskUserQuestion, a plan approval for ExitPlanMode, debounced errors and a final status.
 * Decisions flow back to the runner with `respondToPermission` / `respondToChoice`.
 * @module
 */

import { randomUUID } from 'node:crypto';
import { escapeMarkdown } from '../core/approvals/cards.js';
import { ConfigError } from '../core/errors.js';
import type { OutgoingFile } from '../core/outgoing-file.js';
import type { ApprovalDecision, ChoiceDecision, Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import type { BridgeRouter } from '../router.js';
import type {
  OutputOptions,
  OutputStream,
  PermissionResolvedBy,
  Runner,
  RunnerEvents,
  RunnerHeader,
  RunnerPermissionRequest,
} from './types.js';
import { formatUsageValue } from './usage-format.js';

/** What the subscriber remembers of a session (for `/status` and `/usage`). */
export interface SessionInfo {
  readonly sessionId: string;
  state: 'starting' | 'running' | 'waiting_approval' | 'awaiting_input' | 'done' | 'error';
  header?: RunnerHeader;
  /** The working directory supervise() was given (shown when the runner's header has none). */
  readonly cwd?: string;
  readonly startedAt: number;
  /** Metadata by key (tokens, cost, duration, …) with its human-readable form. */
  readonly metadata: Map<string, { value: unknown; raw: string }>;
  exitCode?: number | null;
  /** Permission requests waiting for a person. */
  readonly open: Map<string, AbortController>;
}

/** Options of {@link SessionSubscriber}. */
export interface SessionSubscriberOptions {
  readonly router: BridgeRouter;
  readonly logger?: Logger;
  /** Time a person has to answer. @defaultValue the bridges' `approvalTimeoutMs` */
  readonly approvalTimeoutMs?: number;
  /** Called when a session exits. */
  readonly onExit?: (sessionId: string, exitCode: number | null) => void;
  /** Called when a request is shown under an id of our own (`shownId`), before it is asked. */
  readonly onRequestShown?: (sessionId: string, shownId: string, agentRequestId: string) => void;
}

/** Runner events → bridges, per session, in order. */
export class SessionSubscriber implements RunnerEvents {
  readonly sessions = new Map<string, SessionInfo>();
  #runner: Runner | undefined;
  readonly #o: SessionSubscriberOptions;
  readonly #logger: Logger;

  constructor(options: SessionSubscriberOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Attach the runner that decisions go back to (runners are built from their events, so this comes after). */
  attach(runner: Runner): void {
    this.#runner = runner;
  }

  /** Track a new session (call before `runner.start`). */
  track(sessionId: string, options: { cwd?: string; now?: number } = {}): SessionInfo {
    const info: SessionInfo = {
      sessionId,
      state: 'starting',
      startedAt: options.now ?? Date.now(),
      metadata: new Map(),
      open: new Map(),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    };
    this.sessions.set(sessionId, info);
    return info;
  }

  onHeader(sessionId: string, header: RunnerHeader): void {
    const info = this.#info(sessionId);
    info.header = header;
    info.state = 'running';
    const lines = [`🤖 **${escapeMarkdown(header.title)}**`];
    if (header.model) lines.push(`Model: ${escapeMarkdown(header.model)}`);
    const cwd = header.cwd ?? info.cwd;
    if (cwd) lines.push(`Directory: \`${cwd.replace(/`/g, "'")}\``);
    if (header.approval) lines.push(`Approval: ${escapeMarkdown(approvalWords(header.approval))}`);
    this.#send(sessionId, lines.join('\n'));
    this.#o.router.sendTyping(sessionId);
  }

  onOutput(sessionId: string, _stream: OutputStream, text: string, _options?: OutputOptions): void {
    const info = this.#info(sessionId);
    if (info.state === 'awaiting_input' || info.state === 'starting') info.state = 'running';
    this.#send(sessionId, text);
  }

  onError(sessionId: string, code: string, message: string): void {
    this.#o.router
      .sendStatus(sessionId, 'error', `${code}: ${message}`)
      .catch((error: unknown) => this.#warn(error));
  }

  onExit(sessionId: string, exitCode: number | null): void {
    const info = this.#info(sessionId);
    info.exitCode = exitCode;
    info.state = exitCode === 0 ? 'done' : 'error';
    for (const controller of info.open.values()) controller.abort();
    info.open.clear();
    const usage = this.usageText(sessionId);
    const detail =
      exitCode === 0
        ? `finished${usage ? `\n${usage}` : ''}`
        : `exited with code ${exitCode ?? 'unknown'}${usage ? `\n${usage}` : ''}`;
    this.#o.router.stopTyping(sessionId);
    this.#o.router
      .sendStatus(sessionId, exitCode === 0 ? 'done' : 'error', detail)
      .catch((error: unknown) => this.#warn(error))
      .finally(() => this.#o.onExit?.(sessionId, exitCode));
  }

  onFile(sessionId: string, file: OutgoingFile): void {
    this.#o.router.sendFile(sessionId, file).catch((error: unknown) => this.#warn(error));
  }

  /** A person's message went to the agent: a later "awaiting input" is news again. */
  inputSent(sessionId: string): void {
    const info = this.sessions.get(sessionId);
    if (info?.state === 'awaiting_input') info.state = 'running';
  }

  onAwaitingInput(sessionId: string): void {
    const info = this.#info(sessionId);
    // Said once: nothing happened since the last "awaiting input" (no output, no message from a person).
    if (info.state === 'awaiting_input') return;
    info.state = 'awaiting_input';
    this.#o.router.stopTyping(sessionId);
    this.#o.router
      .sendStatus(sessionId, 'awaiting_input', 'reply here to continue')
      .catch((error: unknown) => this.#warn(error));
  }

  onMetadata(sessionId: string, key: string, value: unknown, raw: string): void {
    this.#info(sessionId).metadata.set(key, { value, raw });
  }

  onHeartbeat(sessionId: string, _elapsedS: number, done: boolean): void {
    const info = this.#info(sessionId);
    if (done) this.#o.router.stopTyping(sessionId);
    else if (info.state === 'running') this.#o.router.sendTyping(sessionId);
  }

  onPermissionRequest(sessionId: string, request: RunnerPermissionRequest): void {
    // The agent picks its request ids (and reuses them run after run): the bridges get ids of our own, so an
    // id from an earlier run, or from another session, can never collide with one in the store. A failure to
    // note the card (the store did not answer) throws here, before anything changed: the caller may retry.
    const ourId = randomUUID();
    this.#o.onRequestShown?.(sessionId, ourId, request.requestId);
    const info = this.#info(sessionId);
    const controller = new AbortController();
    info.open.set(request.requestId, controller);
    info.state = 'waiting_approval';
    this.#o.router.stopTyping(sessionId);
    void this.#ask(sessionId, request, ourId, controller.signal).finally(() => {
      info.open.delete(request.requestId);
      if (info.state === 'waiting_approval' && info.open.size === 0) {
        info.state = 'running';
        try {
          this.#o.router.sendTyping(sessionId);
        } catch (error) {
          // The bridges may have stopped meanwhile.
          this.#warn(error);
        }
      }
    });
  }

  onPermissionResolved(
    sessionId: string,
    requestId: string,
    resolvedBy: PermissionResolvedBy,
    _allowed?: boolean,
    message?: string,
  ): void {
    // The agent settled or withdrew it itself: take the card down (the message, if any, is shown on it).
    if (resolvedBy === 'cancelled' || resolvedBy === 'timeout')
      this.sessions.get(sessionId)?.open.get(requestId)?.abort(message);
  }

  /** Usage text from the metadata, or undefined. */
  usageText(sessionId: string): string | undefined {
    const info = this.sessions.get(sessionId);
    if (!info || info.metadata.size === 0) return undefined;
    return [...info.metadata.entries()]
      .map(([key, m]) => `${escapeMarkdown(key)}: ${escapeMarkdown(formatUsageValue(key, m.value, m.raw))}`)
      .join('\n');
  }

  /** Status text of a session. */
  statusText(sessionId: string, now = Date.now()): string {
    const info = this.sessions.get(sessionId);
    if (!info) return 'Unknown session.';
    const minutes = Math.floor((now - info.startedAt) / 60_000);
    const lines = [
      `**${escapeMarkdown(info.header?.title ?? 'Agent session')}** — ${info.state.replace('_', ' ')}`,
      `Running for ${minutes} min`,
    ];
    if (info.header?.model) lines.push(`Model: ${escapeMarkdown(info.header.model)}`);
    if (info.open.size > 0) lines.push(`Waiting for ${info.open.size} approval(s)`);
    return lines.join('\n');
  }

  async #ask(
    sessionId: string,
    request: RunnerPermissionRequest,
    ourId: string,
    signal: AbortSignal,
  ): Promise<void> {
    const runner = this.#runner;
    if (!runner) throw new ConfigError('SessionSubscriber: call attach(runner) before starting a session');
    const timeout = this.#o.approvalTimeoutMs !== undefined ? { timeoutMs: this.#o.approvalTimeoutMs } : {};
    const base = this.#info(sessionId).header?.cwd ?? this.#info(sessionId).cwd;
    try {
      if (request.kind === 'question' && request.question) {
        const choice = await this.#o.router.requestChoice(sessionId, {
          requestId: ourId,
          question: request.question.question,
          options: request.question.options,
          signal,
          ...(request.question.header ? { header: request.question.header } : {}),
          ...timeout,
        });
        if (runner.respondToChoice) await runner.respondToChoice(sessionId, request.requestId, choice);
        else await runner.respondToPermission(sessionId, request.requestId, toApproval(choice));
        return;
      }
      const decision = await this.#o.router.requestApproval(sessionId, {
        requestId: ourId,
        toolName: request.toolName,
        input: request.kind === 'plan' && request.plan ? { plan: request.plan } : request.toolInput,
        ...(request.options ? { options: request.options } : {}),
        signal,
        ...(request.description ? { description: request.description } : {}),
        ...(request.suggestions ? { suggestions: request.suggestions } : {}),
        ...(request.editable === true && request.kind !== 'plan' ? { editable: true } : {}),
        ...(base ? { directory: base } : {}),
        ...timeout,
      });
      await runner.respondToPermission(sessionId, request.requestId, decision);
    } catch (error) {
      // Never a silent deny: the person is told the request could not be shown, the agent is told why.
      this.#warn(error);
      const why = error instanceof Error ? error.message : String(error);
      this.#o.router
        .sendStatus(
          sessionId,
          'error',
          `could not show the ${escapeMarkdown(request.toolName)} request (${escapeMarkdown(why)}); the agent was told it was not approved`,
        )
        .catch((e: unknown) => this.#warn(e));
      await runner
        .respondToPermission(sessionId, request.requestId, {
          behavior: 'deny',
          reason: `agent-tether could not show this request to a person (internal error: ${why}); nobody decided it`,
          by: { type: 'auto', reason: 'internal error' },
        })
        .catch((e: unknown) => this.#warn(e));
    }
  }

  #send(sessionId: string, text: string): void {
    if (!text.trim()) return;
    this.#o.router.sendOutput(sessionId, text).catch((error: unknown) => this.#warn(error));
  }

  #info(sessionId: string): SessionInfo {
    return this.sessions.get(sessionId) ?? this.track(sessionId);
  }

  #warn(error: unknown): void {
    this.#logger.warn({ err: error }, 'supervisor could not deliver an event');
  }
}

function toApproval(choice: ChoiceDecision): ApprovalDecision {
  if (choice.behavior === 'selected')
    return { behavior: 'allow', scope: 'once', by: choice.by, updatedInput: { answer: choice.label } };
  if (choice.behavior === 'cancelled') return { behavior: 'deny', by: choice.by };
  return { behavior: 'timeout' };
}

/** The Agent SDK's permission modes in the CLI's words (`--approval ask`); other runners' names as they are. */
const APPROVAL_WORDS: Readonly<Record<string, string>> = {
  default: 'ask',
  acceptEdits: 'acceptEdits',
  bypassPermissions: 'bypass',
};

function approvalWords(mode: string): string {
  return Object.hasOwn(APPROVAL_WORDS, mode) ? (APPROVAL_WORDS[mode] as string) : mode;
}
