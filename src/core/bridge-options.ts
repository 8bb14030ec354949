/**
 * What every bridge accepts, and the state emoji of `sendStatus`.
 * @module
 */
import { DEFAULT_APPROVAL_TIMEOUT_MS } from './approvals/flow-types.js';
import { DEFAULT_AUTO_APPROVE_MS, DEFAULT_NEVER_AUTO_APPROVE } from './approvals/timers.js';
import type { AuthorizerOptions } from './auth.js';
import type { BuiltinCommand, CommandDef } from './commands.js';
import type { AttachmentOptions } from './inbound-files.js';
import type { ReminderOptions } from './reminders.js';
import type { RuleSpec } from './rules/match.js';
import type { SecretMaskingOptions } from './secrets/masker.js';
import type { Store } from './store/types.js';
import type { TranscriberOptions } from './transcriber.js';
import type { Clock, Handlers, Logger, ThreadState } from './types.js';

/** Options every bridge accepts. */
export interface BridgeOptions {
  /** Callbacks for what people do. */
  readonly handlers?: Handlers;
  /** Persistence. @defaultValue a SQLite store under `dataDir` */
  readonly store?: Store;
  /** Where the default SQLite store lives. @defaultValue `$AGENT_TETHER_HOME` or `~/.local/share/agent-tether` */
  readonly dataDir?: string;
  /** Structured logger (pino fits). @defaultValue silent */
  readonly logger?: Logger;
  /** Clock for every timer. @defaultValue the system clock */
  readonly clock?: Clock;
  /** Custom commands, by name. */
  readonly commands?: Readonly<Record<string, CommandDef>>;
  /** Built-in commands to turn off. */
  readonly disabledCommands?: readonly BuiltinCommand[];
  /** Auto-approve timer length. @defaultValue 30 minutes */
  readonly autoApproveDurationMs?: number;
  /** Tool-name prefixes never auto-approved. @defaultValue ['task', 'enterplanmode', 'exitplanmode'] */
  readonly neverAutoApprove?: readonly string[];
  /**
   * Approval rules, in order, applied before a person is asked and before stored rules: `allow`, `deny` or
   * `ask` by tool, command (prefix or glob) or path glob, optionally per project and until an expiry.
   * Deny wins; a tool in `neverAutoApprove` is never allowed by a rule. See the README's "Rules".
   * @example [{ effect: 'allow', tool: 'Bash', command: 'npm test' }, { effect: 'deny', tool: 'Bash', command: 'rm*' }]
   */
  readonly rules?: readonly RuleSpec[];
  /**
   * Reminders for unanswered approvals: a new message after `remindAfterMs` (5 min), a warning
   * `warnBeforeTimeoutMs` (2 min) before the timeout, no pings during `quietHours`. `{ enabled: false }` turns
   * them off. Shown in `/status`.
   */
  readonly reminders?: ReminderOptions;
  /** Quiet period before batched auto-approve notices are sent. @defaultValue 1500 */
  readonly notificationQuietMs?: number;
  /** Minimum time between two error notices in a thread. @defaultValue 0 (no debouncing) */
  readonly errorDebounceMs?: number;
  /**
   * How long `stop()` waits for queued output before it disconnects anyway (a platform that answers nothing
   * must not hold a stop forever). Output still queued then is logged as not delivered.
   * @defaultValue 10000
   */
  readonly stopDrainMs?: number;
  /** Time a person has to answer an approval before it is denied. @defaultValue 30 minutes */
  readonly approvalTimeoutMs?: number;
  /**
   * At start, end restored requests whose requester (the process that awaited them) is gone, with "the session
   * ended before you answered". Turn off when the store is shared by several hosts (`serve --redis`): there a
   * request is awaited through the bus by the session's own host, which outlives the host that showed the card.
   * @defaultValue true
   */
  readonly endOrphanedRequests?: boolean;
  /**
   * Files people send in a thread: saved in `<dir>/<platform>-<thread>` (at most `maxBytes`, 20 MB by default)
   * and given to `handlers.onAttachment`. See the README's "Files and voice notes from people".
   */
  readonly attachments?: AttachmentOptions;
  /**
   * Transcribe voice notes with this local command (`{file}` is the audio file; no shell; 2 min timeout): the
   * transcript is shown in the thread and becomes input. Without one, a voice note is not downloaded and the
   * person is told how to set one up.
   * @example 'whisper-cli -m ~/models/ggml-base.en.bin -nt -f {file}'
   */
  readonly transcriber?: string | TranscriberOptions;
  /** Users always authorized (platform user ids). */
  readonly allowedUserIds?: Iterable<string | number>;
  /** A fixed pairing code; otherwise one is generated when pairing is on. Read it from `bridge.auth.pairingCode`. */
  readonly pairingCode?: string;
  /** Keep a pairing code valid after use. @defaultValue false: each code pairs one person, then a new one is made */
  readonly reusablePairingCode?: boolean;
  /** Require pairing for users not in `allowedUserIds`. @defaultValue true when `allowedUserIds` is empty */
  readonly requirePairing?: boolean;
  /** Authorize everyone who can write in the chat. Dangerous; for private sandboxes only. @defaultValue false */
  readonly allowAnyone?: boolean;
  /**
   * Secrets (tokens, keys, passwords) in everything this bridge sends are masked; add patterns, names and an
   * allowlist here, or turn it off with `{ enabled: false }` (a warning is logged at start).
   * @defaultValue on, with the built-in formats only
   * @example `{ names: ['ACME_CRED'], patterns: [{ label: 'Acme key', pattern: 'acme_[a-z0-9]{32}' }] }`
   */
  readonly secretMasking?: SecretMaskingOptions;
}

/** The defaults of {@link BridgeOptions} that are values (the store, logger and clock are described on each option). */
export const BRIDGE_DEFAULTS = {
  autoApproveDurationMs: DEFAULT_AUTO_APPROVE_MS,
  neverAutoApprove: DEFAULT_NEVER_AUTO_APPROVE,
  notificationQuietMs: 1500,
  errorDebounceMs: 0,
  stopDrainMs: 10_000,
  approvalTimeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS,
  endOrphanedRequests: true,
  reusablePairingCode: false,
  allowAnyone: false,
} as const satisfies Partial<Record<keyof BridgeOptions, unknown>>;

/** The authorization options among a bridge's options, without the ones left unset. */
export function authOptionsOf(
  options: BridgeOptions,
): Pick<
  AuthorizerOptions,
  'allowedUserIds' | 'pairingCode' | 'requirePairing' | 'allowAnyone' | 'reusablePairingCode'
> {
  const { allowedUserIds, pairingCode, requirePairing, allowAnyone, reusablePairingCode } = options;
  return {
    ...(allowedUserIds !== undefined ? { allowedUserIds } : {}),
    ...(pairingCode !== undefined ? { pairingCode } : {}),
    ...(requirePairing !== undefined ? { requirePairing } : {}),
    ...(allowAnyone !== undefined ? { allowAnyone } : {}),
    ...(reusablePairingCode !== undefined ? { reusablePairingCode } : {}),
  };
}

/** The state emoji of `sendStatus`. */
export const STATE_EMOJI: Record<ThreadState, string> = {
  running: '🔄',
  waiting: '📝',
  awaiting_input: '💬',
  idle: '⏸️',
  done: '✅',
  error: '❌',
  stopped: '🛑',
};
