/**
 * The approval flow of one bridge: opening requests (or auto-approving them), showing cards, settling
 * exactly once from a tap, a text answer, a timer, a timeout or another platform, and updating the cards.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { revealHiddenCharacters } from '../../format/hidden-characters.js';
import { formatToolInputFull } from '../../format/index.js';
import { describeBatch, NotificationBatcher } from '../batcher.js';
import { ConfigError, TetherError } from '../errors.js';
import type { OutgoingFile } from '../outgoing-file.js';
import { ApprovalReminders, type ReminderOptions } from '../reminders.js';
import { RuleBook } from '../rules/book.js';
import { RuleCardActions } from '../rules/card-actions.js';
import { commandOf, describeRule, type RuleSpec } from '../rules/match.js';
import type { AuditEntry, Store } from '../store/types.js';
import type {
  ApprovalDecision,
  ApprovalRequest,
  ApprovalResponseDetails,
  ChatUser,
  ChoiceOption,
  ChoiceRequest,
  Clock,
  Handlers,
  Logger,
  RequestApprovalOptions,
  RequestChoiceOptions,
} from '../types.js';
import {
  buildApprovalCard,
  buildChoiceCard,
  type Card,
  describeDecider,
  describeDecision,
  escapeMarkdown,
  resolvedCard,
} from './cards.js';
import { type CardAction, PayloadCodec } from './codec.js';
import { approvalBody, showAllContent } from './diff-card.js';
import { editableField, editedBody, editedInput, editPrompt } from './edits.js';
import type { ParsedApprovalText } from './grammar.js';
import { PendingApprovals, type PendingDecision, type PendingEntry, type SettleResult } from './pending.js';
import {
  endFlow,
  REQUESTER_GONE_NOTE,
  type RequesterMark,
  requesterGone,
  startFlow,
  thisRequester,
} from './requester.js';
import { cardOffers, decisionForTap, describeOutcome } from './tap-actions.js';
import { AutoApproveTimers } from './timers.js';

/** What the flow needs from its bridge. */
export interface ApprovalHost {
  readonly platform: string;
  /** Store key of a thread. */
  key(threadId: string): string;
  /** The thread id of a store key. */
  threadIdOf(threadKey: string): string;
  directoryOf(threadId: string): string | undefined;
  postCard(threadId: string, card: Card): Promise<string>;
  editCard(threadId: string, messageId: string, card: Card): Promise<void>;
  postText(threadId: string, markdown: string): Promise<void>;
  /** Send a file (the whole diff of "Show all"). */
  postFile(threadId: string, file: OutgoingFile): Promise<void>;
  stopTyping(threadId: string): void;
  audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void;
  readonly handlers: Handlers;
  readonly logger: Logger;
}

/** Options of {@link ApprovalFlow}. */
export interface ApprovalFlowOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly autoApproveDurationMs?: number | undefined;
  readonly neverAutoApprove?: readonly string[] | undefined;
  readonly notificationQuietMs?: number | undefined;
  readonly approvalTimeoutMs?: number | undefined;
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

const INACTIVE: TapAnswer = { text: 'This button is no longer active.', outcome: 'stale' };

/** Button tokens kept in memory at most (open requests are also found through the store after a restart). */
const MAX_REMEMBERED_TOKENS = 10_000;

/** How long a request that replaced one settled by someone else cannot be answered by typing. */
export const REPLACEMENT_WINDOW_MS = 10_000;

/** Default time a person has to answer: 30 minutes. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60 * 1000;

function parseDescription(description: string | undefined): Record<string, unknown> | string | undefined {
  if (description === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(description);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Not JSON: shown as text.
  }
  return description;
}

/** "**Bash** npm test" for reminders. */
function reminderLabel(request: ApprovalRequest): string {
  const command = commandOf(request.input);
  const what = command ? ` ${command.length > 80 ? `${command.slice(0, 79)}…` : command}` : '';
  return `**${escapeMarkdown(request.toolName)}**${escapeMarkdown(what)}`;
}

function normaliseOptions(options: readonly (ChoiceOption | string)[]): ChoiceOption[] {
  return options.map((o) => (typeof o === 'string' ? { label: o } : o));
}

