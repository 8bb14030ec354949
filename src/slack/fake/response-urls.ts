/**
 * `response_url`s handed out with interactive and slash-command payloads, and what posting to them does.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import { checkMessage } from './message-limits.js';
import type { SlackWorkspace, StoredMessage } from './workspace.js';

/** The path prefix of response URLs. */
export const RESPONSE_PATH = '/response/';

/** Slack honours a response_url up to 5 times within 30 minutes. */
const MAX_USES = 5;
const LIFETIME_MS = 30 * 60_000;

/** Where a response goes. */
export interface ResponseTarget {
  readonly channel: string;
  readonly user: string;
  /** The message the clicked button is on (absent for slash commands). */
  readonly messageTs?: string;
  readonly threadTs?: string;
}

interface Entry {
  readonly target: ResponseTarget;
  readonly expiresAt: number;
  uses: number;
}

/** An HTTP answer. */
export interface ResponseUrlAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Issues response URLs and applies what is posted to them. */
export class ResponseUrlBook {
  readonly #entries = new Map<string, Entry>();
  readonly #workspace: SlackWorkspace;
  readonly #clock: ScaledClock;
  readonly #onBotMessage: (message: StoredMessage) => void;

  constructor(workspace: SlackWorkspace, clock: ScaledClock, onBotMessage: (message: StoredMessage) => void) {
    this.#workspace = workspace;
    this.#clock = clock;
    this.#onBotMessage = onBotMessage;
  }

  /** A new response id for `target` (the URL is `<base>/response/<id>`). */
  create(target: ResponseTarget): string {
    const id = randomUUID();
    this.#entries.set(id, { target, expiresAt: this.#clock.now() + LIFETIME_MS, uses: 0 });
    return id;
  }

  /** Applies a JSON body posted to a response URL: replace or delete the original, or post a new message. */
  respond(id: string, body: unknown): ResponseUrlAnswer {
    const entry = this.#entries.get(id);
    if (!entry) return { status: 404, body: { ok: false, error: 'no_such_url' } };
    if (entry.uses >= MAX_USES || this.#clock.now() > entry.expiresAt) {
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    if (typeof body !== 'object' || body === null)
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    entry.uses += 1;
    const request = body as Record<string, unknown>;
    const { target } = entry;
    const original = target.messageTs ? this.#workspace.message(target.channel, target.messageTs) : undefined;
    if (request.delete_original === true || request.delete_original === 'true') {
      if (original) original.deleted = true;
      return { status: 200, body: { ok: true } };
    }
    const content = checkMessage(request.text, request.blocks);
    if (!content.ok) return { status: 400, body: { ...content } };
    if ((request.replace_original === true || request.replace_original === 'true') && original) {
      original.text = content.text;
      original.blocks = content.blocks;
      original.edits += 1;
      original.editedTs = this.#workspace.nextTs();
      return { status: 200, body: { ok: true } };
    }
    const threadTs = typeof request.thread_ts === 'string' ? request.thread_ts : target.threadTs;
    if (request.response_type === 'in_channel') {
      const message = this.#workspace.addMessage({
        channel: target.channel,
        ...(threadTs !== undefined ? { threadTs } : {}),
        user: this.#workspace.botUserId,
        botId: this.#workspace.botId,
        text: content.text,
        blocks: content.blocks,
      });
      this.#onBotMessage(message);
    } else {
      this.#workspace.addEphemeral({
        channel: target.channel,
        user: target.user,
        text: content.text,
        blocks: content.blocks,
        ...(threadTs !== undefined ? { threadTs } : {}),
      });
    }
    return { status: 200, body: { ok: true } };
  }
}
