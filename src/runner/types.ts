/**
 * The Runner protocol: the contract between a supervisor (which shows an agent to people) and the
 * agent backends it drives (Claude Code, any JSON-lines CLI agent, a scripted demo).
 *
 * A {@link Runner} drives an agent: start, send input, stop, answer permission requests.
 * A {@link RunnerEvents} sink receives what the agent does: output, errors, permission requests, heartbeats.
 * @module
 */

import type { OutgoingFile } from '../core/outgoing-file.js';
import type {
  AgentPermissionOption,
  ApprovalDecision,
  Awaitable,
  ChoiceDecision,
  ChoiceOption,
  IncomingAttachment,
} from '../core/types.js';

/**
 * How much the agent may do without asking: `0` ask for everything, `1` accept file edits, `2` bypass all
 * checks. Same numbers as the Python original.
 */
export type ApprovalChoice = 0 | 1 | 2;

/** Named {@link ApprovalChoice} values. */
export const ApprovalChoices = {
  /** Ask before every tool that needs permission. */
  ask: 0,
  /** Accept file edits without asking; ask for the rest. */
  acceptEdits: 1,
  /** Never ask. */
  bypass: 2,
} as const satisfies Record<string, ApprovalChoice>;

/** The Agent SDK's name of an approval choice: `default`, `acceptEdits` or `bypassPermissions`. */
export function permissionModeName(choice: ApprovalChoice): 'default' | 'acceptEdits' | 'bypassPermissions' {
  if (choice === ApprovalChoices.bypass) return 'bypassPermissions';
  return choice === ApprovalChoices.acceptEdits ? 'acceptEdits' : 'default';
}

/** Where a piece of output came from: the agent's combined text, or a subprocess's raw streams. */
export type OutputStream = 'combined' | 'stdout' | 'stderr';

/** Extra facts about a piece of output. */
export interface OutputOptions {
  /** `final` for an assistant's answer text, `step` for intermediate progress (tool use, logs). @defaultValue 'final' */
  readonly kind?: 'final' | 'step';
  /** True when this is the last text block of the turn. */
  readonly isFinal?: boolean;
}

/** What an agent session says about itself when it starts. */
export interface RunnerHeader {
  /** Display title, e.g. `Claude Code 2.1.3`. */
  readonly title: string;
  /** Model name. */
  readonly model?: string;
  /** Provider description. */
  readonly provider?: string;
  /** Sandbox identifier, if any. */
  readonly sandbox?: string;
  /** Approval / permission mode description, e.g. `default`. */
  readonly approval?: string;
  /** The backend's own session/thread id. */
  readonly threadId?: string;
  /** The agent's working directory. */
  readonly cwd?: string;
}

/** One question of a `question` permission request (Claude Code's AskUserQuestion). */
export interface RunnerQuestion {
  /** The full question. */
  readonly question: string;
  /** Short chip shown above it, e.g. `Approach`. */
  readonly header?: string;
  /** The answers to pick from. */
  readonly options: readonly ChoiceOption[];
  /** Whether several options may be picked (a supervisor may still offer one). */
  readonly multiSelect?: boolean;
}

/**
 * What a permission request is about, so a supervisor can show the right card:
 * - `tool`: may the agent run this tool? (allow / deny buttons) — answer with `respondToPermission`.
 * - `plan`: the agent wants to leave plan mode with this plan (approve / keep planning) — `respondToPermission`.
 * - `question`: the agent asks a question with fixed answers — show `question` as a choice and answer with
 *   `respondToChoice` (or deny it with `respondToPermission`).
 */
export type PermissionRequestKind = 'tool' | 'plan' | 'question';

/** A request from the agent that needs a person's answer. */
export interface RunnerPermissionRequest {
  /** Unique within the session; pass it back to `respondToPermission` / `respondToChoice`. */
  readonly requestId: string;
  /** The tool's name as the agent calls it, e.g. `Bash`, `Edit`, `AskUserQuestion`, `ExitPlanMode`. */
  readonly toolName: string;
  /** The tool's input. Untrusted agent data: escape before display. */
  readonly toolInput: Record<string, unknown>;
  /** What kind of card to show. @defaultValue 'tool' */
  readonly kind?: PermissionRequestKind;
  /** For `question` requests: the question to show as a choice. */
  readonly question?: RunnerQuestion;
  /** For `plan` requests: the plan text (markdown). */
  readonly plan?: string;
  /** A one-line human description when the backend gives one. */
  readonly description?: string;
  /**
   * The agent's own answers (ACP permission options): the card shows them as its buttons, and the decision
   * names the one picked (`decision.option`). Timers and text answers still decide without one.
   */
  readonly options?: readonly AgentPermissionOption[];
  /** Backend-specific suggestions (e.g. the Agent SDK's permission updates), passed through untouched. */
  readonly suggestions?: readonly unknown[];
  /** The backend runs `decision.updatedInput` when a person edits the input: cards offer **Edit**. */
  readonly editable?: boolean;
}

