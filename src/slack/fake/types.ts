/**
 * Public types of {@link FakeSlackServer}: its options, fault injection, and what its readers return.
 * @module
 */

import type { AnyBlock } from '@slack/types';
import type { WaitOptions } from '../../testing/kit/waiter.js';

/**
 * A rate-limit rule for one Web API method: a token bucket that holds `burst` calls and refills at
 * `perMinute` calls per (fake) minute.
 */
export interface FakeRateLimitRule {
  /** Sustained calls allowed per minute. */
  readonly perMinute: number;
  /** Calls allowed back to back before the sustained rate applies. @defaultValue `max(1, perMinute / 6)` */
  readonly burst?: number;
  /** Whether the bucket is per channel (Slack's chat.postMessage rule) or per app. @defaultValue `'app'` */
  readonly scope?: 'app' | 'channel';
}

/** Options of {@link FakeSlackServer}. Every one has a default; `new FakeSlackServer()` works. */
export interface FakeSlackServerOptions {
  /** The bot token (`xoxb-…`) the Web API accepts. @defaultValue `'xoxb-fake-bot-token'` */
  readonly botToken?: string;
  /** The app-level token (`xapp-…`) `apps.connections.open` accepts. @defaultValue `'xapp-fake-app-token'` */
  readonly appToken?: string;
  /** The workspace id. @defaultValue `'T0FAKETEAM'` */
  readonly teamId?: string;
  /** The bot's user id; a message containing `<@botUserId>` is an `app_mention`. @defaultValue `'U0FAKEBOT'` */
  readonly botUserId?: string;
  /** The bot id (`B…`) stamped on the bot's messages. @defaultValue `'B0FAKEBOT'` */
  readonly botId?: string;
  /** The app id sent in `hello` and payloads. @defaultValue `'A0FAKEAPP'` */
  readonly appId?: string;
  /**
   * Per-method rate limits, merged over the defaults (roughly Slack's tiers: chat.postMessage 1/s per channel
   * with a burst of 4; chat.update and most reads tier 3 = 50/min with a burst of 10). `false` disables them.
   */
  readonly rateLimits?: Readonly<Record<string, FakeRateLimitRule | null>> | false;
  /**
   * Real milliseconds per Slack millisecond: `0.01` runs the fake's clock 100× faster (rate-limit windows,
   * ack timeouts, disconnect grace, server pings, injected delays, message `ts`). `Retry-After` is sent in
   * whole real seconds, as Slack does and as WebClient parses it: rounded up when `timeScale >= 1`, rounded
   * to nearest (so possibly `0`, "retry now") when `timeScale < 1`. `waitFor` timeouts stay in real time.
   * @defaultValue `1`
   */
  readonly timeScale?: number;
  /** How long an envelope may go unacknowledged before it is redelivered (Slack: 3 s). @defaultValue `3000` */
  readonly ackTimeoutMs?: number;
  /** Redeliveries of an unacknowledged envelope before Slack gives up (Slack: 3). @defaultValue `3` */
  readonly maxRetries?: number;
  /** Grace between `disconnect(reason)` and closing the socket for closing reasons. @defaultValue `1000` */
  readonly disconnectGraceMs?: number;
  /** Interval of the server's WebSocket pings; `0` sends none. @defaultValue `10000` */
  readonly serverPingIntervalMs?: number;
  /** Socket Mode connections allowed at once before `too_many_websockets` (Slack: 10). @defaultValue `10` */
  readonly maxConnections?: number;
  /**
   * Whether the bot's own posts come back as `message` events (with `bot_id`), as Slack does.
   * @defaultValue `true`
   */
  readonly echoBotMessages?: boolean;
}

/** Why the fake asks a Socket Mode client to go away (`{ type: 'disconnect', reason }`). */
export type FakeDisconnectReason = 'warning' | 'refresh_requested' | 'too_many_websockets' | 'link_disabled';

