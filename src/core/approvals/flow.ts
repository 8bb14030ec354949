// Over 400 lines: one class settles each request exactly once; taps, auto-decisions, decision effects, edits, cards and requests are in their own files here.
/**
 * The approval flow of one bridge: opening requests (or auto-approving them), showing cards, settling
 * exactly once from a tap, a text answer, a timer, a timeout or another platform, and updating the cards.
 * @module
 */
import { describeBatch, NotificationBatcher } from '../batcher.js';
import { ConfigError } from '../errors.js';
import { ApprovalReminders } from '../reminders.js';
import { RuleBook } from '../rules/book.js';
import { RuleCardActions } from '../rules/card-actions.js';
import type {
  ApprovalDecision,
  ApprovalRequest,
  ChatUser,
  ChoiceRequest,
  RequestApprovalOptions,
  RequestChoiceOptions,
} from '../types.js';
import { decideAtOnce, decideWithoutAsking } from './auto-decide.js';
import {
  buildApprovalCard,
  buildChoiceCard,
  type Card,
  describeDecider,
  describeDecision,
  resolvedCard,
} from './cards.js';
import { PayloadCodec } from './codec.js';
import {
  AfterDecisions,
  notifyResponseHandler,
  type OutcomeCards,
  reserveOutcomeCards,
  startTimerFor,
} from './decision-effects.js';
import { approvalBody } from './diff-card.js';
import { EditThenApprove } from './edit-then-approve.js';
import { editableField, editedBody } from './edits.js';
import {
  type ApprovalFlowOptions,
  type ApprovalHost,
  type DecisionListener,
  REPLACEMENT_WINDOW_MS,
  type TapAnswer,
} from './flow-types.js';
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
import { approvalRequestOf, newRequestId, normaliseOptions, reminderLabel } from './requests.js';
import { ShownCards } from './shown-cards.js';
import { decisionForText } from './tap-actions.js';
import { handleTap, type TapContext } from './taps.js';
import { AutoApproveTimers } from './timers.js';