/** Approval and choice requests of one bridge. */
export class ApprovalFlow {
  readonly timers: AutoApproveTimers;
  readonly pending: PendingApprovals;
  /** Approval rules: the config's and the stored ones, with the cards that show them. */
  readonly rules: RuleCardActions;
  /** Reminder and warning timers of open approvals. */
  readonly reminders: ApprovalReminders;
  readonly #host: ApprovalHost;
  readonly #o: ApprovalFlowOptions;
  readonly #codec: PayloadCodec;
  readonly #batcher: NotificationBatcher;
  readonly #tokens = new Map<string, string>();
  /** Cards shown for open requests, so the outcome is not rebuilt from the request; at most MAX_REMEMBERED_TOKENS. */
  readonly #shownCards = new Map<string, Card>();
  readonly #listeners = new Set<DecisionListener>();
  /** This flow as the requester of the requests it awaits (see requester.ts). */
  #flowId = startFlow();
  /** Edited inputs of open requests ("Edit", then a reply), by request id. */
  readonly #edits = new Map<string, { input: Record<string, unknown>; by: string }>();
  /** Per thread key: the request whose correction the person's next message gives. */
  readonly #awaitingEdit = new Map<string, { requestId: string; userId: string }>();
  /** Per thread: when its last request was settled, and by whom (undefined for a timeout or a timer). */
  readonly #lastSettled = new Map<string, { at: number; userId: string | undefined }>();

