// Over 400 lines: the Discord bridge itself (gateway events, threads, interactions, files); connection, transport, feed, pairing and errors are in their own files.
/**
 * `DiscordBridge`: agent sessions as public threads under one control channel of a Discord server, on
 * `@discordjs/core` + `@discordjs/rest` + `@discordjs/ws` (JSON gateway, no compression).
 * @module
 */

import { setImmediate } from 'node:timers';
import type { API } from '@discordjs/core';
import { GatewayDispatchEvents } from '@discordjs/core';
import { type SessionInfo, WebSocketShardEvents } from '@discordjs/ws';
import {
  type APIInteraction,
  type APIMessage,
  ChannelType,
  ComponentType,
  InteractionType,
  MessageFlags,
} from 'discord-api-types/v10';
import type { Card } from '../core/approvals/cards.js';
import type { TapAnswer } from '../core/approvals/flow.js';
import { Bridge, type BridgeOptions } from '../core/bridge.js';
import { parseCommand } from '../core/commands.js';
import { ConfigError, TetherError } from '../core/errors.js';
import { settleWithin } from '../core/lifecycle.js';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { fileBytes, type OutgoingFile, safeFileName } from '../core/outgoing-file.js';
import type { RateLimit } from '../core/rate-limiter.js';
import type { StoredThread } from '../core/store/types.js';
import { type ChatUser, systemClock, type ThreadId } from '../core/types.js';
import { escapeDiscordText } from '../format/index.js';
import { type DiscordConnection, type GatewaySessionKeeper, openDiscordConnection } from './connection.js';
import { MESSAGE_CONTENT_FIX, toTetherError } from './errors.js';
import { incomingFiles } from './incoming-files.js';
import { DiscordMessageFeed, RecentIds } from './message-feed.js';
import { CONTROL_CHANNEL_KEY, DiscordPairingCommands } from './pairing-commands.js';
import {
  createDiscordTransport,
  DISCORD_MESSAGE_LIMIT,
  noMentions,
  PostsInFlight,
  renderDiscordChunks,
} from './transport.js';

/** Options of {@link DiscordBridge}. */
export interface DiscordBridgeConfig extends BridgeOptions {
  /** The bot token (Developer Portal → Bot). Kept private; never logged. */
  readonly token: string;
  /**
   * The control channel: threads open under it and general replies go to it.
   * @defaultValue the channel claimed with `!setup <code>` (remembered in the store)
   */
  readonly channelId?: string;
  /** REST base URL (a self-hosted proxy or a fake: `http://127.0.0.1:PORT/api`). @defaultValue Discord's */
  readonly api?: string;
  /** Gateway URL to use instead of the one `GET /gateway/bot` returns (tests, proxies). */
  readonly gatewayUrl?: string;
  /** Identify without Discord's 5 s spacing. Only for a local fake. @defaultValue false */
  readonly fastIdentify?: boolean;
  /**
   * Outbox limits: per channel and across channels.
   * @defaultValue perChannel 5 per 5 s, global 50 per s (Discord's documented limits)
   */
  readonly rateLimits?: { readonly perChannel?: RateLimit; readonly global?: RateLimit };
  /** A click is answered within this time, or deferred and answered when ready (Discord allows 3 s). @defaultValue 2000 */
  readonly interactionReplyMs?: number;
  /**
   * Several hosts, one bot: keep the gateway session (id, sequence, resume URL) in the store, so the host that
   * takes the connection over RESUMEs it — Discord replays what was dispatched since the last event the previous
   * host received, and nothing before it.
   * @defaultValue false
   */
  readonly rememberGatewaySession?: boolean;
}

/** The defaults of {@link DiscordBridgeConfig} beyond the bridge's (`BRIDGE_DEFAULTS`). */
export const DISCORD_DEFAULTS = {
  fastIdentify: false,
  rateLimits: { perChannel: { count: 5, windowMs: 5000 }, global: { count: 50, windowMs: 1000 } },
  interactionReplyMs: 2000,
  rememberGatewaySession: false,
} as const satisfies Partial<Record<keyof DiscordBridgeConfig, unknown>>;

/** Store key of the gateway session (see `rememberGatewaySession`). */
export const DISCORD_GATEWAY_SESSION_KEY = 'discord.gatewaySession';

/**
 * A bridge to Discord.
 * @example
 * ```ts
 * await using bridge = new DiscordBridge({ token: process.env.DISCORD_BOT_TOKEN!, channelId: '123', handlers });
 * await bridge.start();
 * const thread = await bridge.createThread('my-repo');
 * const decision = await bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
 * ```
 */
