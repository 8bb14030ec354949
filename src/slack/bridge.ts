/**
 * `SlackBridge`: agent sessions as threads in one Slack channel, on the real `@slack/web-api` WebClient and
 * `@slack/socket-mode` SocketModeClient. Each thread is a parent message ("🧵 name") whose `ts` is the thread id;
 * output, statuses and approval cards (Block Kit buttons) are replies in it. People answer with buttons, text
 * replies, `!commands` or a slash command. Every envelope is acknowledged at once and handled at most once.
 * @module
 */

import { SocketModeClient } from '@slack/socket-mode';
import { WebClient } from '@slack/web-api';
import { type Card, escapeMarkdown } from '../core/approvals/cards.js';
import type { TapAnswer } from '../core/approvals/flow.js';
import { Bridge, type BridgeOptions } from '../core/bridge.js';
import { ConfigError } from '../core/errors.js';
import { settleWithin } from '../core/lifecycle.js';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { fileBytes, type OutgoingFile, safeFileName } from '../core/outgoing-file.js';
import type { RateLimit } from '../core/rate-limiter.js';
import type { ChatUser, ThreadId } from '../core/types.js';
import { escapeSlackText, renderChunks } from '../format/index.js';
import { SLACK_BLOCK_LIMITS } from './blocks.js';
import { SLACK, toTetherError } from './errors.js';
import { interpretEnvelope, RecentKeys, type SlackEnvelope, type SlackInbound } from './events.js';
import { incomingSlackFiles } from './incoming-files.js';
import { slackSdkLogger, startSocket, verifyAppToken, verifyBotToken, verifyChannel } from './startup.js';
import { createSlackTransport } from './transport.js';
import { SlackUserNames } from './user-names.js';

/** Outgoing rate limits of a Slack bridge. */
export interface SlackSendRateLimits {
  /** Posts and edits per channel. @defaultValue `{ count: 3, windowMs: 3300 }` (Slack: about 1/s with short bursts) */
  readonly perChannel?: RateLimit;
  /** Calls across the app. @defaultValue `{ count: 50, windowMs: 60_000 }` (chat.update is tier 3: 50/min) */
  readonly global?: RateLimit;
}

/** Configuration of {@link SlackBridge}. */
export interface SlackBridgeConfig extends BridgeOptions {
  /** The Bot User OAuth Token (`xoxb-…`), e.g. `process.env.SLACK_BOT_TOKEN`. */
  readonly botToken: string;
  /** The app-level token (`xapp-…`, scope `connections:write`) for Socket Mode, e.g. `process.env.SLACK_APP_TOKEN`. */
  readonly appToken: string;
  /** The channel that holds the agent threads (`C…` or `G…`), e.g. `process.env.SLACK_CHANNEL_ID`. */
  readonly channelId: string;
  /** Base URL of the Web API, for a proxy or a fake. @defaultValue `'https://slack.com/api/'` */
  readonly slackApiUrl?: string;
  /** How long Socket Mode waits for a pong before reconnecting; also its reconnect delay. @defaultValue 5000 */
  readonly clientPingTimeoutMs?: number;
  /** Outgoing rate limits; `false` turns ours off (Slack's 429s are still honoured). */
  readonly sendRateLimits?: SlackSendRateLimits | false;
  /**
   * Also remember the keys of handled envelopes in the store (the newest 500), and skip one seen there. Turn it on
   * when several hosts take turns holding the Socket Mode connection over a shared store (`serve --redis`): an
   * envelope redelivered to the host that took over is not handled twice.
   * @defaultValue false
   */
  readonly rememberHandledEnvelopes?: boolean;
}

/** Store key of the handled envelope keys (see `rememberHandledEnvelopes`). */
export const SLACK_HANDLED_KEYS = 'slack.handledEnvelopes';
const HANDLED_KEYS_KEPT = 500;

/** The defaults of {@link SlackBridgeConfig} beyond the bridge's (`BRIDGE_DEFAULTS`). */
export const SLACK_DEFAULTS = {
  clientPingTimeoutMs: 5000,
  sendRateLimits: { perChannel: { count: 3, windowMs: 3300 }, global: { count: 50, windowMs: 60_000 } },
  rememberHandledEnvelopes: false,
} as const satisfies Partial<Record<keyof SlackBridgeConfig, unknown>>;

/** Tap answers told only to the person who tapped: refusals and buttons that no longer decide anything. */
function showPrivately(answer: TapAnswer): boolean {
  return answer.alert === true || answer.outcome === 'stale' || answer.outcome === 'refused';
}

function checkConfig(config: SlackBridgeConfig): void {
  if (!config.botToken?.startsWith('xoxb-')) {
    throw new ConfigError(
      'SlackBridge needs a bot token starting with xoxb-: set SLACK_BOT_TOKEN to the Bot User OAuth Token',
    );
  }
  if (!config.appToken?.startsWith('xapp-')) {
    throw new ConfigError(
      'SlackBridge needs an app-level token starting with xapp- (scope connections:write): set SLACK_APP_TOKEN',
    );
  }
  if (!/^[CG][A-Z0-9]{2,}$/.test(config.channelId ?? '')) {
    throw new ConfigError(
      'SlackBridge needs a channel id like C0123ABCD (not a #name): set SLACK_CHANNEL_ID (channel details → bottom)',
    );
  }
}