/** Who settled a permission request. `cancelled`: the agent withdrew it (stop, abort). */
export type PermissionResolvedBy = 'user' | 'auto' | 'timeout' | 'cancelled';

/**
 * Callbacks a runner calls as its agent works. The supervisor implements them; all may be async, and the
 * runner awaits each one before emitting the next event of the same session, so events keep their order.
 */
export interface RunnerEvents {
  /** The agent produced text. */
  onOutput(sessionId: string, stream: OutputStream, text: string, options?: OutputOptions): Awaitable<void>;
  /** Something went wrong. `code` is machine readable (e.g. `protocol`, `spawn`, `claude`). */
  onError(sessionId: string, code: string, message: string): Awaitable<void>;
  /** The agent ended. Called exactly once per started session. `exitCode` is null when unknown (killed). */
  onExit(sessionId: string, exitCode: number | null): Awaitable<void>;
  /** The agent finished a turn and waits for `sendInput`. */
  onAwaitingInput(sessionId: string): Awaitable<void>;
  /** The agent reported metadata (tokens, cost, duration, …). `raw` is a human-readable form. */
  onMetadata(sessionId: string, key: string, value: unknown, raw: string): Awaitable<void>;
  /** Periodic sign of life. `done` is true on the last one of a session. */
  onHeartbeat(sessionId: string, elapsedS: number, done: boolean): Awaitable<void>;
  /** The session started; what it runs on. */
  onHeader(sessionId: string, header: RunnerHeader): Awaitable<void>;
  /** The agent waits for a person's answer. */
  onPermissionRequest(sessionId: string, request: RunnerPermissionRequest): Awaitable<void>;
  /** The agent made a file or image to show: it is sent to the chat as a document or a photo. Optional. */
  onFile?(sessionId: string, file: OutgoingFile): Awaitable<void>;
  /** A permission request was settled (by a person, a timer, a timeout, or cancelled by the agent). */
  onPermissionResolved(
    sessionId: string,
    requestId: string,
    resolvedBy: PermissionResolvedBy,
    allowed: boolean,
    message?: string,
  ): Awaitable<void>;
}

/**
 * An agent backend. One runner may drive several sessions, told apart by `sessionId`.
 * @example
 * ```ts
 * const runner = new ScriptedRunner(events, { script: demoScript() });
 * await runner.start('s1', 'fix the failing test', ApprovalChoices.ask);
 * // later, when a person taps "Allow":
 * await runner.respondToPermission('s1', requestId, { behavior: 'allow', scope: 'once', by });
 * ```
 */
export interface Runner {
  /** Which backend this is, e.g. `claude`, `subprocess`, `scripted`. */
  readonly runnerType: string;
  /**
   * Start a session. Resolves once the agent is running (not when it ends; `onExit` says that).
   * @param sessionId - The supervisor's id for the session (e.g. the thread id).
   * @param prompt - The first prompt.
   * @param approvalChoice - The permission mode to start in.
   */
  start(sessionId: string, prompt: string, approvalChoice: ApprovalChoice): Promise<void>;
  /** Send a person's follow-up text to a running session. Throws `UnknownSessionError` if not running. */
  sendInput(sessionId: string, text: string): Promise<void>;
  /**
   * Give a running session a file a person sent (saved in the session's attachment directory). Optional: a
   * runner without it gets the file's path as input (`sendAttachmentTo`).
   */
  sendAttachment?(sessionId: string, attachment: IncomingAttachment): Promise<void>;
  /**
   * Stop the session. Resolves with the exit code (also reported through `onExit`, exactly once).
   * Stopping a session that already ended resolves with its exit code and emits nothing.
   */
  stop(sessionId: string): Promise<number | null>;
  /** Change the permission mode of a running session. */
  updatePermissionMode(sessionId: string, approvalChoice: ApprovalChoice): void;
  /**
   * Answer a pending permission request. Resolves true if this answer settled it, false if the request is
   * unknown or was already settled (exactly once: later answers change nothing).
   */
  respondToPermission(sessionId: string, requestId: string, decision: ApprovalDecision): Promise<boolean>;
  /** Answer a pending `question` request with the chosen option. Same return value as `respondToPermission`. */
  respondToChoice?(sessionId: string, requestId: string, decision: ChoiceDecision): Promise<boolean>;
}

/** Makes a runner from event callbacks and runner-specific configuration (validated by the factory). */
export type RunnerFactory = (events: RunnerEvents, config: Readonly<Record<string, unknown>>) => Runner;