/** A fault to inject into the next matching call(s). */
export type FakeSlackFault =
  /** Answers with this HTTP status (WebClient treats it as a retryable HTTP error). */
  (
    | { readonly kind: 'status'; readonly status: 500 | 502 | 503 | 504 }
    /** Answers 429 `ratelimited` with `Retry-After` = `retryAfter` Slack seconds (see `timeScale`). */
    | { readonly kind: 'ratelimit'; readonly retryAfter: number }
    /** Holds the call `ms` Slack milliseconds (scaled by `timeScale`), then handles it normally. */
    | { readonly kind: 'delay'; readonly ms: number }
    /** The next ack arrives "too late": it is ignored and the envelope is redelivered after the ack timeout. */
    | { readonly kind: 'slowAck' }
  ) & {
    /** The Web API method it applies to (any method when absent; ignored by `slowAck`). */
    readonly method?: string;
    /** How many calls (or acks, for `slowAck`) it applies to. @defaultValue `1` */
    readonly times?: number;
  };

/** One Web API call the fake received. Tokens are never recorded. */
export interface FakeSlackCall {
  /** The method, e.g. `chat.postMessage`. */
  readonly method: string;
  /** The arguments, without `token`. JSON-encoded form fields (`blocks`) are decoded. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The HTTP status answered. */
  readonly status: number;
  /** Whether the answer was `ok: true`. */
  readonly ok: boolean;
  /** Slack's error code when not ok (`ratelimited`, `invalid_auth`, …). */
  readonly error?: string;
}

/** A button as a person sees it on a message. */
export interface FakeSlackButton {
  /** The label. */
  readonly text: string;
  /** The `action_id`. */
  readonly actionId: string;
  /** The `value` sent back on click (may be absent). */
  readonly value?: string;
  /** The `block_id` of the block holding it. */
  readonly blockId: string;
  /** `primary` or `danger` when set. */
  readonly style?: string;
}

/** A message as a person sees it. */
export interface FakeSlackMessageView {
  /** The message ts (its id). */
  readonly ts: string;
  /** The parent's ts when the message is a thread reply. */
  readonly threadTs?: string;
  /** The channel. */
  readonly channel: string;
  /** The text (fallback text when blocks are set). */
  readonly text: string;
  /** The blocks as last posted or edited. */
  readonly blocks: readonly AnyBlock[];
  /** The buttons found in `actions` blocks and section accessories. */
  readonly buttons: readonly FakeSlackButton[];
  /** How many times it was edited (chat.update or a `replace_original` response). */
  readonly edits: number;
  /** Whether it was deleted. */
  readonly deleted: boolean;
  /** The author's user id (the bot user for the bot's messages). */
  readonly user: string;
  /** Whether the bot posted it. */
  readonly botPosted: boolean;
  /** Files shared with it, with their bytes. */
  readonly files: readonly {
    readonly id: string;
    readonly name: string;
    readonly title: string;
    readonly content: Buffer;
  }[];
}

/** An ephemeral message (only `user` sees it). */
export interface FakeSlackEphemeralView {
  /** The channel it was shown in. */
  readonly channel: string;
  /** The only person who sees it. */
  readonly user: string;
  /** Its text. */
  readonly text: string;
  /** Its blocks. */
  readonly blocks: readonly AnyBlock[];
  /** The thread it was shown in, if any. */
  readonly threadTs?: string;
}

/** The kinds of Socket Mode envelopes the fake delivers. */
export type FakeEnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/** The delivery state of an envelope. */
export type FakeEnvelopeState = 'queued' | 'sent' | 'acked' | 'expired';

/** One entry of the envelope delivery log. */
export interface FakeEnvelopeRecord {
  /** The envelope id (the same on every redelivery). */
  readonly envelopeId: string;
  /** The envelope type. */
  readonly type: FakeEnvelopeType;
  /** The payload delivered. */
  readonly payload: unknown;
  /** Whether the ack may carry a response payload (slash commands). */
  readonly acceptsResponsePayload: boolean;
  /** 0 on first delivery, then 1, 2, 3 on redeliveries. */
  readonly retryAttempt: number;
  /** `''` on first delivery, `'timeout'` on redeliveries. */
  readonly retryReason: string;
  /** Where it is: waiting for a connection, sent and unacked, acknowledged, or given up. */
  readonly state: FakeEnvelopeState;
  /** How many times it was written to a socket. */
  readonly deliveries: number;
  /** The ack's `payload`, once acked. */
  readonly ackPayload?: unknown;
}

/** Options of {@link FakeSlackServer.waitFor}. */
export type FakeWaitOptions = WaitOptions;
