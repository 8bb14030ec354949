/**
 * Public types of the fake Discord server: its options, what a test injects, and the views a test reads.
 * @module
 */

import type { APIAllowedMentions, APIEmbed } from 'discord-api-types/v10';

/** Options of {@link FakeDiscordServer}. Every field is optional. */
export interface FakeDiscordServerOptions {
  /**
   * The bot token the fake accepts (REST `Authorization: Bot <token>`, gateway IDENTIFY/RESUME).
   * @defaultValue `'fake-discord-token'`
   */
  token?: string;
  /** The application id (also the interaction webhook id). @defaultValue a fixed snowflake */
  applicationId?: string;
  /** The bot user's id. @defaultValue a fixed snowflake */
  botUserId?: string;
  /** The bot user's username. @defaultValue `'agent-tether'` */
  botUsername?: string;
  /** The id of the one guild the bot is in. @defaultValue a fixed snowflake */
  guildId?: string;
  /**
   * Multiplies every Discord duration the fake applies (rate-limit windows and `retry_after`, the 3 s
   * interaction deadline, the default heartbeat interval). `0.01` makes a 5 s window last 50 ms.
   * Values are reported to clients already scaled, so a real client waits the scaled time.
   * @defaultValue `1`
   */
  timeScale?: number;
  /** Gateway heartbeat interval sent in HELLO, in real milliseconds. @defaultValue `41250 * timeScale` */
  heartbeatIntervalMs?: number;
  /**
   * Per-route rate limits, keyed by route (`'POST /channels/:id/messages'`). Each bucket counts per major
   * parameter (the channel, the webhook or the interaction). Windows are in unscaled milliseconds.
   * @defaultValue `{ 'POST /channels/:id/messages': { limit: 5, windowMs: 5000 } }`; other routes 50 per second
   */
  rateLimits?: Record<string, FakeRateLimit>;
}

/** One rate-limit bucket: `limit` requests per `windowMs` (unscaled) per major parameter. */
export interface FakeRateLimit {
  /** Requests allowed in one window. */
  limit: number;
  /** Window length in unscaled milliseconds. */
  windowMs: number;
}

/** A fault the next matching request(s) meet before the fake handles them. */
export type FakeFault =
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'ratelimit'; retryAfter: number; global?: boolean }
  | { kind: 'delay'; ms: number };

/** Where and how often a {@link FakeFault} applies. */
export type FakeFaultInjection = FakeFault & {
  /**
   * The route to match, with or without its method: `'POST /channels/:id/messages'`, `'/users/@me'`.
   * Parameter names do not matter (`:id` matches `:channelId`). Omit it to match every REST request.
   */
  route?: string;
  /** How many requests meet the fault. @defaultValue `1` */
  times?: number;
};

/** A button as a person sees it on a message. */
export interface FakeButtonView {
  /** The text on the button (may be absent for emoji-only buttons). */
  label: string | undefined;
  /** The payload sent back on a click (absent for link buttons). */
  customId: string | undefined;
  /** Button style: 1 primary, 2 secondary, 3 success, 4 danger, 5 link. */
  style: number;
  /** Whether the button is greyed out. */
  disabled: boolean;
  /** The link of a link button. */
  url: string | undefined;
}

/** A message as a person (or a test) sees it in a channel. */
export interface FakeMessageView {
  /** Message id (snowflake). */
  id: string;
  /** Channel or thread id. */
  channelId: string;
  /** Current text. */
  content: string;
  /** Embeds as sent. */
  embeds: readonly APIEmbed[];
  /** Buttons, one inner array per action row. */
  components: readonly (readonly FakeButtonView[])[];
  /** How many times the message was edited. */
  edits: number;
  /** Every version of the text, oldest first (the current one last). */
  history: readonly string[];
  /** Whether the message was deleted (deleted messages stay readable here). */
  deleted: boolean;
  /** The `allowed_mentions` the bot sent with the last create/edit, if any. */
  allowedMentions: APIAllowedMentions | undefined;
  /** Whether the bot (or its interaction webhook) wrote it. */
  authorIsBot: boolean;
  /** The author's id. */
  authorId: string;
  /** Message flags (64 ephemeral, 128 loading, 4 suppress embeds...). */
  flags: number;
  /** Whether only the clicking person sees it (flag 64). */
  ephemeral: boolean;
  /** Files attached to it (multipart `files[n]`), with their bytes. */
  attachments: readonly FakeAttachmentView[];
}

/** A file attached to a message. */
export interface FakeAttachmentView {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly content: Buffer;
  /** The MIME type a person's client reports (e.g. `image/png`). */
  readonly contentType?: string;
}

/** A thread as a person sees it in the channel list. */
export interface FakeThreadView {
  /** Thread id. */
  id: string;
  /** The text channel it hangs under. */
  parentId: string;
  /** Thread name. */
  name: string;
  /** 11 public thread, 12 private thread. */
  type: number;
  /** Whether it is archived. */
  archived: boolean;
  /** Whether it is locked. */
  locked: boolean;
  /** Whether it was deleted. */
  deleted: boolean;
  /** The message it was started from, if any. */
  startMessageId: string | undefined;
}

/** The person who speaks or clicks. */
export interface FakePerson {
  /** User id (any snowflake-like string). */
  id: string;
  /** Username. */
  username: string;
}

/** What the person sees after clicking a button. */
export type FakeClickOutcome =
  /** Type 4: a new message answers the click (ephemeral when flag 64 was set). */
  | { kind: 'reply'; interactionId: string; message: FakeMessageView }
  /** Type 5: "<bot> is thinking..." until the bot edits `@original`. */
  | { kind: 'thinking'; interactionId: string; message: FakeMessageView }
  /** Type 6: the click was acknowledged, nothing changed yet. */
  | { kind: 'acknowledged'; interactionId: string }
  /** Type 7: the clicked message was updated in place. */
  | { kind: 'updated'; interactionId: string; message: FakeMessageView }
  /** No answer within 3 s (scaled): Discord shows "This interaction failed". */
  | { kind: 'failed'; interactionId: string; reason: 'This interaction failed' };

/** One REST request the fake received. */
export interface FakeCall {
  /** HTTP method. */
  method: string;
  /** Path below `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** The matched route, e.g. `POST /channels/:channelId/messages` (`undefined` when unknown). */
  route: string | undefined;
  /** Parsed JSON body (or `payload_json` of a multipart body). */
  body: unknown;
  /** Response status. */
  status: number;
}

/** One accepted IDENTIFY. */
export interface FakeIdentify {
  sessionId: string;
  intents: number;
  /** Whether the MESSAGE_CONTENT intent (1 << 15) was asked for. */
  messageContent: boolean;
}

/** One accepted RESUME. */
export interface FakeResume {
  sessionId: string;
  /** The sequence number the client resumed from. */
  seq: number;
  /** How many missed dispatches were replayed. */
  replayed: number;
  /** `true` when the client connected to `resume_gateway_url`. */
  usedResumeUrl: boolean;
}

/** What a person writes with `FakeDiscordServer.userSays`. */
export interface FakeUserSays {
  channelId: string;
  author: FakePerson;
  content: string;
  /** Files the person attaches (served at the message's attachment URLs). */
  attachments?: { filename: string; content: Buffer; contentType?: string }[];
}
