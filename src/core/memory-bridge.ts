/**
 * `MemoryBridge`: a complete in-process platform for tests (ours and our users'). It keeps what a person
 * would see in each thread and lets a test act as that person: `userSays`, `userTaps`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { renderChunks } from '../format/index.js';
import type { Card } from './approvals/cards.js';
import type { TapAnswer } from './approvals/flow.js';
import { Bridge, type BridgeOptions } from './bridge.js';
import { ConfigError, TetherError } from './errors.js';
import type { OutboxTransport, OutgoingMessage } from './outbox.js';
import { MemoryStore } from './store/memory.js';
import type { ChatUser, ThreadId } from './types.js';

/** A message as a person sees it in a {@link MemoryBridge} thread. */
export interface MemoryMessage {
  readonly id: string;
  /** The visible text. */
  text: string;
  /** Button labels, by row. */
  buttons: string[][];
  /** Button payloads, by row. */
  payloads: string[][];
  /** How many times it was edited. */
  edits: number;
  /** Posted by a person (not the bot). */
  readonly fromUser: boolean;
}

/** Options of {@link MemoryBridge}. */
export interface MemoryBridgeOptions extends BridgeOptions {
  /** Message size limit, to exercise chunking. @defaultValue 4096 */
  readonly messageLimit?: number;
  /** Fail the next N posts with this error (fault injection). */
  readonly failPosts?: { count: number; error: Error };
}

/** The defaults of {@link MemoryBridgeOptions} beyond the bridge's (`BRIDGE_DEFAULTS`). */
export const MEMORY_BRIDGE_DEFAULTS = { messageLimit: 4096 } as const satisfies Partial<
  Record<keyof MemoryBridgeOptions, unknown>
>;

/** The default person of a MemoryBridge: `alice`, id `user-1`. Authorized unless auth options are given. */
export const MEMORY_DEFAULT_USER: ChatUser = { id: 'user-1', name: 'alice', platform: 'memory' };

/**
 * An in-memory bridge. With no auth options, {@link MEMORY_DEFAULT_USER} is the one allowed user.
 * @example
 * ```ts
 * await using bridge = new MemoryBridge({ handlers });
 * await bridge.start();
 * const thread = await bridge.createThread('Repo');
 * const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
 * await bridge.userTaps(thread, 'Allow');
 * ```
 */
export class MemoryBridge extends Bridge {
  readonly platform = 'memory';
  readonly #threads = new Map<string, MemoryMessage[]>();
  readonly #general: string[] = [];
  readonly #limit: number;
  #nextId = 1;
  #failPosts: { count: number; error: Error } | undefined;
  /** Calls made to the "platform", for tests and benchmarks. */
  readonly calls: { kind: 'post' | 'edit' | 'typing'; threadId: string }[] = [];

  constructor(options: MemoryBridgeOptions = {}) {
    const hasAuth =
      options.allowedUserIds !== undefined ||
      options.requirePairing !== undefined ||
      options.allowAnyone !== undefined;
    super(
      {
        ...options,
        store: options.store ?? new MemoryStore(),
        ...(hasAuth ? {} : { allowedUserIds: [MEMORY_DEFAULT_USER.id] }),
      },
      'memory',
    );
    this.#limit = options.messageLimit ?? MEMORY_BRIDGE_DEFAULTS.messageLimit;
    this.#failPosts = options.failPosts ? { ...options.failPosts } : undefined;
  }

  // ---------------------------------------------------------------- the person's side

