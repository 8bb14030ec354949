/**
 * The way out of a bridge: the one object the approval flow, inbound dispatch, `/rules` and received files talk
 * to. It owns the threads, secret masking and delivery (transport and outbox), so a card, a reply or a notice
 * goes from the engine to the outbox in one call: `flow → host.postText → outbox`.
 * @module
 */
import type { Card } from './approvals/cards.js';
import type { InboundHost } from './bridge-inbound.js';
import { TetherError } from './errors.js';
import type { HandlerSet } from './handlers.js';
import { settleWithin } from './lifecycle.js';
import type { Outbox, OutboxTransport, OutgoingMessage } from './outbox.js';
import type { OutgoingFile } from './outgoing-file.js';
import type { SecretMaskingOptions } from './secrets/masker.js';
import { OutgoingSecrets } from './secrets/outgoing.js';
import type { AuditEntry, Store, StoredThread } from './store/types.js';
import { ThreadBook } from './thread-book.js';
import type { Clock, Logger, ThreadId } from './types.js';

/**
 * The platform's part of the way out: the bridge's overridable hooks the host calls. `Bridge` implements it with
 * a private object that forwards to its protected hooks of the same names.
 */
export interface PlatformSide {
  /** Turn a masked card into a platform message ({@link Bridge.renderCard}). */
  renderCard(card: Card): OutgoingMessage;
  /** Send a file to a known thread, masked ({@link Bridge.sendFile}). */
  sendFile(threadId: ThreadId, file: OutgoingFile): Promise<void>;
  /** Post masked Markdown outside any thread ({@link Bridge.postGeneral}). */
  postGeneral(markdown: string): Promise<void>;
  /** Stop a thread's typing indicator ({@link Bridge.stopTyping}). */
  stopTyping(threadId: ThreadId): void;
  /** A thread's record; a platform may find threads another process created ({@link Bridge.getThread}). */
  getThread(threadId: ThreadId): StoredThread | undefined;
}

/** What the host is made of. */
export interface BridgeHostParts {
  readonly platform: string;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handlers: HandlerSet;
  readonly secretMasking: SecretMaskingOptions | undefined;
  readonly side: PlatformSide;
}

/** The way out of one bridge: implements {@link InboundHost} (and so the flow's `ApprovalHost`). */
export class BridgeHost implements InboundHost {
  readonly platform: string;
  readonly handlers: HandlerSet;
  readonly logger: Logger;
  /** The bridge's threads. */
  readonly threads: ThreadBook;
  /** Masking of everything sent and audited. */
  readonly secrets: OutgoingSecrets;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #side: PlatformSide;
  #delivery: { transport: OutboxTransport; outbox: Outbox } | undefined;

  constructor(parts: BridgeHostParts) {
    this.platform = parts.platform;
    this.handlers = parts.handlers;
    this.logger = parts.logger;
    this.#store = parts.store;
    this.#clock = parts.clock;
    this.#side = parts.side;
    this.threads = new ThreadBook(parts.store, parts.platform, parts.clock);
    this.secrets = new OutgoingSecrets(parts.secretMasking);
  }

  /** Give the host its transport and outbox (once, at the first start). */
  deliverThrough(transport: OutboxTransport, outbox: Outbox): void {
    this.#delivery = { transport, outbox };
  }

  /** True once {@link deliverThrough} was called. */
  get delivering(): boolean {
    return this.#delivery !== undefined;
  }

  /** The outbox; throws NOT_STARTED before the first start. */
  get outbox(): Outbox {
    return this.#started().outbox;
  }

  /** The platform transport; throws NOT_STARTED before the first start. */
  get transport(): OutboxTransport {
    return this.#started().transport;
  }

  /** The outbox if delivery was set up (for stopping and forgetting threads). */
  get outboxIfAny(): Outbox | undefined {
    return this.#delivery?.outbox;
  }

  key(threadId: ThreadId): string {
    return this.threads.key(threadId);
  }

  threadIdOf(threadKey: string): ThreadId {
    return this.threads.threadIdOf(threadKey);
  }

