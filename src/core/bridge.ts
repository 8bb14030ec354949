// Over 400 lines on purpose: one class is the public API every bridge inherits, each method a short forward; its parts live in platform-hooks.ts (what a platform overrides), bridge-host.ts (the way out), bridge-engine.ts (flow, inbound, files) and bridge-run.ts (start/stop).
/**
 * The abstract `Bridge`: everything platform-neutral about connecting agents to people — lifecycle,
 * threads, output through the outbox, status, typing, approvals and choices, commands, authorization,
 * and inbound dispatch in the seed's order (pending choice → pending approval text → command → input).
 * Platforms subclass it and override the hooks of {@link PlatformHooks} (`platform-hooks.ts`).
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { DecisionListener, TapAnswer } from './approvals/flow.js';
import type { PendingDecision, SettleResult } from './approvals/pending.js';
import { Authorizer } from './auth.js';
import { type BridgeEngine, createBridgeEngine } from './bridge-engine.js';
import { BridgeHost } from './bridge-host.js';
import { authOptionsOf, BRIDGE_DEFAULTS, type BridgeOptions, STATE_EMOJI } from './bridge-options.js';
import { BridgeRun } from './bridge-run.js';
import { CommandRegistry } from './commands.js';
import { ErrorDebouncer } from './debounce.js';
import { ConfigError, TetherError, UnknownThreadError } from './errors.js';
import { HandlerSet } from './handlers.js';
import type { IncomingFile } from './inbound-files.js';
import { Outbox, type OutboxTransport } from './outbox.js';
import type { OutgoingFile } from './outgoing-file.js';
import { PlatformHooks } from './platform-hooks.js';
import { MemoryStore } from './store/memory.js';
import { SqliteStore } from './store/sqlite.js';
import type { AuditEntry, Store, StoredThread } from './store/types.js';
import {
  type ApprovalDecision,
  type ApprovalRequester,
  type ChatUser,
  type ChoiceDecision,
  type Clock,
  type Handlers,
  type Logger,
  type RequestApprovalOptions,
  type RequestChoiceOptions,
  silentLogger,
  systemClock,
  type ThreadId,
  type ThreadState,
} from './types.js';
import { TypingIndicators } from './typing.js';

export { BRIDGE_DEFAULTS, type BridgeOptions, STATE_EMOJI } from './bridge-options.js';

/** The answer to a tap whose handling failed (the error is logged). */
export const TAP_FAILED_ANSWER: TapAnswer = {
  text: 'Something went wrong; it was logged. Try again or answer with text.',
  alert: true,
  outcome: 'info',
};

/** Base class of every bridge. */
export abstract class Bridge extends PlatformHooks implements ApprovalRequester, AsyncDisposable {
  /** The handlers: the application's, plus any added with {@link Bridge.use}. */
  readonly handlers: HandlerSet;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly commands: CommandRegistry;
  /** Who may act. Available after construction. */
  readonly auth: Authorizer;
  readonly #options: BridgeOptions;
  readonly #store: Store;
  readonly #ownsStore: boolean;
  #storeClosed = false;
  readonly #debouncer: ErrorDebouncer;
  readonly #typing: TypingIndicators;
  /** The way out (threads, masking, transport and outbox) the engine talks to; delivery is set up at start. */
  readonly #host: BridgeHost;
  /** The approval flow and inbound dispatch: built in the constructor, so commands are listed before start. */
  readonly #engine: BridgeEngine;
  readonly #run: BridgeRun;

