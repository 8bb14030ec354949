/**
 * Platform-neutral types shared by the core engine, every bridge and every runner.
 * @module
 */

/** A value or a promise of it: handlers may be sync or async. */
export type Awaitable<T> = T | Promise<T>;

/** The id of a thread as the library user sees it (stable across restarts). */
export type ThreadId = string;

/** Where an action came from. Built-in platforms plus any custom bridge name. */
export type PlatformName = 'telegram' | 'slack' | 'discord' | 'web' | 'memory' | (string & {});

/** A person acting on a platform. `id` is the platform's own user id as a string. */
export interface ChatUser {
  /** The platform's user id, as a string (Telegram numeric ids are stringified). */
  readonly id: string;
  /** A display name: username, first name, or the id when nothing better is known. */
  readonly name: string;
  /** The platform the person acted on. */
  readonly platform: PlatformName;
}

/** How widely an "allow" answer applies. `once` is this request only; the others also start a timer. */
export type ApprovalScope = 'once' | 'tool' | 'all' | 'dir';

/** Who settled an approval: a person, or an auto-approve timer (with its reason, e.g. `Allow All`). */
export type DecidedBy =
  | { readonly type: 'user'; readonly user: ChatUser }
  | {
      readonly type: 'auto';
      readonly reason: string;
      /** Set when a stored or configured rule decided: the rule's id. */
      readonly rule?: string;
    };

/**
 * An answer the agent itself offers for a permission request (the Agent Client Protocol's permission
 * options, e.g. "Allow for this session"). A card given options shows them as its allow/deny buttons.
 */
export interface AgentPermissionOption {
  /** The agent's id of the option, sent back when it is picked. */
  readonly id: string;
  /** The agent's label, shown on the button. Untrusted agent text: shown as plain button text. */
  readonly label: string;
  /** What picking it means. */
  readonly kind: 'allow_once' | 'allow_always' | 'reject_once' | 'reject_always';
}

/**
 * The outcome of an approval request. A timed-out request is a deny, never consent.
 * @example
 * ```ts
 * switch (decision.behavior) {
 *   case 'allow': run(); break;
 *   case 'deny': log(decision.reason); break;
 *   case 'timeout': log('nobody answered'); break;
 * }
 * ```
 */
export type ApprovalDecision =
  | {
      readonly behavior: 'allow';
      readonly scope: ApprovalScope;
      readonly by: DecidedBy;
      readonly updatedInput?: Record<string, unknown>;
      /** For scope `tool`: the tool the timer trusts ("allow Bash" on an Edit card). @defaultValue the request's tool */
      readonly tool?: string;
      /** The agent's own option the person tapped, when the card showed the agent's options. */
      readonly option?: AgentPermissionOption;
    }
  | {
      readonly behavior: 'deny';
      readonly reason?: string;
      readonly by: DecidedBy;
      /** The agent's own option the person tapped, when the card showed the agent's options. */
      readonly option?: AgentPermissionOption;
    }
  /**
   * Nobody answered in time, or the requester cancelled (`cancelled: true`, with an optional `note` shown on
   * the card, e.g. "Answered in the terminal"). Always a deny.
   */
  | { readonly behavior: 'timeout'; readonly cancelled?: boolean; readonly note?: string };

/** The outcome of a choice request. */
export type ChoiceDecision =
  | { readonly behavior: 'selected'; readonly index: number; readonly label: string; readonly by: DecidedBy }
  | { readonly behavior: 'cancelled'; readonly by: DecidedBy }
  | { readonly behavior: 'timeout'; readonly cancelled?: boolean; readonly note?: string };

/** A request for permission to run a tool. */
export interface ApprovalRequest {
  /** Unique id of the request. Generated when omitted in `requestApproval`. */
  readonly requestId: string;
  /** The tool's name as the agent calls it, e.g. `Bash`, `Edit`, `mcp__github__create_issue`. */
  readonly toolName: string;
  /** Free text or JSON describing what the tool will do. Shown when `input` is absent. */
  readonly description?: string;
  /** The tool's input. Rendered with `formatToolInput`. */
  readonly input?: Record<string, unknown>;
  /** The agent's own answers, shown as the card's allow/deny buttons instead of Allow / Deny. */
  readonly options?: readonly AgentPermissionOption[];
  /** The directory the tool acts in; enables the "Allow dir" timer. Defaults to the thread's directory. */
  readonly directory?: string;
  /** The agent's own permission suggestions (e.g. Claude Code's `addRules`), for "Always allow". */
  readonly suggestions?: readonly unknown[];
  /** The agent accepts a changed input (`updatedInput`): the card offers **Edit**. */
  readonly editable?: boolean;
}

/** One option of a choice request. */
export interface ChoiceOption {
  readonly label: string;
  readonly description?: string;
}

/** A question with a fixed set of answers (e.g. Claude Code's AskUserQuestion). */
export interface ChoiceRequest {
  readonly requestId: string;
  readonly question: string;
  /** Short header shown above the question. */
  readonly header?: string;
  readonly options: readonly ChoiceOption[];
}

