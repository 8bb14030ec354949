// Over 400 lines: the Telegram bridge itself (polling, topics, taps, files); startup, transport, inbound and cards already live beside it.
/**
 * `TelegramBridge`: agent threads as forum topics of one Telegram supergroup, on grammY long polling.
 * Output goes through the outbox (coalesced, rate-limited, 429s waited out); approval cards are messages with
 * inline keyboards; taps and messages of people are fed to the core's inbound dispatch.
 * @module
 */
import type { CallbackQuery, Message, UserFromGetMe } from '@grammyjs/types';
import { Bot, InputFile, type Transformer } from 'grammy';
import type { Card } from '../core/approvals/cards.js';
import { Bridge, type BridgeOptions, TAP_FAILED_ANSWER } from '../core/bridge.js';
import { ConfigError } from '../core/errors.js';
import { deferred } from '../core/lifecycle.js';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { fileBytes, type OutgoingFile, safeFileName } from '../core/outgoing-file.js';
import type { RateLimit } from '../core/rate-limiter.js';
import { renderTelegramCard } from './cards.js';
import { redactToken, toTetherError } from './errors.js';
import { readIncomingMessage, readIncomingTap } from './inbound.js';
import { downloadTelegramFile, incomingFile } from './incoming-files.js';
import { apiSignal, checkForumGroup, checkToken, telegramCommandMenu } from './startup.js';
import { createTelegramTransport, GENERAL_REF } from './transport.js';

/** Options of {@link TelegramBridge}. */
export interface TelegramBridgeConfig extends BridgeOptions {
  /** The bot token from @BotFather (`TELEGRAM_BOT_TOKEN`). Never logged. */
  readonly token: string;
  /** The id of the forum supergroup (Topics enabled) the bot administers, e.g. `-1001234567890`. */
  readonly forumGroupId: number | string;
  /**
   * Bot API root, for a self-hosted Bot API server or a fake.
   * @defaultValue 'https://api.telegram.org'
   */
  readonly apiRoot?: string;
  /**
   * Real milliseconds per `clock` millisecond. Set it only when `clock` runs scaled time (tests and benchmarks
   * against `FakeTelegramServer` with a `timeScale`), so Telegram's `retry_after` (real seconds) is waited in
   * clock time.
   * @defaultValue 1
   */
  readonly clockScale?: number;
  /**
   * Long-polling timeout of `getUpdates`, in seconds.
   * @defaultValue 30
   */
  readonly pollingTimeoutSeconds?: number;
  /**
   * Remember the newest update id handled in the store and skip updates at or below it. Turn it on when several
   * hosts take turns polling one bot over a shared store (`agent-tether serve --redis`): a host that takes
   * polling over then never handles again an update its predecessor handled but had not yet confirmed.
   * @defaultValue false
   */
  readonly rememberHandledUpdates?: boolean;
}

/** The defaults of {@link TelegramBridgeConfig} beyond the bridge's (`BRIDGE_DEFAULTS`). */
export const TELEGRAM_DEFAULTS = {
  clockScale: 1,
  pollingTimeoutSeconds: 30,
  rememberHandledUpdates: false,
} as const satisfies Partial<Record<keyof TelegramBridgeConfig, unknown>>;

/** Store key of the newest handled update id (see `rememberHandledUpdates`). */
export const TELEGRAM_HANDLED_UPDATE_KEY = 'telegram.handledUpdateId';

/** Telegram's FAQ: about one message a second and 20 a minute to one group; about 30 a second overall. */
const GROUP_LIMITS: readonly RateLimit[] = [
  { count: 1, windowMs: 1000 },
  { count: 20, windowMs: 60_000 },
];
const GLOBAL_LIMIT: RateLimit = { count: 30, windowMs: 1000 };
/** Calls whose failures are handled elsewhere: the outbox (429/5xx), grammY's polling loop, or not worth a retry. */
const CALLS_WITHOUT_AUTO_RETRY = new Set(['sendMessage', 'editMessageText', 'getUpdates', 'sendChatAction']);
/** How long `stop()` waits for updates still being handled. */
const INFLIGHT_GRACE_MS = 5000;
/** Telegram shows at most 200 characters in a callback answer. */
const MAX_CALLBACK_ANSWER = 200;