  constructor(options: BridgeOptions, platform: string) {
    super();
    this.#options = options;
    this.#run = new BridgeRun(platform);
    this.handlers = new HandlerSet(options.handlers);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.#ownsStore = options.store === undefined;
    this.#store =
      options.store ??
      (options.dataDir === ':memory:' ? new MemoryStore() : SqliteStore.open(options.dataDir));
    this.#debouncer = new ErrorDebouncer(
      this.clock,
      options.errorDebounceMs ?? BRIDGE_DEFAULTS.errorDebounceMs,
    );
    this.auth = new Authorizer({
      platform,
      store: this.#store,
      clock: this.clock,
      maskAudit: (text, threadId) => this.#host.secrets.plain(threadId, text),
      ...authOptionsOf(options),
    });
    this.commands = new CommandRegistry(this.commandPrefix());
    this.#host = new BridgeHost({
      platform,
      store: this.#store,
      clock: this.clock,
      logger: this.logger,
      handlers: this.handlers,
      secretMasking: options.secretMasking,
      // The host calls back into the platform's hooks only through these five.
      side: {
        renderCard: (card) => this.renderCard(card),
        sendFile: (threadId, file) => this.sendFile(threadId, file),
        postGeneral: (markdown) => this.postGeneral(markdown),
        stopTyping: (threadId) => this.stopTyping(threadId),
        getThread: (threadId) => this.getThread(threadId),
      },
    });
    this.#typing = new TypingIndicators(
      this.clock,
      this.logger,
      (threadId) => this.typingPing(threadId),
      () => this.typingIntervalMs(),
    );
    this.#engine = createBridgeEngine({
      host: this.#host,
      options,
      store: this.#store,
      clock: this.clock,
      commands: this.commands,
      auth: this.auth,
      prefix: this.commandPrefix(),
      ownsStore: this.#ownsStore,
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connect and start receiving. Idempotent: a second call while running (or starting) waits for the first. */
  start(): Promise<void> {
    return this.#run.start({
      check: () => {
        if (this.#storeClosed) {
          throw new TetherError(
            'CONFIG',
            `${this.platform}: this bridge closed its own store when it stopped; create a new bridge, or pass \`store\` to restart one`,
          );
        }
      },
      connect: async (signal) => {
        this.#setupDelivery();
        this.#host.threads.load();
        // Restore first: a push platform may deliver a tap on an old card as soon as it is connected.
        this.#engine.flow.restore();
        await this.connect(signal);
      },
      ready: () => this.#ready(),
    });
  }

  /**
   * Stop: flush notices, wait for queued output (at most `stopDrainMs`), disconnect. Idempotent. A failing
   * `disconnect()` is logged, never thrown: the bridge is stopped either way.
   */
  stop(): Promise<void> {
    return this.#run.stop(async () => {
      this.#typing.stopAll();
      const { flow } = this.#engine;
      flow.dispose();
      // Outcome cards of decisions just made are queued first (flow.idle()), then everything is delivered.
      await this.#host.drainWithin(
        () => flow.idle(),
        this.#options.stopDrainMs ?? BRIDGE_DEFAULTS.stopDrainMs,
      );
      try {
        await this.disconnect();
      } catch (error) {
        this.logger.warn(
          { err: error, platform: this.platform },
          'disconnecting failed; the bridge is stopped anyway',
        );
      }
      if (this.#ownsStore) {
        this.#store.close();
        this.#storeClosed = true;
      }
      this.logger.info({ platform: this.platform }, 'bridge stopped');
    });
  }

  /** Resolves when `stop()` has finished. */
  waitUntilStopped(): Promise<void> {
    return this.#run.waitUntilStopped();
  }

  /** `await using bridge = …` stops it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** True between a finished `start()` and `stop()`. */
  get running(): boolean {
    return this.#run.running;
  }

  /** The store (shared with subclasses for platform state). */
  get store(): Store {
    return this.#store;
  }

  /** Add handlers beside the application's (e.g. one set per supervised session). Returns a remover. */
  use(handlers: Handlers): () => void {
    return this.handlers.add(handlers);
  }

  // ---------------------------------------------------------------- threads

  /**
   * Create a thread for an agent session. Names are unique per platform ("Repo", "Repo 2", …), also across restarts.
   * @returns the thread id.
   */
  async createThread(name: string, options: { directory?: string } = {}): Promise<ThreadId> {
    this.#run.requireRunning('createThread');
    const unique = this.#host.threads.uniqueName(this.#host.secrets.text(undefined, name));
    const ref = await this.openThread(unique, options);
    this.#host.threads.add(ref, unique, options.directory);
    return ref;
  }

  /** Forget a thread: its pending requests are denied (timeout), its timers, notices and mapping removed. */
  async removeThread(threadId: ThreadId): Promise<void> {
    const { flow, inbound } = this.#engine;
    for (const entry of flow.pending.listOpen(this.#host.key(threadId))) {
      await flow.settle(entry.requestId, { behavior: 'timeout', cancelled: true });
    }
    this.stopTyping(threadId);
    this.#debouncer.removeThread(threadId);
    inbound.forgetThread(threadId);
    flow.forgetThread(threadId);
    this.#host.outboxIfAny?.forget(threadId);
    this.#host.secrets.forget(threadId);
    this.#host.threads.remove(threadId);
    this.threadRemoved(threadId);
  }

  /** Known threads of this bridge. */
  listThreads(): StoredThread[] {
    return this.#host.threads.list();
  }

  /** The thread's record, or undefined (see {@link Bridge.threadFromElsewhere}). */
  getThread(threadId: ThreadId): StoredThread | undefined {
    return this.#host.threads.get(threadId) ?? this.threadFromElsewhere(threadId);
  }

  // ---------------------------------------------------------------- output

  /** Send agent output (Markdown). Resolves once visible; rejects with a TetherError if it can never be delivered. */
  async sendOutput(threadId: ThreadId, text: string): Promise<void> {
    this.#requireThread(threadId);
    this.stopTyping(threadId);
    return this.outbox.output(threadId, this.#host.secrets.output(threadId, text));
  }

  /** Post a thread status line with its emoji. Error notices are debounced (`errorDebounceMs`). */
  async sendStatus(threadId: ThreadId, state: ThreadState, detail?: string): Promise<void> {
    this.#requireThread(threadId);
    this.threadStateChanged(threadId, state);
    if (state === 'error' && !this.#debouncer.shouldSend(threadId)) return;
    if (state !== 'running') this.stopTyping(threadId);
    // Auto-approve notices still held back for batching happened before this status: they go first.
    this.#engine.flow.flushNotices(threadId);
    const text = `${STATE_EMOJI[state]} Status: ${state.replace('_', ' ')}${detail ? ` — ${detail}` : ''}`;
    await this.postMarkdown(threadId, text);
  }

  /** Show a typing indicator, renewed until output, an approval, or `stopTyping`. */
  sendTyping(threadId: ThreadId): void {
    this.#requireThread(threadId);
    this.#typing.start(threadId);
  }

  /** Stop the typing indicator. */
  stopTyping(threadId: ThreadId): void {
    this.#typing.stop(threadId);
    this.typingStopped(threadId);
  }

  /** True while a typing indicator is being renewed. */
  isTyping(threadId: ThreadId): boolean {
    return this.#typing.isActive(threadId);
  }

  // ---------------------------------------------------------------- approvals

  /** The seed's fire-and-forget approval request: answers go to `handlers.onApprovalResponse`. */
  async sendApprovalRequest(
    threadId: ThreadId,
    request: {
      requestId: string;
      toolName: string;
      description?: string;
      input?: Record<string, unknown>;
      timeoutMs?: number;
    },
  ): Promise<void> {
    this.#requireThread(threadId);
    await this.#engine.flow.openApproval(threadId, request);
  }

  /** The seed's choice request: answers go to `handlers.onApprovalResponse` with `selected`. */
  async sendChoiceRequest(
    threadId: ThreadId,
    request: {
      requestId: string;
      question: string;
      options: readonly string[];
      header?: string;
      timeoutMs?: number;
    },
  ): Promise<void> {
    this.#requireThread(threadId);
    await this.#engine.flow.openChoice(threadId, request);
  }

  /**
   * Ask a person to allow a tool call and wait for the decision. A timeout resolves as `{ behavior: 'timeout' }`,
   * which callers must treat as a deny.
   * @example
   * ```ts
   * const decision = await bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
   * if (decision.behavior === 'allow') run();
   * ```
   */
  async requestApproval(threadId: ThreadId, options: RequestApprovalOptions): Promise<ApprovalDecision> {
    this.#requireThread(threadId);
    const requestId = await this.#engine.flow.openApproval(threadId, options, true);
    return (await this.#engine.flow.wait(requestId)) as ApprovalDecision;
  }

  /**
   * Decide an approval without asking anyone when a rule or a running auto-approve timer does (deny rules and
   * never-auto-approve as in {@link requestApproval}); only the audit record and the usual notice are written.
   * Returns undefined when a person must decide: then call `requestApproval`. `serve` answers hooks with it.
   */
  decideWithoutPerson(threadId: ThreadId, options: RequestApprovalOptions): ApprovalDecision | undefined {
    this.#requireThread(threadId);
    return this.#engine.flow.decideWithoutPerson(threadId, options);
  }

  /** Ask a person to pick an option and wait for the answer. */
  async requestChoice(threadId: ThreadId, options: RequestChoiceOptions): Promise<ChoiceDecision> {
    this.#requireThread(threadId);
    const requestId = await this.#engine.flow.openChoice(threadId, options, true);
    return (await this.#engine.flow.wait(requestId)) as ChoiceDecision;
  }

  /** Settle a request from outside (another platform answered first). Later answers change nothing. */
  resolveRequest(requestId: string, decision: PendingDecision): Promise<SettleResult> {
    return this.#engine.flow.settle(requestId, decision);
  }

  /**
   * Show the cards of a thread's open requests whose card was never recorded (a host sharing the bot died while
   * posting it). Resolves with how many were shown.
   */
  showUnrecordedCards(threadId: ThreadId): Promise<number> {
    return this.#engine.flow.showUnrecordedCards(threadId);
  }

  /** Be told of every decision on this bridge. Returns an unsubscribe function. */
  onDecision(listener: DecisionListener): () => void {
    return this.#engine.flow.onDecision(listener);
  }

  /** Audit records of this store (who decided what, when, where). */
  auditLog(filter?: { threadId?: string; requestId?: string; limit?: number }): AuditEntry[] {
    return this.#store.listAudit(filter);
  }

  // ---------------------------------------------------------------- for subclasses

  /** Deliver a person's message. `threadId` undefined means a general channel (commands only). */
  protected handleMessage(message: {
    threadId: ThreadId | undefined;
    user: ChatUser;
    text: string;
  }): Promise<void> {
    return this.#engine.inbound.message(message);
  }

  /**
   * Deliver a button tap; returns the short answer to show the person. Never rejects: when handling the tap
   * throws, the error is logged and the answer is {@link TAP_FAILED_ANSWER}, so the platform always answers
   * the tap (Discord would otherwise show "This interaction failed", Telegram a spinner that never stops).
   */
  protected async handleTap(tap: {
    threadId: ThreadId | undefined;
    user: ChatUser;
    payload: string;
  }): Promise<TapAnswer> {
    try {
      return await this.#engine.inbound.tap(tap);
    } catch (error) {
      this.logger.error({ err: error, platform: this.platform }, 'handling a button tap failed');
      return TAP_FAILED_ANSWER;
    }
  }

  /**
   * Call a person's attention in a thread: a new message that mentions them where the platform has mentions
   * (escalation). `userId` is the platform's user id.
   */
  async notifyPerson(threadId: ThreadId, userId: string, markdown: string): Promise<void> {
    this.#requireThread(threadId);
    await this.postMention(threadId, userId, this.#host.secrets.text(threadId, markdown));
  }

  /**
   * Deliver a file a person sent (photo, document, voice note): saved in the thread's attachment directory and
   * given to `onAttachment`, or transcribed into input. Only authorized people's files are downloaded.
   */
  protected handleFile(file: IncomingFile): Promise<void> {
    return this.#engine.files.receive(file);
  }

  /** The directory where the files people send in `threadId` are saved. */
  attachmentDir(threadId: ThreadId): string {
    return this.#engine.files.directoryOf(threadId);
  }

  /**
   * Render and post Markdown as a standalone message (ends edit-in-place streaming). Secrets are masked.
   * `priority`: a reply to a person, sent ahead of the agent's queued output.
   */
  protected override postMarkdown(threadId: ThreadId, markdown: string, priority = false): Promise<void> {
    return this.#host.postText(threadId, markdown, priority);
  }

  /**
   * Send a file to a thread (an agent's file or image, the whole diff of "Show all"). A text file's content
   * and the caption are masked like every other text sent (credentials never leave in a file either); binary
   * files (images) are sent as they are. Resolves once the platform has it.
   */
  async sendFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    this.#requireThread(threadId);
    await this.postFile(threadId, this.#host.secrets.file(threadId, file));
  }

  /** The outbox (created at start). */
  protected get outbox(): Outbox {
    return this.#host.outbox;
  }

  /** The platform transport (created at start). */
  protected override get transport(): OutboxTransport {
    return this.#host.transport;
  }

  /** Audit an action on this platform (free text is masked: the audit log never holds a secret). */
  protected audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void {
    this.#host.audit(entry);
  }

  /**
   * Mask the secrets in a text about to be sent to `threadId` (undefined: a general channel). Output, status,
   * cards, "Show all", replies and audit records already pass here; route any new outgoing text through it too
   * (a file's name or content, a diff), before rendering — or into your own audit records.
   */
  maskOutgoing(threadId: ThreadId | undefined, text: string): string {
    return this.#host.secrets.text(threadId, text);
  }

  /**
   * Post the card of every request still open in `threadId` again, in place of the earlier ones: for a platform
   * whose messages did not outlive the previous process (the web page).
   */
  protected reshowOpenCards(threadId: ThreadId): Promise<void> {
    return this.#engine.flow.reshowOpenCards(threadId);
  }

  /** Resolves once the outcome cards of every decision so far are queued and all queued output is delivered. */
  protected async delivered(): Promise<void> {
    await this.#engine.flow.idle();
    await this.outbox.drain();
  }

  // ---------------------------------------------------------------- internals

  /** The transport and the outbox, made once, at the first start (a subclass is fully constructed by then). */
  #setupDelivery(): void {
    if (this.#host.delivering) return;
    const transport = this.createTransport();
    const outbox = new Outbox({ transport, clock: this.clock, logger: this.logger, ...this.rateLimits() });
    this.#host.deliverThrough(transport, outbox);
  }

  /** The bridge is running: end orphaned requests, log what a person setting it up must know, let the platform go. */
  #ready(): void {
    this.logger.info({ platform: this.platform }, 'bridge started');
    if (this.#options.endOrphanedRequests !== false)
      this.#engine.flow
        .endOrphans()
        .catch((error: unknown) =>
          this.logger.error({ err: error }, 'could not end requests left by a session that is gone'),
        );
    if (!this.#host.secrets.enabled) {
      this.logger.warn(
        { platform: this.platform },
        'secret masking is off (secretMasking.enabled: false): tokens and passwords in agent output are sent to the chat as is',
      );
    }
    if (this.auth.pairingEnabled) {
      // The code itself is a secret: it is shown by the application (bridge.auth.pairingCode), never logged.
      this.logger.info(
        { platform: this.platform },
        'pairing is on: read the code from bridge.auth.pairingCode',
      );
    }
    this.started();
  }

  #requireThread(threadId: ThreadId): void {
    this.#run.requireRunning('send');
    if (!this.#host.threads.has(threadId)) throw new UnknownThreadError(threadId);
  }

  /** A fresh request id. */
  static newRequestId(): string {
    return randomUUID();
  }
}

export { ConfigError };
