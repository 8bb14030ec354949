/**
 * The inbound message feed: every MESSAGE_CREATE goes through it. It drops duplicates (a replayed dispatch,
 * a message seen again by a catch-up), keeps each channel's messages in order (one at a time per channel),
 * and remembers the newest message seen per channel so that, after the gateway had to IDENTIFY afresh
 * (INVALID_SESSION: Discord does not replay then), the messages written in the gap are fetched over REST.
 * @module
 */
import type { API } from '@discordjs/core';
import type { APIMessage } from 'discord-api-types/v10';
import type { Logger } from '../core/types.js';

/** A bounded set of recently seen ids (oldest forgotten first). */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  /** @param capacity - how many ids to remember. @defaultValue 5000 */
  constructor(capacity = 5000) {
    this.#capacity = capacity;
  }

  /** Records `id`; returns false when it was already there. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
    return true;
  }
}

/** What the feed needs. */
export interface MessageFeedDeps {
  readonly api: () => API;
  readonly logger: Logger;
  /** Handles one new message (in order within its channel, never twice). */
  readonly deliver: (message: APIMessage) => Promise<void>;
  /** Whether messages of a channel matter (the control channel, our threads). */
  readonly isWatched: (channelId: string) => boolean;
}

/** Channels whose newest message is remembered for catch-up. */
const WATCHED_CHANNEL_CAP = 100;

function newer(a: string, b: string): boolean {
  return BigInt(a) > BigInt(b);
}

/** Ordered, de-duplicated delivery of people's messages, with catch-up after a fresh IDENTIFY. */
export class DiscordMessageFeed {
  readonly #d: MessageFeedDeps;
  readonly #seen = new RecentIds();
  readonly #newest = new Map<string, string>();
  readonly #queues = new Map<string, Promise<void>>();

  constructor(deps: MessageFeedDeps) {
    this.#d = deps;
  }

  /** Notes a message in a channel without delivering it (e.g. one the bot posted). */
  note(channelId: string, messageId: string): void {
    this.#seen.add(messageId);
    this.#advance(channelId, messageId);
  }

  /** A message from the gateway or a catch-up: delivered once, in channel order. */
  accept(message: APIMessage): void {
    if (!this.#seen.add(message.id)) return;
    this.#advance(message.channel_id, message.id);
    const channel = message.channel_id;
    const previous = this.#queues.get(channel) ?? Promise.resolve();
    const next = previous
      .then(() => this.#d.deliver(message))
      .catch((error: unknown) =>
        this.#d.logger.error({ err: error, channelId: channel }, 'discord: handling a message failed'),
      );
    this.#queues.set(channel, next);
    void next.then(() => {
      if (this.#queues.get(channel) === next) this.#queues.delete(channel);
    });
  }

  /** Fetches what was written in watched channels since their newest seen message, and delivers it. */
  async catchUp(signal: AbortSignal): Promise<void> {
    for (const [channelId, after] of [...this.#newest]) {
      if (signal.aborted) return;
      if (!this.#d.isWatched(channelId)) continue;
      try {
        const messages = await this.#d
          .api()
          .channels.getMessages(channelId, { after, limit: 100 }, { signal });
        const missed = messages
          .filter((m) => newer(m.id, after))
          .sort((a, b) => (newer(a.id, b.id) ? 1 : -1));
        if (missed.length > 0)
          this.#d.logger.info({ channelId, missed: missed.length }, 'discord: caught up');
        for (const message of missed) this.accept(message);
      } catch (error) {
        this.#d.logger.warn({ err: error, channelId }, 'discord: catch-up after reconnect failed');
      }
    }
  }

  /** Resolves when every queued message was handled. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.allSettled([...this.#queues.values()]);
  }

  #advance(channelId: string, messageId: string): void {
    const current = this.#newest.get(channelId);
    if (current !== undefined && !newer(messageId, current)) return;
    this.#newest.delete(channelId);
    this.#newest.set(channelId, messageId);
    if (this.#newest.size > WATCHED_CHANNEL_CAP) {
      const oldest = this.#newest.keys().next().value;
      if (oldest !== undefined) this.#newest.delete(oldest);
    }
  }
}