/**
 * A bridge to one Slack channel over Socket Mode.
 * @example
 * ```ts
 * await using bridge = new SlackBridge({
 *   botToken: process.env.SLACK_BOT_TOKEN!,
 *   appToken: process.env.SLACK_APP_TOKEN!,
 *   channelId: process.env.SLACK_CHANNEL_ID!,
 *   allowedUserIds: ['U0123ALICE'],
 *   handlers: { onInput: (thread, text) => agent.send(text) },
 * });
 * await bridge.start();
 * const thread = await bridge.createThread('my-repo');
 * const decision = await bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
 * ```
 */
export class SlackBridge extends Bridge {
  readonly platform = SLACK;
  /** The channel that holds the threads. */
  readonly channelId: string;
  readonly #config: SlackBridgeConfig;
  readonly #web: WebClient;
  readonly #names: SlackUserNames;
  readonly #seen = new RecentKeys();
  readonly #inFlight = new Set<Promise<void>>();
  #socket: SocketModeClient | undefined;
  #botUserId = '';

  /** @param config - tokens, channel, and the usual bridge options. */
  constructor(config: SlackBridgeConfig) {
    checkConfig(config);
    super(config, SLACK);
    this.#config = config;
    this.channelId = config.channelId;
    // The outbox owns retries and 429s (keeping each thread's order), so the client must not retry itself.
    this.#web = new WebClient(config.botToken, {
      ...(config.slackApiUrl !== undefined ? { slackApiUrl: config.slackApiUrl } : {}),
      logger: slackSdkLogger(this.logger, 'web-api'),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    this.#names = new SlackUserNames(this.#web, this.logger);
  }

  /** The bot's own user id (known after `start()`). */
  get botUserId(): string {
    return this.#botUserId;
  }

