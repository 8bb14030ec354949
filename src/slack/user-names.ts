/**
 * Display names of Slack users (`users.info`, scope `users:read`), cached so a burst of messages from one person
 * costs one call and keeps its order. A failed lookup falls back to the user id.
 * @module
 */
import type { WebClient } from '@slack/web-api';
import type { ChatUser, Logger } from '../core/types.js';
import { SLACK } from './errors.js';

const MAX_CACHED = 1000;

/** Resolves Slack user ids to {@link ChatUser}s. */
export class SlackUserNames {
  readonly #web: WebClient;
  readonly #logger: Logger;
  readonly #cache = new Map<string, Promise<string>>();

  constructor(web: WebClient, logger: Logger) {
    this.#web = web;
    this.#logger = logger;
  }

  /**
   * The person behind a user id.
   * @param id - the Slack user id (`U…`).
   * @param knownName - a name the payload already carries (button clicks, slash commands): no lookup then.
   */
  async user(id: string, knownName?: string): Promise<ChatUser> {
    if (knownName !== undefined && !this.#cache.has(id)) return { id, name: knownName, platform: SLACK };
    let name = this.#cache.get(id);
    if (!name) {
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      name = this.#lookup(id);
      this.#cache.set(id, name);
    }
    return { id, name: await name, platform: SLACK };
  }

  async #lookup(id: string): Promise<string> {
    try {
      const result = await this.#web.users.info({ user: id });
      const person = result.user;
      const name = person?.profile?.display_name || person?.real_name || person?.name;
      return name || id;
    } catch (error) {
      this.#logger.debug({ err: error, platform: SLACK, userId: id }, 'users.info failed; showing the id');
      this.#cache.delete(id);
      return id;
    }
  }
}