export {
  type ApprovalFlowOptions,
  type ApprovalHost,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  type DecisionListener,
  REPLACEMENT_WINDOW_MS,
  type TapAnswer,
} from './flow-types.js';

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
  /** Cards shown for open requests and the button tokens answered. */
  readonly #cards: ShownCards;
  readonly #listeners = new Set<DecisionListener>();
  readonly #after = new AfterDecisions();
  /** This flow as the requester of the requests it awaits (see requester.ts). */
  #flowId = startFlow();
  /** Set by dispose(): an abort after that (a router racing a stopping bridge) leaves the stored request open. */
  #disposed = false;
  /** Edited inputs of open requests and the corrections awaited ("Edit", then a reply). */
  readonly #edits: EditThenApprove;
  /** What a button tap uses. */
  readonly #taps: TapContext;
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
    this.#codec = PayloadCodec.forStore(options.store);
    this.#cards = new ShownCards(this.#codec, (entry) => this.#cardOf(entry));
    this.#edits = new EditThenApprove(host, this.pending);
    const book = new RuleBook({
      store: options.store,
      clock: options.clock,
      ...(options.rules !== undefined ? { configRules: options.rules } : {}),
      neverAutoApprove: (tool) => this.timers.isNeverApproved(tool),
    });
    this.rules = new RuleCardActions(book, this.#codec);
    this.#taps = {
      host,
      codec: this.#codec,
      cards: this.#cards,
      pending: this.pending,
      edits: this.#edits,
      rules: this.rules,
      isNeverApproved: (tool) => this.timers.isNeverApproved(tool),
      editedInputOf: (requestId) => this.#edits.inputOf(requestId),
      settle: (requestId, decision) => this.settle(requestId, decision),
    };
    this.reminders = new ApprovalReminders(host, options.clock, options.reminders);
    this.#batcher = new NotificationBatcher(
      (threadId, items) => {
        this.#host.postText(threadId, describeBatch(items)).catch((error: unknown) => {
          this.#host.logger.warn({ err: error, threadId }, 'could not post auto-approve notice');
        });
      },
      options.clock,
      options.notificationQuietMs,
    );
  }

  /** Re-arm timeouts and button tokens of requests left open by an earlier run. */
  restore(): void {
    this.#disposed = false;
    endFlow(this.#flowId);
    this.#flowId = startFlow();
    for (const entry of this.pending.restore()) this.#cards.rememberToken(entry.requestId);
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
      await this.#showCard(threadId, entry.requestId, this.#cardOf(entry));
    }
  }

  /**
   * Post the card of every request open in `threadId` whose card was never recorded: its poster (another host
   * holding the bot) died between posting it and storing its message id, or before posting it. Resolves with how
   * many were shown; their buttons answer as the first card's would.
   */
  async showUnrecordedCards(threadId: string): Promise<number> {
    const unrecorded = this.pending
      .listOpen(this.#host.key(threadId))
      .filter((entry) => entry.record.cardJson === '[]');
    for (const entry of unrecorded) await this.#showCard(threadId, entry.requestId, this.#cardOf(entry));
    return unrecorded.length;
  }

  /** Stop timers; flush batched notices. */
  dispose(): void {
    this.#disposed = true;
    endFlow(this.#flowId);
    this.pending.dispose();
    this.reminders.dispose();
    this.#batcher.flushAll();
  }

  /** Post a thread's batched auto-approve notices now (before a status line, so they keep their place). */
  flushNotices(threadId: string): void {
    this.#batcher.flushThread(threadId);
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
    const requestId = options.requestId ?? newRequestId();
    const directory = options.directory ?? this.#host.directoryOf(threadId);
    const request = approvalRequestOf(requestId, options, directory);
    const threadKey = this.#host.key(threadId);
    const timeoutMs = options.timeoutMs ?? this.#o.approvalTimeoutMs;
    this.pending.open({
      kind: 'approval',
      threadKey,
      request: awaited ? Object.assign({}, request, { requester: thisRequester(this.#flowId) }) : request,
      timeoutMs,
    });
    this.#cards.rememberToken(requestId);
    if (options.signal) this.#cancelOnAbort(requestId, options.signal);
    const auto = { host: this.#host, rules: this.rules, timers: this.timers, batcher: this.#batcher };
    const settle = (id: string, decision: PendingDecision) => this.settle(id, decision);
    const decided = decideWithoutAsking({ ...auto, settle }, threadId, threadKey, request);
    if (decided) {
      await decided;
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

  /**
   * Decide a request a rule or a running timer decides, without a pending request, a card or the typing
   * indicator (see {@link decideAtOnce}); undefined when a person must decide. `serve` answers hooks with it.
   */
  decideWithoutPerson(threadId: string, options: RequestApprovalOptions): ApprovalDecision | undefined {
    const request = approvalRequestOf(
      options.requestId ?? newRequestId(),
      options,
      options.directory ?? this.#host.directoryOf(threadId),
    );
    const threadKey = this.#host.key(threadId);
    const auto = { host: this.#host, rules: this.rules, timers: this.timers, batcher: this.#batcher };
    const decision = decideAtOnce(auto, threadId, threadKey, request);
    if (decision) this.#lastSettled.set(threadKey, { at: this.#o.clock.now(), userId: undefined });
    return decision;
  }

  /** Show a choice card. Resolves once it is visible. */
  async openChoice(threadId: string, options: RequestChoiceOptions, awaited = false): Promise<string> {
    const requestId = options.requestId ?? newRequestId();
    const request: ChoiceRequest = {
      requestId,
      question: options.question,
      options: normaliseOptions(options.options),
      ...(options.header !== undefined ? { header: options.header } : {}),
    };
    if (request.options.length === 0)
      throw new ConfigError('requestChoice needs at least one option: pass options: [...]');
    const timeoutMs = options.timeoutMs ?? this.#o.approvalTimeoutMs;
    this.pending.open({
      kind: 'choice',
      threadKey: this.#host.key(threadId),
      request: awaited ? Object.assign({}, request, { requester: thisRequester(this.#flowId) }) : request,
      timeoutMs,
    });
    this.#cards.rememberToken(requestId);
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
    this.#cards.shown(requestId, card);
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
    const decision = decisionForText(entry, parsed, user);
    if (!decision) return Promise.resolve({ settled: false, reason: 'unknown' });
    return this.settle(entry.requestId, decision);
  }

  /** Settle a request exactly once: record, start timers, update the card, tell the handlers and listeners. */
  async settle(requestId: string, given: PendingDecision): Promise<SettleResult> {
    // After an edit, an allow runs the edited input: the only cards still offering Allow show the edit.
    const edited = this.#edits.inputOf(requestId);
    const decision: PendingDecision =
      edited && given.behavior === 'allow' && given.updatedInput === undefined
        ? { ...given, updatedInput: edited }
        : given;
    const result = this.pending.settle(requestId, decision);
    this.reminders.forget(requestId);
    if (!result.settled) return result;
    const { entry } = result;
    const threadId = this.#host.threadIdOf(entry.threadKey);
    const settledBy = 'by' in decision && decision.by.type === 'user' ? decision.by.user.id : undefined;
    this.#lastSettled.set(entry.threadKey, { at: this.#o.clock.now(), userId: settledBy });
    if (decision.behavior === 'allow' && entry.kind === 'approval')
      startTimerFor(this.timers, entry, decision);
    const by = 'by' in decision ? decision.by : undefined;
    try {
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
    } catch (error) {
      // The decision is recorded: a failed audit write must not keep it from the agent.
      this.#host.logger.error({ err: error, requestId }, 'could not audit a decision');
    }
    // The card's outcome takes its place among the thread's messages now, so whatever the agent says once it hears
    // the decision comes after it; it is drawn (from the card cached when it was shown) after the waiting caller
    // has heard the decision, with the handler. Under rate limits a backlog of output must not hold the agent back.
    const outcome = this.#reserveOutcomeCards(threadId, entry, decision);
    this.pending.release(requestId, decision);
    for (const listener of this.#listeners) {
      try {
        listener(threadId, requestId, decision);
      } catch (error) {
        this.#host.logger.error({ err: error, requestId }, 'a decision listener threw');
      }
    }
    await this.#after.run(async () => {
      outcome.draw();
      await notifyResponseHandler(this.#host, threadId, entry, decision);
      await outcome.drawn;
      this.#edits.forget(requestId);
    });
    return result;
  }

  /** Resolves once the outcome cards and handlers of every decision so far are done (edits queued). */
  idle(): Promise<void> {
    return this.#after.idle();
  }

  /** Handle a button tap: validate the payload, then act. */
  tap(threadId: string | undefined, payload: string, user: ChatUser): Promise<TapAnswer> {
    return handleTap(this.#taps, threadId, payload, user);
  }

  /**
   * The person's reply after "Edit": store the corrected input, retire the old card's buttons and show the
   * change as a diff on a new card that asks once more. Returns false when this message is not such a reply.
   */
  takeEditReply(threadId: string, user: ChatUser, text: string): Promise<boolean> {
    return this.#edits.takeReply(threadId, user, text, (entry) => this.#approvalCard(entry.request));
  }

  /** Post the `/rules` list with revoke buttons in a thread. */
  async showRules(threadId: string): Promise<void> {
    await this.#host.postCard(threadId, this.rules.listCard());
  }

  #cardOf(entry: PendingEntry): Card {
    return entry.kind === 'approval'
      ? this.#approvalCard(entry.request)
      : buildChoiceCard(entry.request, this.#codec);
  }

  #approvalCard(request: ApprovalRequest): Card {
    const edited = this.#edits.inputOf(request.requestId);
    const formatted = edited ? editedBody(request, edited) : approvalBody(request);
    return buildApprovalCard({
      request,
      codec: this.#codec,
      formattedInput: formatted.markdown,
      truncated: formatted.truncated,
      hasDirectory: request.directory !== undefined,
      timerMs: this.timers.durationMs,
      neverAutoApprove: this.timers.isNeverApproved(request.toolName),
      alwaysAllow: this.rules.offer(edited ? { ...request, input: edited } : request),
      editable: editableField(request) !== undefined,
    });
  }

  async #updateCards(threadId: string, entry: PendingEntry, decision: PendingDecision): Promise<void> {
    const outcome = this.#reserveOutcomeCards(threadId, entry, decision);
    outcome.draw();
    await outcome.drawn;
  }

  #reserveOutcomeCards(threadId: string, entry: PendingEntry, decision: PendingDecision): OutcomeCards {
    const messageIds = JSON.parse(entry.record.cardJson) as string[];
    return reserveOutcomeCards(this.#host, threadId, messageIds, () =>
      resolvedCard(this.#cards.take(entry), describeDecision(decision, this.timers.durationMs)),
    );
  }

  /** Settle from a timer or an abort signal: nobody awaits it, so failures are logged, never thrown. */
  #settleQuietly(requestId: string, decision: PendingDecision): void {
    this.settle(requestId, decision).catch((error: unknown) =>
      this.#host.logger.error({ err: error, requestId }, 'could not settle an approval request'),
    );
  }

  #cancelOnAbort(requestId: string, signal: AbortSignal): void {
    // A string abort reason is the requester's note for the card (e.g. "Answered in the terminal").
    const cancel = () => {
      // A stopped bridge keeps its requests answerable (after a restart, or by another host on a shared store).
      if (this.#disposed) return;
      this.#settleQuietly(requestId, {
        behavior: 'timeout',
        cancelled: true,
        ...(typeof signal.reason === 'string' ? { note: signal.reason } : {}),
      });
    };
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  }
}