/** Details passed to `onApprovalResponse`. */
export interface ApprovalResponseDetails {
  /** The deny reason given by the person, if any. */
  readonly reason?: string;
  /** Set when the answer also started an auto-approve timer. */
  readonly timer?: 'tool' | 'all' | 'dir';
  /** For choice requests: the selected option's label. */
  readonly selected?: string;
  /** The person who answered; absent for timeouts and auto-approvals. */
  readonly user?: ChatUser;
  /** The full decision. */
  readonly decision: ApprovalDecision | ChoiceDecision;
}

/** A file a person sent, saved for the agent (`Handlers.onAttachment`, `Runner.sendAttachment`). */
export interface IncomingAttachment {
  /** Absolute path, directly inside the session's attachment directory. */
  readonly path: string;
  /** The saved file's name (sanitised, with a unique prefix). */
  readonly fileName: string;
  readonly kind: 'photo' | 'document';
  readonly mimeType?: string;
  readonly caption?: string;
  readonly size: number;
}

/**
 * Callbacks the application provides. All optional; all may be async.
 * Errors thrown by a handler are caught, logged and reported in the thread — they never crash a bridge.
 */
export interface Handlers {
  /** Plain text a person wrote in a thread (not a command, not an approval answer). */
  onInput?(threadId: ThreadId, text: string, user: ChatUser): Awaitable<void>;
  /**
   * A person sent a photo or a file in a thread: it is saved in the session's attachment directory
   * (`attachment.path`). Voice notes arrive as `onInput` once transcribed.
   */
  onAttachment?(threadId: ThreadId, attachment: IncomingAttachment, user: ChatUser): Awaitable<void>;
  /** A pending approval or choice was answered (by a person, a timer or a timeout). */
  onApprovalResponse?(
    threadId: ThreadId,
    requestId: string,
    approved: boolean,
    details: ApprovalResponseDetails,
  ): Awaitable<void>;
  /** A custom command (or, with a catch-all, any unknown command). */
  onCommand?(
    threadId: ThreadId | undefined,
    command: string,
    args: string,
    user: ChatUser,
  ): Awaitable<string | undefined | void>;
  /** `/status`: return the text to show. `threadId` is undefined when asked outside a thread. */
  onStatusRequest?(threadId: ThreadId | undefined, user: ChatUser): Awaitable<string | undefined | void>;
  /** `/stop` in a thread: stop the agent. Return a confirmation text to show, or nothing for the default. */
  onStopRequest?(threadId: ThreadId, user: ChatUser): Awaitable<string | undefined | void>;
  /** `/usage`: return usage/cost text to show. */
  onUsageRequest?(threadId: ThreadId | undefined, user: ChatUser): Awaitable<string | undefined | void>;
}

/** The state shown for a thread by `sendStatus`. */
export type ThreadState = 'running' | 'waiting' | 'awaiting_input' | 'idle' | 'done' | 'error' | 'stopped';

/** Minimal structured logger the library writes to. pino's logger fits; the default is silent. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Injectable clock for timers, so tests can use fake time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A logger that writes nothing. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Options of `Bridge.requestApproval`. */
export interface RequestApprovalOptions {
  readonly toolName: string;
  readonly input?: Record<string, unknown>;
  /** The agent's own answers (ACP permission options): the card shows them instead of Allow / Deny. */
  readonly options?: readonly AgentPermissionOption[];
  readonly description?: string;
  /** Generated when omitted. */
  readonly requestId?: string;
  /** The directory the tool acts in (for "Allow dir"). Defaults to the thread's directory. */
  readonly directory?: string;
  /** The agent's permission suggestions: "Always allow" offers their prefix when it covers only this call. */
  readonly suggestions?: readonly unknown[];
  /**
   * The caller runs `decision.updatedInput` when present: the card offers **Edit** (the person replies with a
   * corrected command, sees the change as a diff and approves it). @defaultValue false
   */
  readonly editable?: boolean;
  /** How long to wait for a person before resolving as `timeout` (a deny). @defaultValue 30 minutes (the bridge's `approvalTimeoutMs`) */
  readonly timeoutMs?: number;
  /** Aborting cancels the request: the card is updated and the promise resolves as `timeout`. */
  readonly signal?: AbortSignal;
}

/** Options of `Bridge.requestChoice`. */
export interface RequestChoiceOptions {
  readonly question: string;
  readonly header?: string;
  readonly options: readonly (ChoiceOption | string)[];
  readonly requestId?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The part of a bridge that runners and SDK adapters need to ask a person. Every `Bridge` implements it. */
export interface ApprovalRequester {
  requestApproval(threadId: ThreadId, options: RequestApprovalOptions): Promise<ApprovalDecision>;
  requestChoice(threadId: ThreadId, options: RequestChoiceOptions): Promise<ChoiceDecision>;
}
