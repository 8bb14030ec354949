// Over 400 lines on purpose: one class is the whole API every platform inherits; its parts live in bridge-engine.ts, bridge-inbound.ts, lifecycle.ts.
/**
 * The abstract `Bridge`: everything platform-neutral about connecting agents to people — lifecycle,
 * threads, output through the outbox, status, typing, approvals and choices, commands, authorization,
 * and inbound dispatch in the seed's order (pending choice → pending approval text → command → input).
 * Platforms subclass it and implement a handful of protected methods.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { type Card, escapeMarkdown } from './approvals/cards.js';
import type { DecisionListener, TapAnswer } from './approvals/flow.js';
import type { PendingDecision, SettleResult } from './approvals/pending.js';
import { Authorizer } from './auth.js';
import { type BridgeEngine, createBridgeEngine } from './bridge-engine.js';
import { BridgeHost } from './bridge-host.js';
import { BRIDGE_DEFAULTS, type BridgeOptions, STATE_EMOJI } from './bridge-options.js';
import { CommandRegistry } from './commands.js';
import { ErrorDebouncer } from './debounce.js';
import { ConfigError, TetherError, UnknownThreadError } from './errors.js';
import { HandlerSet } from './handlers.js';
import { InboundFiles, type IncomingFile } from './inbound-files.js';
import { type Deferred, deferred, settleWithin } from './lifecycle.js';
import { Outbox, type OutboxTransport, type OutgoingMessage } from './outbox.js';
import { fileBytes, type OutgoingFile, safeFileName } from './outgoing-file.js';
import type { RateLimit } from './rate-limiter.js';
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
export abstract class Bridge implements ApprovalRequester, AsyncDisposable {
  /** The platform's name, e.g. `telegram`. */
  abstract readonly platform: string;
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
  #inboundFiles: InboundFiles | undefined;
  #state: 'idle' | 'starting' | 'running' | 'stopping' = 'idle';
  #starting: Promise<void> | undefined;
  #abort = new AbortController();
  #stopped: Deferred<void> = deferred();

  constructor(options: BridgeOptions, platform: string) {
    this.#options = options;
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
      ...(options.allowedUserIds !== undefined ? { allowedUserIds: options.allowedUserIds } : {}),
      ...(options.pairingCode !== undefined ? { pairingCode: options.pairingCode } : {}),
      ...(options.requirePairing !== undefined ? { requirePairing: options.requirePairing } : {}),
      ...(options.allowAnyone !== undefined ? { allowAnyone: options.allowAnyone } : {}),
      ...(options.reusablePairingCode !== undefined
        ? { reusablePairingCode: options.reusablePairingCode }
        : {}),
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
    });
  }

  // ---------------------------------------------------------------- platform hooks

  /** The platform's transport for the outbox (render, post, edit). */
  protected abstract createTransport(): OutboxTransport;
  /** Connect to the platform. Called once by `start()`. Throw a ConfigError naming the fix on bad setup. */
  protected abstract connect(signal: AbortSignal): Promise<void>;
  /** Disconnect. Called once by `stop()`. */
  protected abstract disconnect(): Promise<void>;
  /** Create the platform thread; return its reference (which becomes the thread id). */
  protected abstract openThread(name: string, options: { directory?: string }): Promise<string>;
  /** Send one typing ping (platforms that have none leave this as is). */
  protected async typingPing(_threadId: string): Promise<void> {}
  /** How often the typing ping is renewed. @defaultValue 4500 */
  protected typingIntervalMs(): number {
    return 4500;
  }
  /** Per-chat and global rate limits for the outbox. */
  protected rateLimits(): { perChat?: RateLimit | readonly RateLimit[]; global?: RateLimit } {
    return {};
  }
  /** A thread's state changed (`sendStatus`, even when an error notice is debounced). For a list of threads. */
  protected threadStateChanged(_threadId: ThreadId, _state: ThreadState): void {}
  /** A thread's typing indicator stopped (output, a card, a status, or `stopTyping`). */
  protected typingStopped(_threadId: ThreadId): void {}
  /** A thread was removed (`removeThread`), after the core forgot it. */
  protected threadRemoved(_threadId: ThreadId): void {}
  /** The bridge is running (end of `start()`, after `connect`): e.g. release updates held back while starting. */
  protected started(): void {}
  /**
   * A thread this bridge did not create or load: a platform whose store is shared may find one another process
   * created. The default finds none.
   */
  protected threadFromElsewhere(_threadId: ThreadId): StoredThread | undefined {
    return undefined;
  }
  /** The command prefix shown in help. */
  protected commandPrefix(): string {
    return '/';
  }
  /** Turn a card into a platform message. The default renders the Markdown and keeps the buttons. */
  protected renderCard(card: Card): OutgoingMessage {
    const [first = ''] = this.transport.render(card.markdown);
    return { text: first, buttons: card.buttons };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connect and start receiving. Idempotent: a second call while running (or starting) waits for the first. */
  async start(): Promise<void> {
    if (this.#state === 'stopping') await this.#stopped.promise;
    if (this.#state === 'running') return;
    if (this.#starting) return this.#starting;
    if (this.#storeClosed) {
      throw new TetherError(
        'CONFIG',
        `${this.platform}: this bridge closed its own store when it stopped; create a new bridge, or pass \`store\` to restart one`,
      );
    }
    this.#state = 'starting';
    this.#abort = new AbortController();
    // A waitUntilStopped() from before this start keeps its promise; only a settled one is replaced.
    if (this.#stopped.settled) this.#stopped = deferred();
    this.#starting = (async () => {
      try {
        this.#setupDelivery();
        this.#host.threads.load();
        // Restore first: a push platform may deliver a tap on an old card as soon as it is connected.
        this.#engine.flow.restore();
        await this.connect(this.#abort.signal);
        if (this.#abort.signal.aborted) {
          throw new TetherError(
            'ABORTED',
            `${this.platform}: stop() was called while the bridge was starting`,
          );
        }
        this.#state = 'running';
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
      } catch (error) {
        this.#state = 'idle';
        throw error;
      } finally {
        this.#starting = undefined;
      }
    })();
    return this.#starting;
  }

  /**
   * Stop: flush notices, wait for queued output (at most `stopDrainMs`), disconnect. Idempotent. A failing
   * `disconnect()` is logged, never thrown: the bridge is stopped either way.
   */
  async stop(): Promise<void> {
    if (this.#state === 'idle' && !this.#starting) {
      this.#stopped.resolve();
      return;
    }
    if (this.#state === 'stopping') {
      await this.#stopped.promise;
      return;
    }
    // Abort first: a connect() still in progress must not delay (or outlive) the stop.
    this.#abort.abort();
    if (this.#starting) await this.#starting.catch(() => undefined);
    this.#state = 'stopping';
    this.#typing.stopAll();
    this.#engine.flow.dispose();
    await this.#drainBounded();
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
    this.#state = 'idle';
    this.#stopped.resolve();
    this.logger.info({ platform: this.platform }, 'bridge stopped');
  }

  /** Resolves when `stop()` has finished. */
  waitUntilStopped(): Promise<void> {
    return this.#stopped.promise;
  }

  /** `await using bridge = …` stops it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** True between a finished `start()` and `stop()`. */
  get running(): boolean {
    return this.#state === 'running';
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
    this.#requireRunning('createThread');
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
    return this.outbox.output(threadId, this.#host.secrets.text(threadId, text));
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

  /** Post `markdown` mentioning `userId`. The default names the id in plain text (platforms override). */
  protected async postMention(threadId: ThreadId, userId: string, markdown: string): Promise<void> {
    await this.postMarkdown(threadId, `${escapeMarkdown(userId)}: ${markdown}`, true);
  }

  /**
   * Deliver a file a person sent (photo, document, voice note): saved in the thread's attachment directory and
   * given to `onAttachment`, or transcribed into input. Only authorized people's files are downloaded.
   */
  protected handleFile(file: IncomingFile): Promise<void> {
    return this.#files().receive(file);
  }

  /** The directory where the files people send in `threadId` are saved. */
  attachmentDir(threadId: ThreadId): string {
    return this.#files().directoryOf(threadId);
  }

  #files(): InboundFiles {
    this.#inboundFiles ??= new InboundFiles({
      host: this.#host,
      auth: this.auth,
      dataDir: this.#options.dataDir,
      ownsStore: this.#ownsStore,
      attachments: this.#options.attachments,
      transcriber:
        typeof this.#options.transcriber === 'string'
          ? { command: this.#options.transcriber }
          : this.#options.transcriber,
    });
    return this.#inboundFiles;
  }

  /**
   * Render and post Markdown as a standalone message (ends edit-in-place streaming). Secrets are masked.
   * `priority`: a reply to a person, sent ahead of the agent's queued output.
   */
  protected postMarkdown(threadId: ThreadId, markdown: string, priority = false): Promise<void> {
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

  /**
   * Upload a file to a thread (called by {@link Bridge.sendFile} with masked content). Platforms upload it;
   * the default (web page, custom bridges) posts a text file's content inline as a code block and says what a
   * binary file was. Everything a file carries goes through here, so one place sees all of it.
   */
  protected async postFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    const bytes = fileBytes(file);
    const name = safeFileName(file.fileName);
    const text = bytes.toString('utf8');
    const isText = !text.includes('\uFFFD') && !text.includes('\u0000');
    const lang = name.endsWith('.diff') ? 'diff' : '';
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    await this.postMarkdown(
      threadId,
      isText
        ? `📎 ${escapeMarkdown(name)}\n\n${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`
        : `📎 ${escapeMarkdown(name)} (${bytes.length} bytes; this platform shows no files)`,
    );
  }

  /** The outbox (created at start). */
  protected get outbox(): Outbox {
    return this.#host.outbox;
  }

  /** The platform transport (created at start). */
  protected get transport(): OutboxTransport {
    return this.#host.transport;
  }

  /** Audit an action on this platform (free text is masked: the audit log never holds a secret). */
  protected audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void {
    this.#host.audit(entry);
  }

  /**
   * Mask the secrets in a text about to be sent to `threadId` (undefined: a general channel). Output, status,
   * cards, "Show all", replies and audit records already pass here; route any new outgoing text through it too
   * (a file's name or content, a diff), before rendering.
   */
  protected maskOutgoing(threadId: ThreadId | undefined, text: string): string {
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

  /** Post outside any thread (a general channel). Platforms without one log it. */
  protected async postGeneral(markdown: string): Promise<void> {
    this.logger.info(
      { platform: this.platform, text: markdown },
      'general message (no general channel on this platform)',
    );
  }

  #requireRunning(operation: string): void {
    if (this.#state !== 'running') {
      throw new TetherError(
        'NOT_STARTED',
        `${this.platform}: ${operation}() needs a started bridge: await bridge.start() first`,
      );
    }
  }

  #requireThread(threadId: ThreadId): void {
    this.#requireRunning('send');
    if (!this.#host.threads.has(threadId)) throw new UnknownThreadError(threadId);
  }

  /** Wait for queued output, at most `stopDrainMs` on the bridge's clock. */
  async #drainBounded(): Promise<void> {
    const outbox = this.#host.outboxIfAny;
    if (!outbox) return;
    const ms = this.#options.stopDrainMs ?? BRIDGE_DEFAULTS.stopDrainMs;
    // Outcome cards of decisions just made are queued first (flow.idle()), then everything is delivered.
    const flow = this.#engine.flow;
    const drained = await settleWithin(
      Promise.allSettled([flow.idle()]).then(() => outbox.drain().catch(() => undefined)),
      ms,
      this.clock,
    );
    if (drained.timedOut) {
      this.logger.warn(
        { platform: this.platform, stopDrainMs: ms },
        'output was still queued when the bridge stopped: it was not delivered',
      );
    }
  }

  /** A fresh request id. */
  static newRequestId(): string {
    return randomUUID();
  }
}

export { ConfigError };
