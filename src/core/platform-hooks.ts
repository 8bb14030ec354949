/**
 * What a platform implements: the protected hooks of {@link Bridge}, with their defaults, in one place. A platform
 * subclasses `Bridge` and overrides these (four are required); it never overrides a public method.
 * @module
 */
import { type Card, escapeMarkdown } from './approvals/cards.js';
import type { OutboxTransport, OutgoingMessage } from './outbox.js';
import { fileAsMarkdown, type OutgoingFile } from './outgoing-file.js';
import type { RateLimit } from './rate-limiter.js';
import type { StoredThread } from './store/types.js';
import type { Logger, ThreadId, ThreadState } from './types.js';

/** The hooks a platform overrides; `Bridge` calls them. */
export abstract class PlatformHooks {
  /** The platform's name, e.g. `telegram`. */
  abstract readonly platform: string;
  abstract readonly logger: Logger;
  /** The platform transport (created at start): see `Bridge`. */
  protected abstract get transport(): OutboxTransport;
  /** Render and post Markdown in a thread, masked: see `Bridge`. */
  protected abstract postMarkdown(threadId: ThreadId, markdown: string, priority?: boolean): Promise<void>;

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

  /** Post `markdown` mentioning `userId`. The default names the id in plain text (platforms override). */
  protected async postMention(threadId: ThreadId, userId: string, markdown: string): Promise<void> {
    await this.postMarkdown(threadId, `${escapeMarkdown(userId)}: ${markdown}`, true);
  }

  /**
   * Upload a file to a thread (called by `Bridge.sendFile` with masked content). Platforms upload it;
   * the default (web page, custom bridges) posts a text file's content inline as a code block and says what a
   * binary file was. Everything a file carries goes through here, so one place sees all of it.
   */
  protected async postFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    await this.postMarkdown(threadId, fileAsMarkdown(file));
  }

  /** Post outside any thread (a general channel). Platforms without one log it. */
  protected async postGeneral(markdown: string): Promise<void> {
    this.logger.info(
      { platform: this.platform, text: markdown },
      'general message (no general channel on this platform)',
    );
  }
}