export class DiscordBridge extends Bridge {
  readonly platform = 'discord';
  readonly #token: string;
  readonly #config: DiscordBridgeConfig;
  readonly #pairing: DiscordPairingCommands;
  readonly #interactions = new RecentIds();
  readonly #feed: DiscordMessageFeed;
  readonly #postsInFlight = new PostsInFlight();
  #connection: DiscordConnection | undefined;
  #controlChannel: string | undefined;
  #warnedEmptyContent = false;

  constructor(config: DiscordBridgeConfig) {
    if (typeof config.token !== 'string' || config.token.trim() === '') {
      throw new ConfigError(
        'DiscordBridge needs a bot token: pass { token: process.env.DISCORD_BOT_TOKEN }.',
      );
    }
    const { token: _token, ...rest } = config;
    super(rest, 'discord');
    this.#token = config.token.trim();
    this.#config = rest as DiscordBridgeConfig;
    this.#pairing = new DiscordPairingCommands({
      auth: this.auth,
      store: this.store,
      logger: this.logger,
      controlChannel: () => this.#controlChannel,
      fixedByConfig: config.channelId !== undefined,
      setControlChannel: (id) => {
        this.#controlChannel = id;
      },
      isTextChannel: async (id) => {
        const channel = await this.#api.channels.get(id).catch(() => undefined);
        return channel?.type === ChannelType.GuildText;
      },
      say: (id, markdown) => this.#say(id, markdown),
      audit: (entry) => this.audit(entry),
    });
    this.#pairing.register(this.commands);
    this.#feed = new DiscordMessageFeed({
      api: () => this.#api,
      logger: this.logger,
      deliver: (message) => this.#onMessage(message),
      isWatched: (id) => id === this.#controlChannel || this.getThread(id) !== undefined,
    });
  }

  /** The control channel, once known (configured or claimed with `!setup`). */
  get controlChannelId(): string | undefined {
    return this.#controlChannel;
  }

  /** The bot's own user id (after start). */
  get botUserId(): string | undefined {
    return this.#connection?.me.id;
  }

  /** A thread another process created is still recognised: it is looked up in the store. */
  protected override threadFromElsewhere(threadId: ThreadId): StoredThread | undefined {
    return this.store.findThreadByRef(this.platform, threadId);
  }

  // ---------------------------------------------------------------- platform hooks

  protected override createTransport(): OutboxTransport {
    return createDiscordTransport({
      api: () => this.#api,
      onPosted: (channelId, messageId) => this.#feed.note(channelId, messageId),
      inFlight: this.#postsInFlight,
    });
  }

  /** The gateway session kept in the store: one value per bot, `{ [shardId]: SessionInfo }`. */
  #storedGatewaySession(): GatewaySessionKeeper {
    const read = (): Record<string, SessionInfo> => {
      try {
        return JSON.parse(this.store.getValue(DISCORD_GATEWAY_SESSION_KEY) ?? '{}') as Record<
          string,
          SessionInfo
        >;
      } catch {
        return {};
      }
    };
    return {
      retrieve: (shardId) => read()[shardId] ?? null,
      update: (shardId, info) => {
        const all = read();
        if (info) all[shardId] = info;
        else delete all[shardId];
        try {
          this.store.setValue(DISCORD_GATEWAY_SESSION_KEY, JSON.stringify(all));
        } catch (error) {
          // A host that lost its lease may no longer write (fenced): its successor keeps the session now.
          this.logger.debug({ err: error }, 'discord: could not remember the gateway session');
        }
      },
    };
  }

  protected override async connect(signal: AbortSignal): Promise<void> {
    // Listen before connecting: a RESUME replays what was missed before it reports RESUMED. What arrives while
    // the bridge is starting is handled once it runs.
    let early: (() => void)[] | undefined = [];
    const handle = (fn: () => void) => (early ? early.push(fn) : fn());
    const connection = await openDiscordConnection({
      token: this.#token,
      logger: this.logger,
      signal,
      ...(this.#config.api !== undefined ? { api: this.#config.api } : {}),
      ...(this.#config.gatewayUrl !== undefined ? { gatewayUrl: this.#config.gatewayUrl } : {}),
      ...(this.#config.fastIdentify ? { fastIdentify: true } : {}),
      ...(this.#config.rememberGatewaySession ? { sessionInfo: this.#storedGatewaySession() } : {}),
      beforeConnect: (client) => {
        client.on(GatewayDispatchEvents.MessageCreate, ({ data }) => handle(() => this.#feed.accept(data)));
        client.on(GatewayDispatchEvents.InteractionCreate, ({ data }) =>
          handle(() => {
            this.#onInteraction(data).catch((error: unknown) =>
              this.logger.error({ err: error }, 'discord: answering a click failed'),
            );
          }),
        );
      },
    });
    this.#connection = connection;
    this.#controlChannel = this.#config.channelId ?? this.store.getValue(CONTROL_CHANNEL_KEY);
    // Handled once start() has marked the bridge running (it does so as soon as this returns).
    setImmediate(() => {
      const queued = early ?? [];
      early = undefined;
      for (const fn of queued) fn();
    });
    // Every READY after the first is a fresh session: Discord replays nothing, so fetch the gap.
    connection.manager.on(WebSocketShardEvents.Ready, () => {
      this.logger.info({}, 'discord gateway identified afresh; catching up on missed messages');
      void this.#feed.catchUp(signal);
    });
    connection.manager.on(WebSocketShardEvents.Resumed, () =>
      this.logger.info({}, 'discord gateway resumed'),
    );
    this.logger.info(
      { bot: connection.me.username, controlChannel: this.#controlChannel },
      'discord connected',
    );
    if (this.auth.pairingEnabled) {
      this.logger.info(
        {},
        'Discord pairing is on: type !pair <code> (or !setup <code> in a channel to control from); the code is bridge.auth.pairingCode',
      );
    }
    if (this.#controlChannel === undefined) {
      this.logger.warn(
        {},
        'discord: no control channel yet: pass channelId, or type !setup <code> in a channel',
      );
    }
  }

  protected override async disconnect(): Promise<void> {
    await this.#feed.idle();
    await this.#connection?.close();
    this.#connection = undefined;
  }

  protected override async openThread(name: string): Promise<string> {
    const parent = this.#controlChannel;
    if (parent === undefined) {
      throw new ConfigError(
        'discord: no control channel to open threads in: pass channelId, or type !setup <code> in a channel first.',
      );
    }
    try {
      const thread = await this.#api.channels.createThread(parent, {
        name: name.slice(0, 100),
        type: ChannelType.PublicThread,
        auto_archive_duration: 10_080,
      });
      return thread.id;
    } catch (error) {
      throw toTetherError(error, 'POST channels/:id/threads');
    }
  }

  protected override async typingPing(threadId: string): Promise<void> {
    try {
      await this.#api.channels.showTyping(threadId);
    } catch (error) {
      throw toTetherError(error, 'POST channels/:id/typing');
    }
  }

  protected override typingIntervalMs(): number {
    return 8000;
  }

  protected override rateLimits(): { perChat?: RateLimit; global?: RateLimit } {
    return {
      perChat: this.#config.rateLimits?.perChannel ?? DISCORD_DEFAULTS.rateLimits.perChannel,
      global: this.#config.rateLimits?.global ?? DISCORD_DEFAULTS.rateLimits.global,
    };
  }

  protected override commandPrefix(): string {
    return '!';
  }

  protected override renderCard(card: Card): OutgoingMessage {
    const [first = '…'] = renderDiscordChunks(card.markdown);
    return { text: first, buttons: card.buttons };
  }

  /** Upload a file into the thread as a message attachment (multipart `payload_json` + `files[0]`). */
  protected override async postFile(threadId: ThreadId, file: OutgoingFile): Promise<void> {
    try {
      await this.#api.channels.createMessage(threadId, {
        ...(file.caption !== undefined ? { content: escapeDiscordText(file.caption).slice(0, 2000) } : {}),
        allowed_mentions: { parse: [] },
        files: [{ name: safeFileName(file.fileName), data: fileBytes(file) }],
      });
    } catch (error) {
      throw toTetherError(error, 'POST channels/:id/messages (file)');
    }
  }

  /** A message that pings exactly this user (`allowed_mentions.users`), never anyone else. */
  protected override async postMention(threadId: ThreadId, userId: string, markdown: string): Promise<void> {
    if (!/^\d{5,25}$/.test(userId))
      throw new ConfigError(`discord: "${userId}" is not a user id (a number like 123456789012345678)`);
    const [text = ''] = renderDiscordChunks(markdown);
    try {
      await this.#api.channels.createMessage(threadId, {
        content: `<@${userId}> ${text}`.slice(0, 2000),
        allowed_mentions: { parse: [], users: [userId] },
      });
    } catch (error) {
      throw toTetherError(error, 'POST channels/:id/messages (mention)');
    }
  }

  protected override async postGeneral(markdown: string): Promise<void> {
    const channel = this.#controlChannel;
    if (channel === undefined) {
      this.logger.info({ text: markdown }, 'discord: no control channel for a general message');
      return;
    }
    await this.#say(channel, markdown);
  }

  // ---------------------------------------------------------------- inbound

  async #onMessage(message: APIMessage): Promise<void> {
    if (message.author.bot || message.webhook_id !== undefined) return;
    if (!this.running) return;
    const channelId = message.channel_id;
    const user: ChatUser = {
      id: message.author.id,
      name: message.author.global_name ?? message.author.username,
      platform: 'discord',
    };
    const text = message.content;
    if (
      text === '' &&
      message.attachments.length === 0 &&
      message.embeds.length === 0 &&
      !message.sticker_items
    ) {
      if (!this.#warnedEmptyContent) {
        this.#warnedEmptyContent = true;
        this.logger.warn(
          { channelId },
          `discord: a message arrived with empty content: ${MESSAGE_CONTENT_FIX}`,
        );
      }
      return;
    }
    if (message.attachments.length > 0 && this.getThread(channelId) !== undefined) {
      for (const file of incomingFiles(message, channelId, user)) await this.handleFile(file);
      return;
    }
    const command = parseCommand(text);
    if (command?.name === 'setup') {
      if (this.getThread(channelId) === undefined) await this.#pairing.setup(channelId, user, command.args);
      return;
    }
    if (this.getThread(channelId) !== undefined) {
      await this.handleMessage({ threadId: channelId, user, text });
    } else if (channelId === this.#controlChannel) {
      await this.handleMessage({ threadId: undefined, user, text });
    }
  }

  async #onInteraction(interaction: APIInteraction): Promise<void> {
    if (interaction.type !== InteractionType.MessageComponent) return;
    if (interaction.data.component_type !== ComponentType.Button) return;
    if (!this.#interactions.add(interaction.id)) return;
    const author = interaction.member?.user ?? interaction.user;
    if (!author) return;
    const user: ChatUser = {
      id: author.id,
      name: author.global_name ?? author.username,
      platform: 'discord',
    };
    const channelId = interaction.channel?.id ?? interaction.channel_id;
    const threadId =
      channelId !== undefined && this.getThread(channelId) !== undefined ? channelId : undefined;
    const replyMs = this.#config.interactionReplyMs ?? DISCORD_DEFAULTS.interactionReplyMs;
    if (channelId !== undefined) await this.#postsInFlight.settled(channelId, replyMs / 2);
    // Never rejects (the base class answers a failed tap): Discord says "This interaction failed" otherwise.
    const work = this.handleTap({ threadId, user, payload: interaction.data.custom_id });
    const api = this.#api;
    const content = (answer: TapAnswer) => escapeDiscordText(answer.text).slice(0, DISCORD_MESSAGE_LIMIT);
    // Real time, not the bridge's clock: Discord's 3 s to answer an interaction are real seconds.
    const within = await settleWithin(work, replyMs, systemClock);
    const quick = within.timedOut ? undefined : within.value;
    if (quick !== undefined) {
      await api.interactions.reply(interaction.id, interaction.token, {
        content: content(quick),
        flags: MessageFlags.Ephemeral,
        allowed_mentions: noMentions(),
      });
      return;
    }
    // Slow (e.g. the card edit waits for a rate limit): acknowledge now, answer when done.
    await api.interactions.defer(interaction.id, interaction.token, { flags: MessageFlags.Ephemeral });
    const answer = await work;
    await api.interactions.editReply(interaction.application_id, interaction.token, {
      content: content(answer),
      allowed_mentions: noMentions(),
    });
  }

  // ---------------------------------------------------------------- internals

  async #say(channelId: string, markdown: string): Promise<void> {
    for (const text of renderDiscordChunks(markdown)) await this.outbox.post(channelId, { text });
  }

  get #api(): API {
    if (!this.#connection) throw new TetherError('NOT_STARTED', 'discord: call start() first');
    return this.#connection.api;
  }
}

/**
 * Creates a {@link DiscordBridge} (not started).
 * @example
 * ```ts
 * const bridge = createDiscordBridge({ token: process.env.DISCORD_BOT_TOKEN!, handlers });
 * await bridge.start();
 * ```
 */
export function createDiscordBridge(config: DiscordBridgeConfig): DiscordBridge {
  return new DiscordBridge(config);
}