  constructor(host: ApprovalHost, options: ApprovalFlowOptions) {
    this.#host = host;
    this.#o = options;
    this.timers = new AutoApproveTimers({
      store: options.store,
      clock: options.clock,
      ...(options.autoApproveDurationMs !== undefined ? { durationMs: options.autoApproveDurationMs } : {}),
      ...(options.neverAutoApprove ? { neverAutoApprove: options.neverAutoApprove } : {}),
    });
    this.pending = new PendingApprovals({
      store: options.store,
      clock: options.clock,
      platform: host.platform,
      onTimeout: (requestId) => this.#settleQuietly(requestId, { behavior: 'timeout' }),
    });
    let secret = options.store.getValue('payload-codec-secret');
    if (!secret) {
      secret = randomUUID() + randomUUID();
      options.store.setValue('payload-codec-secret', secret);
    }
    this.#codec = new PayloadCodec(secret);
    const book = new RuleBook({
      store: options.store,
      clock: options.clock,
      ...(options.rules !== undefined ? { configRules: options.rules } : {}),
      neverAutoApprove: (tool) => this.timers.isNeverApproved(tool),
    });
    this.rules = new RuleCardActions(book, this.#codec);
    this.reminders = new ApprovalReminders(
      { postText: (threadId, markdown) => host.postText(threadId, markdown), logger: host.logger },
      options.clock,
      options.reminders,
    );
    this.#batcher = new NotificationBatcher(
      (threadId, items) => {
        this.#host.postText(threadId, describeBatch(items)).catch((error: unknown) => {
          this.#host.logger.warn({ err: error, threadId }, 'could not post auto-approve notice');
        });
      },
      options.clock,
      options.notificationQuietMs ?? 1500,
    );
  }

  /** Re-arm timeouts and button tokens of requests left open by an earlier run. */
  restore(): void {
    endFlow(this.#flowId);
    this.#flowId = startFlow();
    for (const entry of this.pending.restore()) this.#remember(entry.requestId);
  }

  /**
   * End restored requests whose requester is gone (it crashed or restarted): nothing awaits their answer, so the
   * card says the session ended and the audit log records it. Call once connected.
   */
  async endOrphans(): Promise<void> {
    for (const entry of this.pending.listAllOpen()) {
      if (!requesterGone(entry.request as { requester?: RequesterMark })) continue;
      await this.settle(entry.requestId, { behavior: 'timeout', cancelled: true, note: REQUESTER_GONE_NOTE });
    }
  }

  /**
   * Post the card of every request still open in `threadId` again, in place of the earlier ones: for a platform
   * whose messages did not outlive the previous process (the web page). Its buttons answer as the first card's did.
   */
  async reshowOpenCards(threadId: string): Promise<void> {
    for (const entry of this.pending.listOpen(this.#host.key(threadId))) {
      const card =
        entry.kind === 'approval'
          ? this.#approvalCard(entry.request)
          : buildChoiceCard(entry.request, this.#codec);
      await this.#showCard(threadId, entry.requestId, card);
    }
  }

  /** Stop timers; flush batched notices. */
  dispose(): void {
    endFlow(this.#flowId);
    this.pending.dispose();
    this.reminders.dispose();
    this.#batcher.flushAll();
  }

  /** Drop a removed thread's queued notices. */
  forgetThread(threadId: string): void {
    this.#batcher.removeThread(threadId);
    this.#lastSettled.delete(this.#host.key(threadId));
  }

  /**
   * True when `entry` replaced, moments ago, a request that somebody else (or a timeout) settled: a typed
   * "yes" from this person may have been meant for the old one, so only a button can answer it for a while.
   */
  isFreshReplacement(entry: PendingEntry, userId: string, windowMs = REPLACEMENT_WINDOW_MS): boolean {
    const last = this.#lastSettled.get(entry.threadKey);
    if (!last || last.userId === userId) return false;
    const now = this.#o.clock.now();
    return entry.record.createdAt >= last.at && now - entry.record.createdAt < windowMs;
  }

  onDecision(listener: DecisionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Show an approval card, or auto-approve under a running timer. Resolves once the card is visible. */
  async openApproval(threadId: string, options: RequestApprovalOptions, awaited = false): Promise<string> {
    const requestId = options.requestId ?? randomUUID();
    const directory = options.directory ?? this.#host.directoryOf(threadId);
    const request: ApprovalRequest = {
      requestId,
      toolName: options.toolName,
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.options !== undefined && options.options.length > 0 ? { options: options.options } : {}),
      ...(directory !== undefined ? { directory } : {}),
      ...(options.suggestions !== undefined ? { suggestions: options.suggestions } : {}),
      ...(options.editable === true ? { editable: true } : {}),
    };
    const threadKey = this.#host.key(threadId);
    const timeoutMs = options.timeoutMs ?? this.#o.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.pending.open({
      kind: 'approval',
      threadKey,
      request: awaited ? Object.assign({}, request, { requester: thisRequester(this.#flowId) }) : request,
      timeoutMs,
    });
    this.#remember(requestId);
    if (options.signal) this.#cancelOnAbort(requestId, options.signal);
    // Rules come before timers: a deny rule beats a running "Allow all", an ask rule makes a person decide.
    const ruled = this.rules.outcome(request);
    if (ruled.kind === 'decided') {
      await this.settle(requestId, ruled.decision);
      if (ruled.decision.behavior === 'allow') {
        this.#batcher.add(threadId, {
          toolName: request.toolName,
          reason: `rule: ${describeRule(ruled.rule)}`,
        });
      } else {
        await this.#host.postText(
          threadId,
          `🚫 ${escapeMarkdown(request.toolName)} denied by the rule "${escapeMarkdown(describeRule(ruled.rule))}"`,
        );
      }
      return requestId;
    }
    const reason =
      ruled.kind === 'ask' ? undefined : this.timers.check(threadKey, request.toolName, directory);
    if (reason) {
      await this.settle(requestId, { behavior: 'allow', scope: 'once', by: { type: 'auto', reason } });
      this.#batcher.add(threadId, { toolName: request.toolName, reason });
      return requestId;
    }
    this.#host.stopTyping(threadId);
    await this.#showCard(threadId, requestId, this.#approvalCard(request));
    const shown = this.pending.get(requestId);
    if (shown && shown.record.decisionJson === undefined) {
      this.reminders.track(threadId, threadKey, requestId, reminderLabel(request), shown.record.expiresAt);
    }
    return requestId;
  }

  /** Show a choice card. Resolves once it is visible. */
  async openChoice(threadId: string, options: RequestChoiceOptions, awaited = false): Promise<string> {
    const requestId = options.requestId ?? randomUUID();
    const request: ChoiceRequest = {
      requestId,
      question: options.question,
      options: normaliseOptions(options.options),
      ...(options.header !== undefined ? { header: options.header } : {}),
    };
    if (request.options.length === 0)
      throw new ConfigError('requestChoice needs at least one option: pass options: [...]');
    const timeoutMs = options.timeoutMs ?? this.#o.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.pending.open({
      kind: 'choice',
      threadKey: this.#host.key(threadId),
      request: awaited ? Object.assign({}, request, { requester: thisRequester(this.#flowId) }) : request,
      timeoutMs,
    });
    this.#remember(requestId);
    if (options.signal) this.#cancelOnAbort(requestId, options.signal);
    this.#host.stopTyping(threadId);
    await this.#showCard(threadId, requestId, buildChoiceCard(request, this.#codec));
    return requestId;
  }

  /**
   * Post a request's card and remember it. A card that cannot be shown cancels its request (so nobody answers
   * an invisible question by accident); if a fast tap decided it while it was being posted, it is updated now.
   */
  async #showCard(threadId: string, requestId: string, card: Card): Promise<void> {
    this.#shownCards.set(requestId, card);
    for (const oldest of this.#shownCards.keys()) {
      if (this.#shownCards.size <= MAX_REMEMBERED_TOKENS) break;
      this.#shownCards.delete(oldest);
    }
    let messageId: string;
    try {
      messageId = await this.#host.postCard(threadId, card);
    } catch (error) {
      await this.settle(requestId, { behavior: 'timeout', cancelled: true }).catch(() => undefined);
      throw error;
    }
    this.pending.setCards(requestId, [messageId]);
    const entry = this.pending.get(requestId);
    if (entry?.record.decisionJson) {
      await this.#updateCards(threadId, entry, JSON.parse(entry.record.decisionJson) as PendingDecision);
    }
  }

  /** Await a request's decision. */
  async wait(requestId: string): Promise<PendingDecision> {
    return this.pending.wait(requestId);
  }

  /** The oldest open choice of a thread, else the oldest open approval. */
  oldestOpen(threadId: string, kind: 'approval' | 'choice'): PendingEntry | undefined {
    return this.pending.listOpen(this.#host.key(threadId)).find((e) => e.kind === kind);
  }

  /** Apply a parsed text answer (the seed grammar) to an open approval. */
  answerWithText(entry: PendingEntry, parsed: ParsedApprovalText, user: ChatUser): Promise<SettleResult> {
    const by = { type: 'user', user } as const;
    if (!parsed.allow) {
      return this.settle(entry.requestId, {
        behavior: 'deny',
        by,
        ...(parsed.reason ? { reason: parsed.reason } : {}),
      });
    }
    if (parsed.timer === undefined)
      return this.settle(entry.requestId, { behavior: 'allow', scope: 'once', by });
    if (parsed.timer === 'all') return this.settle(entry.requestId, { behavior: 'allow', scope: 'all', by });
    if (parsed.timer === 'dir') return this.settle(entry.requestId, { behavior: 'allow', scope: 'dir', by });
    // "allow <Tool>" must name the pending request's tool (the timer is for that tool); any other is refused.
    const toolName = entry.kind === 'approval' ? entry.request.toolName : parsed.timer.tool;
    if (parsed.timer.tool.toLowerCase() !== toolName.toLowerCase()) {
      return Promise.resolve({ settled: false, reason: 'unknown' });
    }
    return this.settle(entry.requestId, { behavior: 'allow', scope: 'tool', by, tool: toolName });
  }

  /** Settle a request exactly once: record, start timers, update the card, tell the handlers and listeners. */
  async settle(requestId: string, given: PendingDecision): Promise<SettleResult> {
    // After an edit, an allow runs the edited input: the only cards still offering Allow show the edit.
    const edit = this.#edits.get(requestId);
    const decision: PendingDecision =
      edit && given.behavior === 'allow' && given.updatedInput === undefined
        ? { ...given, updatedInput: edit.input }
        : given;
    const result = this.pending.settle(requestId, decision);
    this.reminders.forget(requestId);
    if (!result.settled) return result;
    const { entry } = result;
    const threadId = this.#host.threadIdOf(entry.threadKey);
    const settledBy = 'by' in decision && decision.by.type === 'user' ? decision.by.user.id : undefined;
    this.#lastSettled.set(entry.threadKey, { at: this.#o.clock.now(), userId: settledBy });
    if (decision.behavior === 'allow' && entry.kind === 'approval') this.#startTimer(entry, decision);
    const by = 'by' in decision ? decision.by : undefined;
    this.#host.audit({
      action: `${entry.kind}.${decision.behavior}`,
      threadId,
      requestId,
      ...(by?.type === 'user' ? { userId: by.user.id, userName: by.user.name } : {}),
      detail: by
        ? describeDecider(by)
        : decision.behavior === 'timeout' && decision.note
          ? decision.note
          : 'timeout',
    });
    // The waiting caller hears the decision first; the card's outcome (built from the card cached when it was
    // shown) and the handler follow. Under rate limits a backlog of output must not hold the agent back either.
    this.pending.release(requestId, decision);
    for (const listener of this.#listeners) {
      try {
        listener(threadId, requestId, decision);
      } catch (error) {
        this.#host.logger.error({ err: error, requestId }, 'a decision listener threw');
      }
    }
    const cardsUpdated = this.#updateCards(threadId, entry, decision);
    await this.#notifyHandler(threadId, entry, decision);
    await cardsUpdated;
    this.#edits.delete(requestId);
    return result;
  }

  /** Handle a button tap: validate the payload, then act. */
  async tap(threadId: string | undefined, payload: string, user: ChatUser): Promise<TapAnswer> {
    const decoded = this.#codec.decode(payload);
    if (decoded?.action.type === 'revoke_rule') return this.#revokeRule(decoded.token, user);
    const requestId = decoded ? this.#tokens.get(decoded.token) : undefined;
    const entry = requestId ? this.pending.get(requestId) : undefined;
    if (!decoded || !entry || !requestId || !this.#codec.matches(decoded.token, requestId)) {
      this.#host.audit({
        action: 'tap.invalid',
        userId: user.id,
        userName: user.name,
        detail: payload.slice(0, 64),
      });
      return INACTIVE;
    }
    if (threadId !== undefined && entry.threadKey !== this.#host.key(threadId)) {
      this.#host.audit({ action: 'tap.wrong_thread', userId: user.id, userName: user.name, requestId });
      return { text: 'This button belongs to another thread.', alert: true, outcome: 'stale' };
    }
    if (entry.record.decisionJson) {
      const previous = JSON.parse(entry.record.decisionJson) as PendingDecision;
      return { text: `Already resolved: ${describeOutcome(previous)}`, outcome: 'stale' };
    }
    return this.#act(entry, decoded.action, user);
  }

  /** Full tool input of a request, for "Show all". */
  fullInput(entry: PendingEntry): string {
    if (entry.kind !== 'approval') return '';
    const { request } = entry;
    return revealHiddenCharacters(
      formatToolInputFull(request.toolName, request.input ?? parseDescription(request.description)),
    );
  }

  async #act(entry: PendingEntry, action: CardAction, user: ChatUser): Promise<TapAnswer> {
    const card =
      this.#shownCards.get(entry.requestId) ??
      (entry.kind === 'approval'
        ? this.#approvalCard(entry.request)
        : buildChoiceCard(entry.request, this.#codec));
    if (!cardOffers(card, action)) {
      this.#host.audit({
        action: 'tap.not_offered',
        userId: user.id,
        userName: user.name,
        requestId: entry.requestId,
        detail: action.type,
      });
      return { text: 'This card does not offer that action.', alert: true, outcome: 'stale' };
    }
    if (action.type === 'show_all') {
      const threadId = this.#host.threadIdOf(entry.threadKey);
      const all = entry.kind === 'approval' ? showAllContent(entry.request) : undefined;
      if (all && 'file' in all) {
        await this.#host.postFile(threadId, all.file);
        return { text: 'The whole diff is attached below.', outcome: 'info' };
      }
      await this.#host.postText(threadId, this.fullInput(entry));
      return { text: 'Full input posted below.', outcome: 'info' };
    }
    if (action.type === 'always_allow') return this.#alwaysAllow(entry, user);
    if (action.type === 'edit') {
      const field = entry.kind === 'approval' ? editableField(entry.request) : undefined;
      if (!field) return INACTIVE;
      this.#awaitingEdit.set(entry.threadKey, { requestId: entry.requestId, userId: user.id });
      await this.#host.postText(
        this.#host.threadIdOf(entry.threadKey),
        `✏️ ${escapeMarkdown(user.name)}, reply in this thread with ${editPrompt(field)}. You will see the change and approve it once more.`,
      );
      return { text: `Reply with ${editPrompt(field)}.`, outcome: 'info' };
    }
    if (action.type === 'revoke_rule') return INACTIVE;
    if (action.type === 'deny_reason') {
      return {
        text: 'Reply in this thread with the reason.',
        outcome: 'info',
        awaitReasonFor: entry.requestId,
      };
    }
    const decision = decisionForTap(entry, action, user);
    if (!decision) return INACTIVE;
    const result = await this.settle(entry.requestId, decision);
    if (result.settled) return { text: describeOutcome(decision), outcome: 'decided' };
    return result.reason === 'unknown'
      ? { text: 'This request is no longer pending.', outcome: 'stale' }
      : { text: `Already resolved: ${describeOutcome(result.previous)}`, outcome: 'stale' };
  }

  async #alwaysAllow(entry: PendingEntry, user: ChatUser): Promise<TapAnswer> {
    if (entry.kind !== 'approval' || this.timers.isNeverApproved(entry.request.toolName)) return INACTIVE;
    const edit = this.#edits.get(entry.requestId);
    const rule = this.rules.alwaysAllow(edit ? { ...entry.request, input: edit.input } : entry.request, user);
    if (!rule) return INACTIVE;
    this.#host.audit({
      action: 'rule.added',
      threadId: this.#host.threadIdOf(entry.threadKey),
      requestId: entry.requestId,
      userId: user.id,
      userName: user.name,
      detail: `rule ${rule.ruleId} (${describeRule(rule)})`,
    });
    const decision: PendingDecision = { behavior: 'allow', scope: 'once', by: { type: 'user', user } };
    const result = await this.settle(entry.requestId, decision);
    if (!result.settled) {
      // Someone else answered first: the rule stays (the person asked for it), the request keeps its answer.
      return { text: 'Rule saved; this request was already answered.', outcome: 'stale' };
    }
    return { text: `Allowed; rule saved: ${describeRule(rule)}`, outcome: 'decided' };
  }

  async #revokeRule(token: string, user: ChatUser): Promise<TapAnswer> {
    const rule = this.rules.revokeByToken(token);
    if (!rule) return { text: 'That rule is already gone.', outcome: 'stale' };
    this.#host.audit({
      action: 'rule.revoked',
      userId: user.id,
      userName: user.name,
      detail: `rule ${rule.ruleId} (${describeRule(rule)})`,
    });
    return { text: `Revoked: ${describeRule(rule)}`, outcome: 'decided' };
  }

  /**
   * The person's reply after "Edit": store the corrected input, retire the old card's buttons and show the
   * change as a diff on a new card that asks once more. Returns false when this message is not such a reply.
   */
  async takeEditReply(threadId: string, user: ChatUser, text: string): Promise<boolean> {
    const threadKey = this.#host.key(threadId);
    const awaiting = this.#awaitingEdit.get(threadKey);
    if (!awaiting || awaiting.userId !== user.id) return false;
    this.#awaitingEdit.delete(threadKey);
    const entry = this.pending.get(awaiting.requestId);
    if (!entry || entry.kind !== 'approval' || entry.record.decisionJson !== undefined) return false;
    const input = editedInput(entry.request, text);
    if (!input) return false;
    const before = JSON.parse(entry.record.cardJson) as string[];
    const original = this.#approvalCard(entry.request);
    this.#edits.set(entry.requestId, { input, by: user.name });
    this.#host.audit({
      action: 'approval.edited',
      threadId,
      requestId: entry.requestId,
      userId: user.id,
      userName: user.name,
    });
    const retired = resolvedCard(
      original,
      `✏️ Edited by ${escapeMarkdown(user.name)}: see the new card below`,
    );
    await Promise.allSettled(before.map((id) => this.#host.editCard(threadId, id, retired)));
    const messageId = await this.#host.postCard(threadId, this.#approvalCard(entry.request));
    this.pending.setCards(entry.requestId, [...before, messageId]);
    return true;
  }

  /** Post the `/rules` list with revoke buttons in a thread. */
  async showRules(threadId: string): Promise<void> {
    await this.#host.postCard(threadId, this.rules.listCard());
  }

  #startTimer(
    entry: Extract<PendingEntry, { kind: 'approval' }>,
    decision: Extract<ApprovalDecision, { behavior: 'allow' }>,
  ): void {
    const threadKey = entry.threadKey;
    switch (decision.scope) {
      case 'once':
        return;
      case 'tool':
        this.timers.allowTool(threadKey, decision.tool ?? entry.request.toolName);
        return;
      case 'all':
        this.timers.allowAll(threadKey);
        return;
      case 'dir':
        // As the seed: without a directory, "allow dir" trusts the whole thread.
        if (entry.request.directory) this.timers.allowDirectory(entry.request.directory);
        else this.timers.allowAll(threadKey);
        return;
      default: {
        const never: never = decision.scope;
        throw new TetherError('CONFIG', `unknown scope ${String(never)}`);
      }
    }
  }

  #approvalCard(request: ApprovalRequest): Card {
    const edit = this.#edits.get(request.requestId);
    const formatted = edit ? editedBody(request, edit.input) : approvalBody(request);
    return buildApprovalCard({
      request,
      codec: this.#codec,
      formattedInput: formatted.markdown,
      truncated: formatted.truncated,
      hasDirectory: request.directory !== undefined,
      timerMs: this.timers.durationMs,
      neverAutoApprove: this.timers.isNeverApproved(request.toolName),
      alwaysAllow: this.rules.offer(edit ? { ...request, input: edit.input } : request),
      editable: editableField(request) !== undefined,
    });
  }

  async #updateCards(threadId: string, entry: PendingEntry, decision: PendingDecision): Promise<void> {
    const messageIds = JSON.parse(entry.record.cardJson) as string[];
    if (messageIds.length === 0) return;
    const card =
      this.#shownCards.get(entry.requestId) ??
      (entry.kind === 'approval'
        ? this.#approvalCard(entry.request)
        : buildChoiceCard(entry.request, this.#codec));
    this.#shownCards.delete(entry.requestId);
    const done = resolvedCard(card, describeDecision(decision, this.timers.durationMs));
    await Promise.allSettled(messageIds.map((id) => this.#host.editCard(threadId, id, done)));
  }

  async #notifyHandler(threadId: string, entry: PendingEntry, decision: PendingDecision): Promise<void> {
    const handler = this.#host.handlers.onApprovalResponse;
    if (!handler) return;
    const approved = decision.behavior === 'allow' || decision.behavior === 'selected';
    const by = 'by' in decision ? decision.by : undefined;
    const details: ApprovalResponseDetails = {
      decision,
      ...(by?.type === 'user' ? { user: by.user } : {}),
      ...(decision.behavior === 'deny' && decision.reason ? { reason: decision.reason } : {}),
      ...(decision.behavior === 'timeout' ? { reason: decision.cancelled ? 'cancelled' : 'timeout' } : {}),
      ...(decision.behavior === 'allow' && decision.scope !== 'once' ? { timer: decision.scope } : {}),
      ...(decision.behavior === 'selected' ? { selected: decision.label } : {}),
    };
    try {
      await handler(threadId, entry.requestId, approved, details);
    } catch (error) {
      this.#host.logger.error({ err: error, threadId }, 'onApprovalResponse handler threw');
    }
  }

  /**
   * Remember a request's button token. Tokens of decided requests are kept (a late tap learns who decided)
   * but bounded: the oldest are forgotten past {@link MAX_REMEMBERED_TOKENS}.
   */
  #remember(requestId: string): void {
    this.#tokens.set(this.#codec.tokenFor(requestId), requestId);
    for (const oldest of this.#tokens.keys()) {
      if (this.#tokens.size <= MAX_REMEMBERED_TOKENS) break;
      this.#tokens.delete(oldest);
    }
  }

  /** Settle from a timer or an abort signal: nobody awaits it, so failures are logged, never thrown. */
  #settleQuietly(requestId: string, decision: PendingDecision): void {
    this.settle(requestId, decision).catch((error: unknown) =>
      this.#host.logger.error({ err: error, requestId }, 'could not settle an approval request'),
    );
  }

  #cancelOnAbort(requestId: string, signal: AbortSignal): void {
    // A string abort reason is the requester's note for the card (e.g. "Answered in the terminal").
    const cancel = () =>
      this.#settleQuietly(requestId, {
        behavior: 'timeout',
        cancelled: true,
        ...(typeof signal.reason === 'string' ? { note: signal.reason } : {}),
      });
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  }
}