/**
 * A bridge to a Telegram forum group: each agent thread is a topic.
 * @example
 * ```ts
 * await using bridge = new TelegramBridge({
 *   token: process.env.TELEGRAM_BOT_TOKEN!,
 *   forumGroupId: process.env.TELEGRAM_FORUM_GROUP_ID!,
 *   allowedUserIds: [123456789],
 *   handlers: { onInput: (thread, text) => agent.send(text) },
 * });
 * await bridge.start();
 * const thread = await bridge.createThread('my-repo');
 * await bridge.sendOutput(thread, 'Working on it…');
 * const decision = await bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
 * ```
 */
export class TelegramBridge extends Bridge {
  readonly platform = 'telegram';
  readonly #token: string;
  readonly #chatId: number;
  readonly #bot: Bot;
  readonly #clockScale: number;
  readonly #pollingTimeout: number;
  readonly #inflight = new Set<Promise<void>>();
  #me: UserFromGetMe | undefined;
  #polling: Promise<void> | undefined;
  #autoRetryInstalled = false;
  readonly #apiRoot: string | undefined;
  /** Opens once `start()` has finished, so updates polled during start-up wait for restored approvals. */
  #ready = deferred();

  /** @param config - see {@link TelegramBridgeConfig}. */
  constructor(config: TelegramBridgeConfig) {
    const {
      token,
      forumGroupId,
      apiRoot,
      clockScale,
      pollingTimeoutSeconds,
      rememberHandledUpdates,
      ...options
    } = config;
    super(options, 'telegram');
    if (typeof token !== 'string' || !/^\d+:[\w-]+$/.test(token.trim())) {
      throw new ConfigError(
        'telegram: the bot token is missing or malformed: set TELEGRAM_BOT_TOKEN to the token from @BotFather (123456789:AA…)',
      );
    }
    const chatId = Number(forumGroupId);
    if (!Number.isSafeInteger(chatId) || chatId >= 0) {
      throw new ConfigError(
        `telegram: forumGroupId must be the group's negative id (like -1001234567890), got "${String(forumGroupId)}"`,
      );
    }
    if (clockScale !== undefined && !(clockScale > 0)) {
      throw new ConfigError(`telegram: clockScale must be a positive number, got ${String(clockScale)}`);
    }
    this.#token = token.trim();
    this.#apiRoot = apiRoot;
    this.#chatId = chatId;
    this.#clockScale = clockScale ?? TELEGRAM_DEFAULTS.clockScale;
    this.#pollingTimeout = pollingTimeoutSeconds ?? TELEGRAM_DEFAULTS.pollingTimeoutSeconds;
    this.#bot = new Bot(this.#token, apiRoot !== undefined ? { client: { apiRoot } } : {});
    if (rememberHandledUpdates) this.#bot.use((ctx, next) => this.#once(ctx.update.update_id, next));
    this.#bot.on('message', (ctx) => this.#track(() => this.#onMessage(ctx.message)));
    this.#bot.on('callback_query', (ctx) => this.#track(() => this.#onTap(ctx.callbackQuery)));
    this.#bot.catch((error) =>
      this.logger.error({ platform: 'telegram', err: this.#safe(error.error) }, 'update handling failed'),
    );
  }

  /** Updates that arrived while starting (e.g. taps on cards sent before a restart) are handled from now on. */
  protected override started(): void {
    this.#ready.resolve();
  }

  /** The forum group's chat id. */
  get chatId(): number {
    return this.#chatId;
  }

  /** The bot's own user (after `start()`). */
  get botUser(): UserFromGetMe | undefined {
    return this.#me;
  }

  // ---------------------------------------------------------------- platform hooks

  protected override createTransport(): OutboxTransport {
    return createTelegramTransport({
      api: this.#bot.api,
      chatId: this.#chatId,
      token: this.#token,
      clockMsPerRealMs: 1 / this.#clockScale,
      logger: this.logger,
    });
  }

  protected override async connect(signal: AbortSignal): Promise<void> {
    if (!this.#autoRetryInstalled) {
      this.#bot.api.config.use(await selectiveAutoRetry());
      this.#autoRetryInstalled = true;
    }
    const me = await checkToken(this.#bot.api, this.#token, signal, this.#apiRoot);
    this.#me = me;
    this.#bot.botInfo = me;
    await checkForumGroup(this.#bot.api, { chatId: this.#chatId, me, token: this.#token, signal });
    await this.#registerCommandMenu(signal);
    await this.#startPolling();
  }

  protected override async disconnect(): Promise<void> {
    // bot.stop() aborts the waiting long poll and confirms the last handled update's offset.
    await this.#bot
      .stop()
      .catch((error: unknown) =>
        this.logger.debug(
          { platform: 'telegram', err: this.#safe(error) },
          'confirming the update offset failed',
        ),
      );
    await this.#polling;
    this.#polling = undefined;
    await this.#settleInflight();
    this.#ready = deferred();
  }

  protected override async openThread(name: string): Promise<string> {
    try {
      const topic = await this.#bot.api.createForumTopic(this.#chatId, name);
      return String(topic.message_thread_id);
    } catch (error) {
      throw this.#mapError('createForumTopic', error);
    }
  }

  protected override async typingPing(threadId: string): Promise<void> {
    try {
      await this.#bot.api.sendChatAction(this.#chatId, 'typing', { message_thread_id: Number(threadId) });
    } catch (error) {
      throw this.#mapError('sendChatAction', error);
    }
  }

  /** Telegram shows "typing…" for about 5 seconds: renew every 4. */
  protected override typingIntervalMs(): number {
    return 4000;
  }

  protected override rateLimits(): { perChat?: readonly RateLimit[]; global?: RateLimit } {
    return { perChat: GROUP_LIMITS, global: GLOBAL_LIMIT };
  }

  protected override commandPrefix(): string {
    return '/';
  }

  protected override renderCard(card: Card): OutgoingMessage {
    return renderTelegramCard(card);
  }

  /** Upload a file to the topic: sendDocument, or sendPhoto for images (multipart, through grammY's InputFile). */
  protected override async postFile(threadId: string, file: OutgoingFile): Promise<void> {
    const upload = new InputFile(fileBytes(file), safeFileName(file.fileName));
    // The caption is sent as plain text (no parse_mode): nothing in it can become markup.
    const extra = {
      message_thread_id: Number(threadId),
      ...(file.caption !== undefined ? { caption: file.caption.slice(0, 1024) } : {}),
    };
    const method = file.kind === 'photo' ? 'sendPhoto' : 'sendDocument';
    try {
      if (file.kind === 'photo') await this.#bot.api.sendPhoto(this.#chatId, upload, extra);
      else await this.#bot.api.sendDocument(this.#chatId, upload, extra);
    } catch (error) {
      throw this.#mapError(method, error);
    }
  }

  /** Post in the group's General topic (answers to commands sent there). */
  protected override async postGeneral(markdown: string): Promise<void> {
    for (const text of this.transport.render(markdown)) await this.outbox.post(GENERAL_REF, { text });
  }

  // ---------------------------------------------------------------- updates

  async #onMessage(message: Message): Promise<void> {
    const file = incomingFile(message, this.#chatId, (fileId) =>
      downloadTelegramFile(this.#bot.api, { apiRoot: this.#apiRoot, token: this.#token }, fileId),
    );
    if (file) {
      if (file.threadId !== undefined && this.getThread(file.threadId)) await this.handleFile(file);
      return;
    }
    const incoming = readIncomingMessage(message, this.#chatId);
    if (!incoming) return;
    const known = incoming.topic !== undefined && this.getThread(String(incoming.topic)) !== undefined;
    // Outside our topics only commands are for us: people chatting in General or in their own topics are not
    // agent input, and must not be answered with a refusal each time.
    if (!known && !incoming.isCommand) return;
    await this.handleMessage({
      threadId: known ? String(incoming.topic) : undefined,
      user: incoming.user,
      text: incoming.text,
    });
  }

  async #onTap(query: CallbackQuery): Promise<void> {
    const tap = readIncomingTap(query, this.#chatId);
    let answer: { text?: string; show_alert?: boolean } = {};
    try {
      if (tap) {
        const threadId =
          tap.topic !== undefined && this.getThread(String(tap.topic)) ? String(tap.topic) : undefined;
        const result = await this.handleTap({ threadId, user: tap.user, payload: tap.payload });
        answer = { text: result.text.slice(0, MAX_CALLBACK_ANSWER), show_alert: result.alert ?? false };
      }
    } catch (error) {
      this.logger.error({ platform: 'telegram', err: this.#safe(error) }, 'handling a button tap failed');
      answer = { text: TAP_FAILED_ANSWER.text };
    }
    try {
      await this.#bot.api.answerCallbackQuery(query.id, answer);
    } catch (error) {
      // Usually "query is too old": the spinner has already stopped on the person's side.
      this.logger.debug({ platform: 'telegram', err: this.#safe(error) }, 'answerCallbackQuery failed');
    }
  }

  // ---------------------------------------------------------------- internals

  async #registerCommandMenu(signal: AbortSignal): Promise<void> {
    const commands = telegramCommandMenu(this.commands.list());
    if (commands.length === 0) return;
    try {
      await this.#bot.api.setMyCommands(
        commands,
        { scope: { type: 'chat', chat_id: this.#chatId } },
        apiSignal(signal),
      );
    } catch (error) {
      // The menu is a convenience: typed commands work without it.
      this.logger.warn(
        { platform: 'telegram', err: this.#safe(error) },
        'could not register the command menu (setMyCommands)',
      );
    }
  }

  /** Start long polling in the background; resolves once polling runs (or rejects if its setup failed). */
  #startPolling(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let started = false;
      this.#polling = this.#bot
        .start({
          allowed_updates: ['message', 'callback_query'],
          drop_pending_updates: false,
          timeout: this.#pollingTimeout,
          onStart: () => {
            started = true;
            resolve();
          },
        })
        .catch((error: unknown) => {
          const mapped = this.#mapError('getUpdates', error);
          if (!started) {
            reject(mapped);
            return;
          }
          // 401 (token revoked) or 409 (another instance polls with this token) end grammY's loop.
          this.logger.error(
            { platform: 'telegram', err: mapped },
            'Telegram long polling stopped: is another instance running with this bot token?',
          );
        });
    });
  }

  /** Handle an update only if no host handled it before (marked before handling: at most once). */
  #once(updateId: number, next: () => Promise<void>): Promise<void> | undefined {
    const handled = Number(this.store.getValue(TELEGRAM_HANDLED_UPDATE_KEY) ?? '0');
    if (updateId <= handled) {
      this.logger.debug({ platform: 'telegram', updateId }, 'skipped an update handled before');
      return undefined;
    }
    this.store.setValue(TELEGRAM_HANDLED_UPDATE_KEY, String(updateId));
    return next();
  }

  #track(work: () => Promise<void>): void {
    // Updates are handled concurrently: a handler awaiting an approval must not block the tap that answers it.
    const ready = this.#ready.promise;
    const tracked = ready
      .then(work)
      .catch((error: unknown) =>
        this.logger.error({ platform: 'telegram', err: this.#safe(error) }, 'update handling failed'),
      );
    this.#inflight.add(tracked);
    void tracked.finally(() => this.#inflight.delete(tracked));
  }

  async #settleInflight(): Promise<void> {
    if (this.#inflight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, INFLIGHT_GRACE_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.allSettled([...this.#inflight]), grace]);
    clearTimeout(timer);
  }

  #mapError(operation: string, error: unknown): Error {
    return toTetherError(error, operation, { token: this.#token, clockMsPerRealMs: 1 / this.#clockScale });
  }

  /** An error safe to log: message and name only, the token redacted. */
  #safe(error: unknown): { name: string; message: string } {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { name, message: redactToken(message, this.#token) };
  }
}

/**
 * `@grammyjs/auto-retry` (bounded) for calls outside the outbox; the outbox and grammY retry their own.
 * Loaded when the bridge connects, so a missing install is one line naming the package to install.
 */
async function selectiveAutoRetry(): Promise<Transformer> {
  let autoRetry: typeof import('@grammyjs/auto-retry').autoRetry;
  try {
    ({ autoRetry } = await import('@grammyjs/auto-retry'));
  } catch (error) {
    throw new ConfigError(
      'telegram: the package @grammyjs/auto-retry is not installed: npm install grammy @grammyjs/auto-retry',
      { cause: error },
    );
  }
  const retry = autoRetry({
    maxRetryAttempts: 3,
    maxDelaySeconds: 30,
    rethrowInternalServerErrors: true,
    rethrowHttpErrors: true,
  }) as unknown as Transformer;
  return (prev, method, payload, signal) =>
    CALLS_WITHOUT_AUTO_RETRY.has(method)
      ? prev(method, payload, signal)
      : retry(prev, method, payload, signal);
}

/**
 * Create a {@link TelegramBridge}.
 * @param config - see {@link TelegramBridgeConfig}.
 */
export function createTelegramBridge(config: TelegramBridgeConfig): TelegramBridge {
  return new TelegramBridge(config);
}
