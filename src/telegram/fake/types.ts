/**
 * Public option, fault and reader types of {@link FakeTelegramServer}.
 * @module
 */

/**
 * Flood limits the fake enforces on calls that create or edit messages (`sendMessage`, `sendDocument`,
 * `sendPhoto`, `editMessageText`, `editMessageReplyMarkup`): an edit counts like a new message.
 */
export interface FakeTelegramRateLimits {
  /**
   * Messages per chat in any one-second window (fake time).
   * @defaultValue 1 (Telegram's FAQ: "avoid sending more than one message per second in a particular chat")
   */
  readonly perChatPerSecond?: number;
  /**
   * Messages per group chat (negative chat id) in any one-minute window (fake time).
   * @defaultValue 20 (Telegram's FAQ: "bots are not able to send more than 20 messages per minute" to a group)
   */
  readonly perGroupPerMinute?: number;
  /**
   * Messages across all chats in any one-second window (fake time).
   * @defaultValue 30 (Telegram's FAQ: "about 30 messages per second" in bulk)
   */
  readonly globalPerSecond?: number;
}

/** Options of {@link FakeTelegramServer}. */
export interface FakeTelegramServerOptions {
  /**
   * The bot token the fake accepts; any other token is answered `401 Unauthorized`.
   * @defaultValue `'123456:TEST-TOKEN'`
   */
  readonly token?: string;
  /**
   * The bot's username, as `getMe` reports it.
   * @defaultValue `'fake_tether_bot'`
   */
  readonly botUsername?: string;
  /**
   * Flood limits, or `false` to switch them off.
   * @defaultValue Telegram's documented limits, see {@link FakeTelegramRateLimits}
   */
  readonly rateLimits?: FakeTelegramRateLimits | false;
  /**
   * Real milliseconds per fake millisecond. `0.01` makes a fake minute last 600 real ms: rate-limit
   * windows, the 15 s callback-query deadline, long-poll timeouts and message dates all run on fake
   * time. `retry_after` is then reported in *real* seconds (see {@link FakeTelegramServer}).
   * @defaultValue 1
   */
  readonly timeScale?: number;
}

/** A person as the fake shows them to the bot. */
export interface FakePerson {
  readonly id: number;
  readonly first_name: string;
  readonly username?: string;
  readonly last_name?: string;
}

/** Options of {@link FakeTelegramServer.createForumGroup}. */
export interface ForumGroupOptions {
  /** The group's title. */
  readonly title: string;
  /**
   * Whether topics are enabled.
   * @defaultValue true
   */
  readonly isForum?: boolean;
  /**
   * Whether the bot is an administrator of the group.
   * @defaultValue true
   */
  readonly botIsAdmin?: boolean;
  /**
   * Whether the bot's admin rights include `can_manage_topics`.
   * @defaultValue true
   */
  readonly canManageTopics?: boolean;
}

/** A fault to inject into the next matching requests. */
export type FakeTelegramFault = {
  /** Only requests to this Bot API method (e.g. `sendMessage`); every method when omitted. */
  readonly method?: string;
  /**
   * How many matching requests suffer the fault.
   * @defaultValue 1
   */
  readonly times?: number;
} & (
  | { readonly kind: 'status'; readonly status: 500 | 502; readonly description?: string }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'ratelimit'; readonly retryAfter: number }
);

/** One request the fake answered (or dropped), in arrival order. */
export interface FakeTelegramCall {
  /** Bot API method name as requested. */
  readonly method: string;
  /** Parameters after body parsing; an uploaded file appears as `{ fileName, size }`. */
  readonly params: Readonly<Record<string, unknown>>;
  /** HTTP status sent, or `0` when the socket was dropped. */
  readonly status: number;
  /** Fake time of arrival, in milliseconds since the epoch. */
  readonly at: number;
}

/** A message as a person sees it in a topic. */
export interface VisibleMessage {
  readonly messageId: number;
  /** The visible text (entities parsed away), or a document's caption. */
  readonly text: string;
  /** The HTML source when the message was sent or last edited with `parse_mode: 'HTML'`. */
  readonly html?: string;
  /** Inline keyboard labels, row by row. */
  readonly buttons: string[][];
  /** Inline keyboard `callback_data` row by row (`''` for buttons without one, e.g. URL buttons). */
  readonly buttonData: string[][];
  /** How many times the message was edited (text or keyboard). */
  readonly edits: number;
  readonly deleted: boolean;
  readonly fromBot: boolean;
  /** The uploaded document, for `sendDocument` messages. */
  readonly document?: {
    readonly fileName: string;
    readonly size: number;
    /** The uploaded bytes. */
    readonly content: Buffer;
    /** `photo` when sent with sendPhoto. */
    readonly kind: 'document' | 'photo' | 'voice';
  };
}

/** A forum topic as a person sees it in the topic list. */
export interface VisibleTopic {
  /** The topic's `message_thread_id`. */
  readonly id: number;
  readonly name: string;
  readonly closed: boolean;
}

/** A chat action (e.g. `typing`) the bot sent. */
export interface RecordedChatAction {
  readonly action: string;
  /** Fake time, in milliseconds since the epoch. */
  readonly at: number;
}

/** What the bot answered to a callback query. */
export interface CallbackAnswer {
  readonly text?: string;
  readonly showAlert?: boolean;
}
