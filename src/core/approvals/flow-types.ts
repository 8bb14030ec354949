/**
 * The contracts of the approval flow (`flow.ts`): what it needs from its bridge, its options, what a tap answers, and
 * the limits it keeps.
 * @module
 */

import type { HandlerSet } from '../handlers.js';
import type { OutgoingFile } from '../outgoing-file.js';
import type { ReminderOptions } from '../reminders.js';
import type { RuleSpec } from '../rules/match.js';
import type { AuditEntry, Store } from '../store/types.js';
import type { Clock, Logger } from '../types.js';
import type { Card } from './cards.js';
import type { PendingDecision } from './pending.js';

/**
 * What the flow needs from its bridge: thread keys, posting and editing cards and text, the audit log. Implemented
 * by the bridge's `BridgeHost` (`src/core/bridge-host.ts`), which posts straight to the outbox.
 */
export interface ApprovalHost {
  readonly platform: string;
  /** Store key of a thread. */
  key(threadId: string): string;
  /** The thread id of a store key. */
  threadIdOf(threadKey: string): string;
  directoryOf(threadId: string): string | undefined;
  /** Post a card ahead of queued output; resolves with its message id. */
  postCard(threadId: string, card: Card): Promise<string>;
  /**
   * Replace a card (with its outcome) ahead of queued output. A promised card takes its place among the thread's
   * messages now (before anything sent after this call) and is drawn once it resolves.
   */
  editCard(threadId: string, messageId: string, card: Card | PromiseLike<Card>): Promise<void>;
  /** Post Markdown as a new message. */
  postText(threadId: string, markdown: string): Promise<void>;
  /** Send a file (the whole diff of "Show all"). */
  postFile(threadId: string, file: OutgoingFile): Promise<void>;
  stopTyping(threadId: string): void;
  audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void;
  /** The bridge's handlers (a set: `has(name)` says whether any listens). */
  readonly handlers: HandlerSet;
  readonly logger: Logger;
}

/** Options of {@link ApprovalFlow}. */
export interface ApprovalFlowOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly autoApproveDurationMs?: number | undefined;
  readonly neverAutoApprove?: readonly string[] | undefined;
  /** Quiet period before batched auto-approve notices are sent. */
  readonly notificationQuietMs: number;
  /** Time a person has to answer a request that names no `timeoutMs`. */
  readonly approvalTimeoutMs: number;
  /** Reminders, timeout warnings and quiet hours for unanswered approvals. */
  readonly reminders?: ReminderOptions | undefined;
  /** Rules from the config, evaluated before stored rules (see `src/core/rules/`). */
  readonly rules?: readonly RuleSpec[] | undefined;
}

/** The answer shown to a person after a tap. */
export interface TapAnswer {
  readonly text: string;
  readonly alert?: boolean;
  /**
   * What the tap did: `decided` a request; `stale` (already resolved, unknown, forged or from another thread);
   * `refused` (the person is not authorized); `info` (a prompt such as "reply with the reason").
   */
  readonly outcome: 'decided' | 'stale' | 'refused' | 'info';
  /** Set after "Deny with reason": the request whose reason the person's next message gives. */
  readonly awaitReasonFor?: string;
}

/** Listener for decisions (used by the router to update the cards on other platforms). */
export type DecisionListener = (threadId: string, requestId: string, decision: PendingDecision) => void;

/** The answer to a tap on a button that no longer does anything. */
export const INACTIVE: TapAnswer = { text: 'This button is no longer active.', outcome: 'stale' };

/** Button tokens kept in memory at most (open requests are also found through the store after a restart). */
export const MAX_REMEMBERED_TOKENS = 10_000;

/** How long a request that replaced one settled by someone else cannot be answered by typing. */
export const REPLACEMENT_WINDOW_MS = 10_000;

/** Default time a person has to answer: 30 minutes. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60 * 1000;