  directoryOf(threadId: ThreadId): string | undefined {
    return this.threads.get(threadId)?.directory;
  }

  getThread(threadId: ThreadId): StoredThread | undefined {
    return this.#side.getThread(threadId);
  }

  listThreads(): StoredThread[] {
    return this.threads.list();
  }

  /** Post a card, masked, ahead of queued output (a person must see a question promptly); resolves with its id. */
  postCard(threadId: ThreadId, card: Card): Promise<string> {
    return this.outbox.post(threadId, this.#cardMessage(threadId, card), { priority: true });
  }

  /** Replace a card (its outcome), masked, ahead of queued output. */
  async editCard(threadId: ThreadId, messageId: string, card: Card | PromiseLike<Card>): Promise<void> {
    // Async so a bridge that is not started rejects instead of throwing; the edit still takes its place in the
    // outbox at once (an async function runs up to its first await synchronously).
    const message = Promise.resolve(card).then((made) => this.#cardMessage(threadId, made));
    return this.outbox.edit(threadId, messageId, message, { priority: true });
  }

  /**
   * Render and post Markdown as a standalone message (ends edit-in-place streaming), masked. `priority`: a reply
   * to a person, sent ahead of the agent's queued output.
   */
  async postText(threadId: ThreadId, markdown: string, priority = false): Promise<void> {
    // Queue every chunk at once so nothing else of the thread can land between them.
    const chunks = this.transport.render(this.secrets.text(threadId, markdown));
    await Promise.all(chunks.map((text) => this.outbox.post(threadId, { text }, { priority })));
  }

  postFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    return this.#side.sendFile(threadId, file);
  }

  /** Answer a person: in their thread ahead of queued output, else in the general channel. */
  async reply(threadId: ThreadId | undefined, markdown: string): Promise<void> {
    if (threadId !== undefined && this.threads.has(threadId)) return this.postText(threadId, markdown, true);
    return this.#side.postGeneral(this.secrets.text(undefined, markdown));
  }

  stopTyping(threadId: ThreadId): void {
    this.#side.stopTyping(threadId);
  }

  /** Audit an action on this platform (free text is masked: the audit log never holds a secret). */
  audit(entry: Omit<AuditEntry, 'at' | 'platform'>): void {
    // Built field by field: every auto-approved hook writes one, and spreading optional fields costs more.
    const record: { -readonly [K in keyof AuditEntry]: AuditEntry[K] } = {
      at: this.#clock.now(),
      platform: this.platform,
      action: entry.action,
    };
    const { threadId } = entry;
    if (entry.userId !== undefined) record.userId = entry.userId;
    if (entry.userName !== undefined) record.userName = this.secrets.plain(threadId, entry.userName);
    if (threadId !== undefined) record.threadId = threadId;
    if (entry.requestId !== undefined) record.requestId = entry.requestId;
    if (entry.detail !== undefined) record.detail = this.secrets.plain(threadId, entry.detail);
    this.#store.audit(record);
  }

  /**
   * Wait for `first()` (outcome cards of decisions just made), then for all queued output, at most `ms` on the
   * clock; output still queued then is logged as not delivered.
   */
  async drainWithin(first: () => Promise<void>, ms: number): Promise<void> {
    const outbox = this.#delivery?.outbox;
    if (!outbox) return;
    const drained = await settleWithin(
      Promise.allSettled([first()]).then(() => outbox.drain().catch(() => undefined)),
      ms,
      this.#clock,
    );
    if (drained.timedOut) {
      this.logger.warn(
        { platform: this.platform, stopDrainMs: ms },
        'output was still queued when the bridge stopped: it was not delivered',
      );
    }
  }

  #cardMessage(threadId: ThreadId, card: Card): OutgoingMessage {
    return this.#side.renderCard(this.secrets.card(threadId, card));
  }

  #started(): { transport: OutboxTransport; outbox: Outbox } {
    if (!this.#delivery) throw new TetherError('NOT_STARTED', `${this.platform}: call start() first`);
    return this.#delivery;
  }
}