  /** A person writes in a thread (or, with `threadId` undefined, in the general channel). */
  async userSays(
    threadId: ThreadId | undefined,
    text: string,
    user: ChatUser = MEMORY_DEFAULT_USER,
  ): Promise<void> {
    if (threadId !== undefined)
      this.#messages(threadId).push({
        id: this.#id(),
        text,
        buttons: [],
        payloads: [],
        edits: 0,
        fromUser: true,
      });
    await this.handleMessage({ threadId, user, text });
    await this.outbox.drain();
  }

  /**
   * A person taps a button, found by its label (the newest message that has it) or by raw payload.
   * @returns the short answer the platform would show.
   */
  async userTaps(
    threadId: ThreadId,
    button: string | { payload: string },
    user: ChatUser = MEMORY_DEFAULT_USER,
  ): Promise<TapAnswer> {
    let payload: string | undefined;
    if (typeof button === 'string') {
      const messages = [...this.#messages(threadId)].reverse();
      for (const message of messages) {
        const row = message.buttons.findIndex((r) => r.includes(button));
        if (row >= 0) {
          payload = message.payloads[row]?.[message.buttons[row]?.indexOf(button) ?? -1];
          break;
        }
      }
      if (payload === undefined) {
        throw new ConfigError(
          `No button "${button}" in thread ${threadId}. Visible: ${JSON.stringify(this.messages(threadId))}`,
        );
      }
    } else {
      payload = button.payload;
    }
    const answer = await this.handleTap({ threadId, user, payload });
    await this.outbox.drain();
    return answer;
  }

  /** What a person sees in a thread, oldest first. */
  messages(threadId: ThreadId): readonly MemoryMessage[] {
    return this.#messages(threadId);
  }

  /** Visible texts of a thread's bot messages. */
  texts(threadId: ThreadId): string[] {
    return this.#messages(threadId)
      .filter((m) => !m.fromUser)
      .map((m) => m.text);
  }

  /** Messages posted outside any thread. */
  generalMessages(): readonly string[] {
    return this.#general;
  }

  /** Wait until every queued message is visible. */
  async settle(): Promise<void> {
    await this.delivered();
  }

  // ---------------------------------------------------------------- platform hooks

  protected override createTransport(): OutboxTransport {
    return {
      platform: 'memory',
      messageLimit: this.#limit,
      render: (markdown) => renderChunks(markdown, 'plain', { limit: this.#limit }),
      post: async (threadId, message) => {
        this.calls.push({ kind: 'post', threadId });
        if (this.#failPosts && this.#failPosts.count > 0) {
          this.#failPosts.count--;
          throw this.#failPosts.error;
        }
        const id = this.#id();
        this.#messages(threadId).push({ id, ...this.#visible(message), edits: 0, fromUser: false });
        return id;
      },
      edit: async (threadId, messageId, message) => {
        this.calls.push({ kind: 'edit', threadId });
        const target = this.#messages(threadId).find((m) => m.id === messageId);
        if (!target) throw new TetherError('DELIVERY_FAILED', `memory: message ${messageId} not found`);
        Object.assign(target, this.#visible(message));
        target.edits++;
      },
    };
  }

  protected override async connect(): Promise<void> {}

  protected override async disconnect(): Promise<void> {}

  protected override async openThread(): Promise<string> {
    const id = `t-${randomUUID().slice(0, 8)}`;
    this.#threads.set(id, []);
    return id;
  }

  protected override async typingPing(threadId: string): Promise<void> {
    this.calls.push({ kind: 'typing', threadId });
  }

  protected override renderCard(card: Card): OutgoingMessage {
    return {
      text: renderChunks(card.markdown, 'plain', { limit: this.#limit })[0] ?? '',
      buttons: card.buttons,
    };
  }

  protected override async postGeneral(markdown: string): Promise<void> {
    this.#general.push(...renderChunks(markdown, 'plain', { limit: this.#limit }));
  }

  #visible(message: OutgoingMessage): Pick<MemoryMessage, 'text' | 'buttons' | 'payloads'> {
    return {
      text: message.text,
      buttons: (message.buttons ?? []).map((row) => row.map((b) => b.label)),
      payloads: (message.buttons ?? []).map((row) => row.map((b) => b.payload)),
    };
  }

  #messages(threadId: string): MemoryMessage[] {
    let list = this.#threads.get(threadId);
    if (!list) {
      list = [];
      this.#threads.set(threadId, list);
    }
    return list;
  }

  #id(): string {
    return String(this.#nextId++);
  }
}
