/**
 * The Discord {@link OutboxTransport}: Markdown rendered for Discord (mass mentions neutralised) in chunks
 * of at most 2000 characters, messages posted and edited over REST with `allowed_mentions: { parse: [] }`
 * so nothing the bot writes can ping anyone, and card buttons as components.
 * @module
 */
import type { API } from '@discordjs/core';
import type { APIAllowedMentions } from 'discord-api-types/v10';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { renderChunks } from '../format/index.js';
import { discordActionRows } from './cards.js';
import { toTetherError } from './errors.js';

/** Discord's message length limit. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/** Mentions nobody: every message the bridge sends carries this. */
export function noMentions(): APIAllowedMentions {
  return { parse: [] };
}

/** What the transport needs. */
export interface DiscordTransportDeps {
  /** The REST API (available once connected). */
  readonly api: () => API;
  /** Told of every message the bot posted, so the inbound side knows how far a channel was seen. */
  readonly onPosted?: (channelId: string, messageId: string) => void;
  /** Counts posts in flight per channel. */
  readonly inFlight?: PostsInFlight;
}

/**
 * Posts whose REST call has not returned yet, per channel. A person can click a card as soon as Discord shows
 * it, which may be before our POST returns and the core records the card's id: such a click waits for
 * {@link PostsInFlight.settled} so the decision can still update the card.
 */
export class PostsInFlight {
  readonly #count = new Map<string, number>();
  readonly #waiters = new Map<string, (() => void)[]>();

  /** Marks a post to `channelId` as started; call the returned function when it ended. */
  begin(channelId: string): () => void {
    this.#count.set(channelId, (this.#count.get(channelId) ?? 0) + 1);
    return () => {
      const left = (this.#count.get(channelId) ?? 1) - 1;
      if (left > 0) {
        this.#count.set(channelId, left);
        return;
      }
      this.#count.delete(channelId);
      const waiters = this.#waiters.get(channelId) ?? [];
      this.#waiters.delete(channelId);
      // After the core's continuation (which records the card id) has run.
      for (const wake of waiters) setImmediate(wake);
    };
  }

  /** Resolves when no post to `channelId` is in flight, or after `timeoutMs`. */
  settled(channelId: string, timeoutMs: number): Promise<void> {
    if (!this.#count.has(channelId)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const list = this.#waiters.get(channelId) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.#waiters.set(channelId, list);
    });
  }
}

/** Renders Markdown for Discord, in chunks that fit one message. */
export function renderDiscordChunks(markdown: string): string[] {
  return renderChunks(markdown, 'discord', { limit: DISCORD_MESSAGE_LIMIT });
}

/** Builds the Discord transport of the outbox. Thread refs are channel ids (a thread is a channel). */
export function createDiscordTransport(deps: DiscordTransportDeps): OutboxTransport {
  return {
    platform: 'discord',
    messageLimit: DISCORD_MESSAGE_LIMIT,
    render: renderDiscordChunks,
    chatKey: (ref) => ref,
    async post(ref: string, message: OutgoingMessage): Promise<string> {
      const components = discordActionRows(message.buttons);
      const done = deps.inFlight?.begin(ref);
      try {
        const sent = await deps.api().channels.createMessage(ref, {
          content: message.text,
          allowed_mentions: noMentions(),
          ...(components.length > 0 ? { components } : {}),
        });
        deps.onPosted?.(ref, sent.id);
        return sent.id;
      } catch (error) {
        throw toTetherError(error, 'POST channels/:id/messages');
      } finally {
        done?.();
      }
    },
    async edit(ref: string, messageId: string, message: OutgoingMessage): Promise<void> {
      try {
        await deps.api().channels.editMessage(ref, messageId, {
          content: message.text,
          allowed_mentions: noMentions(),
          components: discordActionRows(message.buttons),
        });
      } catch (error) {
        throw toTetherError(error, 'PATCH channels/:id/messages/:id');
      }
    },
  };
}