  /** Resolves when every received envelope has been handled and every queued message is visible. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.delivered();
  }

  // ---------------------------------------------------------------- platform hooks

  protected override createTransport(): OutboxTransport {
    return createSlackTransport({ web: this.#web, channelId: this.channelId });
  }

  protected override rateLimits(): { perChat?: RateLimit; global?: RateLimit } {
    const limits = this.#config.sendRateLimits;
    if (limits === false) return {};
    return {
      perChat: limits?.perChannel ?? SLACK_DEFAULTS.sendRateLimits.perChannel,
      global: limits?.global ?? SLACK_DEFAULTS.sendRateLimits.global,
    };
  }

  protected override commandPrefix(): string {
    return '!';
  }

  protected override async connect(signal: AbortSignal): Promise<void> {
    const ctx = { clock: this.clock, signal };
    const { botUserId } = await verifyBotToken(this.#web, ctx);
    this.#botUserId = botUserId;
    await verifyChannel(this.#web, this.channelId, ctx);
    await verifyAppToken(this.#config.appToken, this.#config.slackApiUrl, this.logger, ctx);
    const socket = new SocketModeClient({
      appToken: this.#config.appToken,
      logger: slackSdkLogger(this.logger, 'socket-mode'),
      clientPingTimeout: this.#config.clientPingTimeoutMs ?? SLACK_DEFAULTS.clientPingTimeoutMs,
      clientOptions: {
        ...(this.#config.slackApiUrl !== undefined ? { slackApiUrl: this.#config.slackApiUrl } : {}),
        retryConfig: { retries: 2, minTimeout: 100, maxTimeout: 1000 },
      },
    });
    socket.on('slack_event', (envelope: SlackEnvelope & { ack: (response?: object) => Promise<void> }) =>
      this.#receive(envelope),
    );
    this.#socket = socket;
    try {
      await startSocket(socket, signal);
    } catch (error) {
      this.#socket = undefined;
      await socket.disconnect().catch(() => undefined);
      socket.removeAllListeners();
      throw error;
    }
  }

  protected override async disconnect(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    await settleWithin(Promise.allSettled([...this.#inFlight]), 2000);
    if (!socket) return;
    await settleWithin(
      socket.disconnect().catch(() => undefined),
      3000,
    );
    socket.removeAllListeners();
  }

  protected override async openThread(name: string, options: { directory?: string }): Promise<string> {
    const markdown = `🧵 **${escapeMarkdown(name)}**${options.directory ? `\n\`${options.directory}\`` : ''}`;
    const [text = `🧵 ${escapeSlackText(name)}`] = this.transport.render(markdown);
    return this.outbox.post(this.channelId, { text });
  }

  protected override renderCard(card: Card): OutgoingMessage {
    const [text = ' '] = renderChunks(card.markdown, 'slack', { limit: SLACK_BLOCK_LIMITS.sectionText });
    return { text, buttons: card.buttons };
  }

  /**
   * Upload a file into the thread through Slack's external upload flow (`files.uploadV2`:
   * files.getUploadURLExternal, a POST of the bytes, files.completeUploadExternal).
   */
  protected override async postFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    const filename = safeFileName(file.fileName);
    try {
      await this.#web.files.uploadV2({
        channel_id: this.channelId,
        thread_ts: threadId,
        file: fileBytes(file),
        filename,
        title: filename,
        ...(file.caption !== undefined ? { initial_comment: escapeSlackText(file.caption) } : {}),
      });
    } catch (error) {
      throw toTetherError(error, 'files.uploadV2');
    }
  }

  protected override async postGeneral(markdown: string): Promise<void> {
    for (const text of this.transport.render(markdown)) await this.outbox.post(this.channelId, { text });
  }

  // ---------------------------------------------------------------- inbound

  #receive(envelope: SlackEnvelope & { ack: (response?: object) => Promise<void> }): void {
    const inbound = interpretEnvelope(envelope, { channelId: this.channelId, botUserId: this.#botUserId });
    const fresh = this.#seen.remember(inbound.key) && this.#firstAcrossHosts(inbound.key);
    if (fresh && inbound.kind !== 'ignored') {
      // Registered before the ack goes out, so whoever sees the ack can `settle()` on the handling.
      const task = this.#handle(inbound)
        .catch((error: unknown) =>
          this.logger.error(
            { err: error, platform: SLACK, kind: inbound.kind },
            'handling a Slack event failed',
          ),
        )
        .finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    } else if (!fresh) {
      this.logger.debug({ platform: SLACK, key: inbound.key }, 'ignored a redelivered envelope');
    }
    // Every envelope is acknowledged, even ignored and repeated ones, so Slack stops redelivering it.
    const response =
      fresh && inbound.kind === 'slash'
        ? { text: `⏳ ${inbound.command} ${inbound.text}`.trim() }
        : undefined;
    envelope
      .ack(response)
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error, platform: SLACK },
          'could not acknowledge an envelope (it will come again)',
        ),
      );
  }

  /** With `rememberHandledEnvelopes`: false when a host sharing the store already took this envelope. */
  #firstAcrossHosts(key: string): boolean {
    if (!this.#config.rememberHandledEnvelopes) return true;
    let keys: string[] = [];
    try {
      keys = JSON.parse(this.store.getValue(SLACK_HANDLED_KEYS) ?? '[]') as string[];
    } catch {
      keys = [];
    }
    if (keys.includes(key)) return false;
    keys.push(key);
    this.store.setValue(SLACK_HANDLED_KEYS, JSON.stringify(keys.slice(-HANDLED_KEYS_KEPT)));
    return true;
  }

  async #handle(inbound: Exclude<SlackInbound, { kind: 'ignored' }>): Promise<void> {
    switch (inbound.kind) {
      case 'message': {
        const user = await this.#names.user(inbound.userId);
        const fileThread = inbound.files ? this.#known(inbound.threadTs) : undefined;
        if (inbound.files && fileThread !== undefined) {
          for (const file of incomingSlackFiles(
            inbound.files,
            inbound.text,
            fileThread,
            user,
            this.#config.botToken,
          ))
            await this.handleFile(file);
          return;
        }
        await this.handleMessage({ threadId: this.#known(inbound.threadTs), user, text: inbound.text });
        return;
      }
      case 'tap': {
        const user = await this.#names.user(inbound.userId, inbound.userName);
        const threadId = this.#known(inbound.threadTs);
        const answer = await this.handleTap({ threadId, user, payload: inbound.value });
        if (showPrivately(answer)) await this.#tellPrivately(user, answer.text, inbound.threadTs);
        return;
      }
      case 'slash': {
        const user = await this.#names.user(inbound.userId, inbound.userName);
        const words = inbound.text.trim().replace(/^[!/]/, '');
        await this.handleMessage({ threadId: undefined, user, text: words ? `!${words}` : '!help' });
        return;
      }
      default: {
        const never: never = inbound;
        return never;
      }
    }
  }

  /** The thread id when `threadTs` is one of this bridge's threads. */
  #known(threadTs: string | undefined): ThreadId | undefined {
    return threadTs !== undefined && this.getThread(threadTs) ? threadTs : undefined;
  }

  async #tellPrivately(user: ChatUser, text: string, threadTs: string | undefined): Promise<void> {
    try {
      await this.#web.chat.postEphemeral({
        channel: this.channelId,
        user: user.id,
        text: escapeSlackText(text),
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      });
    } catch (error) {
      this.logger.warn({ err: error, platform: SLACK }, 'could not post an ephemeral answer');
    }
  }
}

/**
 * Create a {@link SlackBridge}.
 * @param config - tokens, channel, handlers and bridge options.
 */
export function createSlackBridge(config: SlackBridgeConfig): SlackBridge {
  return new SlackBridge(config);
}
