/**
 * {@link FakeTelegramServer}: a local, protocol-faithful fake of the Telegram Bot API for offline tests
 * with the real grammY client.
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BotCommand, Message, UserFromGetMe } from '@grammyjs/types';
import type {
  FakePlatform,
  FakePlatformPerson,
  FakeTapTarget,
  FakeVisibleMessage,
} from '../../testing/kit/fake-platform.js';
import { FakeServer } from '../../testing/kit/fake-server.js';
import { BotApiFront } from './bot-api-front.js';
import { CallbackQueries } from './callback-queries.js';
import { TelegramPersonAdapter } from './fake-platform.js';
import { chatMethods, commandScopeKey } from './methods/chats.js';
import { messageMethods } from './methods/messages.js';
import type { MethodContext } from './methods/method-context.js';
import { topicMethods } from './methods/topics.js';
import { updateMethods } from './methods/updates.js';
import { TelegramWorld } from './model.js';
import { downloadFile, fileMethods, type UserSendsFileInput, userSendsFile } from './person-files.js';
import {
  type PersonSideDeps,
  type UserSaysInput,
  type UserTapsDataInput,
  type UserTapsInput,
  userSays,
  userTaps,
  userTapsData,
} from './person-side.js';
import { FloodControl } from './rate-limiter.js';
import { chatActions, describeWorld, topicList, topicMessages } from './readers.js';
import type {
  CallbackAnswer,
  FakeTelegramCall,
  FakeTelegramFault,
  FakeTelegramServerOptions,
  ForumGroupOptions,
  RecordedChatAction,
  VisibleMessage,
  VisibleTopic,
} from './types.js';
import { UpdateQueue } from './update-queue.js';

const DEFAULT_TOKEN = '123456:TEST-TOKEN';

/**
 * A fake Telegram Bot API server on 127.0.0.1 that the real grammY client talks to.
 *
 * It serves `POST|GET /bot<token>/<method>` (JSON, form-urlencoded or multipart bodies), models
 * forum supergroups, topics and messages, and refuses what Telegram refuses with Telegram's
 * descriptions (401 wrong token, 400 `message is too long`, `can't parse entities`,
 * `BUTTON_DATA_INVALID`, `message is not modified`, `message thread not found`, 409 when a newer
 * `getUpdates` terminates a waiting one, 429 flood control with `parameters.retry_after`).
 *
 * Time: with `timeScale` below 1, fake time runs faster (windows, deadlines, long-poll timeouts).
 * `retry_after` is reported in real seconds: the wait rounded up to whole fake seconds, times
 * `timeScale` (so `0.01` at `timeScale: 0.01`), because grammY and `@grammyjs/auto-retry` sleep
 * `retry_after` real seconds. With `timeScale: 1` it is Telegram's integer.
 *
 * @example
 * const fake = new FakeTelegramServer();
 * const apiRoot = await fake.start();
 * const chatId = fake.createForumGroup({ title: 'Agents' });
 * const bot = new Bot(fake.token, { client: { apiRoot } });
 * const topic = await bot.api.createForumTopic(chatId, 'session 1');
 * await bot.api.sendMessage(chatId, '<b>hi</b>', { parse_mode: 'HTML', message_thread_id: topic.message_thread_id });
 * fake.topicMessages(chatId, topic.message_thread_id); // [{ text: 'hi', html: '<b>hi</b>', ... }]
 * await fake.stop();
 */
export class FakeTelegramServer extends FakeServer<FakeTelegramFault> implements FakePlatform {
  /** Commands are typed `/status` on Telegram. */
  readonly commandPrefix = '/';
  /** The token the fake accepts. */
  readonly token: string;
  readonly #world: TelegramWorld;
  readonly #queue: UpdateQueue;
  readonly #callbacks: CallbackQueries;
  readonly #calls: FakeTelegramCall[] = [];
  readonly #front: BotApiFront;
  readonly #person: TelegramPersonAdapter;

  /** @param options - token, bot username, rate limits and time scale; all optional. */
  constructor(options: FakeTelegramServerOptions = {}) {
    super('FakeTelegramServer', { timeScale: options.timeScale });
    this.token = options.token ?? DEFAULT_TOKEN;
    const botId = Number(/^(\d+):/.exec(this.token)?.[1] ?? 123456);
    const botInfo: UserFromGetMe = {
      id: botId,
      is_bot: true,
      first_name: 'Fake Tether Bot',
      username: options.botUsername ?? 'fake_tether_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.#world = new TelegramWorld(botInfo);
    this.#world.onChange(() => this.waiters.notify());
    this.#person = new TelegramPersonAdapter(this.#world, this);
    this.#queue = new UpdateQueue(this.clock);
    this.#callbacks = new CallbackQueries(this.clock);
    const context: MethodContext = {
      world: this.#world,
      queue: this.#queue,
      clock: this.clock,
      flood: new FloodControl(options.rateLimits, this.clock),
      callbacks: this.#callbacks,
      botInfo,
    };
    this.#front = new BotApiFront({
      token: this.token,
      context,
      methods: { ...chatMethods, ...updateMethods, ...messageMethods, ...topicMethods, ...fileMethods },
      download: (filePath) => downloadFile(this.#world, filePath),
      faults: this.faults,
      delay: (ms) => this.http.delay(ms),
      recordCall: (call) => {
        this.#calls.push(call);
        this.#world.changed();
      },
    });
  }

  /** The API root for grammY's `client.apiRoot` (`http://127.0.0.1:PORT`); throws before `start()`. */
  override get url(): string {
    return this.http.url;
  }

  protected override handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    return this.#front.handle(req, res, url);
  }

  protected override answerError(error: unknown, res: ServerResponse): void {
    BotApiFront.answerError(error, res);
  }

  /** On `stop()`: answers a waiting long poll and settles open callback queries. */
  protected override stopping(): void {
    this.#queue.close();
    this.#callbacks.close();
  }

  protected override describeState(): string {
    return describeWorld(this.#world);
  }

  /**
   * Creates a supergroup (a forum by default) with the bot as an administrator that may manage topics.
   * @returns the chat's id (negative, `-100…`), for `chat_id`.
   */
  createForumGroup(options: ForumGroupOptions): number {
    const chat = this.#world.addChat({
      title: options.title,
      isForum: options.isForum ?? true,
      botIsAdmin: options.botIsAdmin ?? true,
      canManageTopics: (options.botIsAdmin ?? true) && (options.canManageTopics ?? true),
      owner: { id: 1, is_bot: false, first_name: 'Group Owner', username: 'group_owner' },
    });
    return chat.id;
  }

  /**
   * Arms a fault for the next matching requests (after the token check, before parameters are read).
   * `delay` waits `ms` real milliseconds, then serves the request normally.
   */
  inject(fault: FakeTelegramFault): void {
    this.faults.add(fault, fault.times ?? 1);
  }

  /** Disarms every fault armed with {@link FakeTelegramServer.inject} and not yet consumed. */
  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * A person writes in a chat/topic; the bot receives a `message` update. A leading `/command` gets a
   * `bot_command` entity; topic messages carry `message_thread_id` and `is_topic_message`.
   * @returns the `Message` as the bot will receive it.
   */
  userSays(input: UserSaysInput): Message;
  /**
   * {@link FakePlatform.userSays}: `who` writes in the topic `thread` (a `message_thread_id`) of the forum
   * group that holds it.
   */
  userSays(thread: string, text: string, who: FakePlatformPerson): Promise<void>;
  userSays(input: UserSaysInput | string, text?: string, who?: FakePlatformPerson): Message | Promise<void> {
    if (typeof input === 'string') return this.#person.says(input, text ?? '', who);
    return userSays(this.#personDeps(), input);
  }

  /**
   * A person taps a callback button, found by label or `callback_data`; the bot receives a `callback_query`.
   * @returns what the bot's `answerCallbackQuery` said (`{}` when it answered with nothing), or
   * `undefined` if it did not answer within 15 fake seconds or the server stopped.
   */
  userTaps(input: UserTapsInput): Promise<CallbackAnswer | undefined>;
  /** {@link FakePlatform.userTaps}: resolves with the toast text the bot answered, if any. */
  userTaps(target: FakeTapTarget, buttonLabel: string, who: FakePlatformPerson): Promise<string | undefined>;
  userTaps(
    input: UserTapsInput | FakeTapTarget,
    buttonLabel?: string,
    who?: FakePlatformPerson,
  ): Promise<CallbackAnswer | string | undefined> {
    if (typeof input === 'string' || 'thread' in input)
      return this.#person.taps(input, buttonLabel ?? '', who);
    return userTaps(this.#personDeps(), input);
  }

  /**
   * A person sends a photo, a document or a voice note; the bot receives a `message` update with a `file_id`
   * it can resolve with `getFile` and download from `/file/bot<token>/<file_path>`.
   */
  userSendsFile(input: UserSendsFileInput): Message {
    return userSendsFile(this.#personDeps(), input);
  }

  /** A person's (possibly modified) client sends a callback query with arbitrary `data` for a message. */
  userTapsData(input: UserTapsDataInput): Promise<CallbackAnswer | undefined> {
    return userTapsData(this.#personDeps(), input);
  }

  /**
   * What a person sees in a topic, oldest first (deleted messages flagged, not removed).
   * @param topic - `message_thread_id`; omit for General.
   */
  topicMessages(chatId: number, topic?: number): VisibleMessage[] {
    return topicMessages(this.#world, chatId, topic);
  }

  /** {@link FakePlatform.visible}: the topic `thread` of the forum group that holds it, as a person sees it. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.#person.visible(thread);
  }

  /** The chat's live forum topics (General is implicit and not listed). */
  topics(chatId: number): VisibleTopic[] {
    return topicList(this.#world, chatId);
  }

  /** Chat actions (e.g. `typing`) the bot sent to a topic (omit for General), with fake timestamps. */
  chatActions(chatId: number, topic?: number): RecordedChatAction[] {
    return chatActions(this.#world, chatId, topic);
  }

  /** Every request so far, in arrival order (a copy). */
  get calls(): readonly FakeTelegramCall[] {
    return [...this.#calls];
  }

  /** How many requests were made, to one method or to all. */
  countCalls(method?: string): number {
    return method === undefined
      ? this.#calls.length
      : this.#calls.filter((call) => call.method === method).length;
  }

  /** The commands set with `setMyCommands` for the default scope and no language. */
  commands(): BotCommand[] {
    return [...(this.#world.commands.get(commandScopeKey(undefined, undefined)) ?? [])];
  }

  /** Updates queued for the bot and not yet confirmed through `getUpdates`' offset. */
  get pendingUpdateCount(): number {
    return this.#queue.pending.length;
  }

  /** Whether a bot's `getUpdates` long poll is waiting for updates right now (the bot is "online"). */
  get longPollWaiting(): boolean {
    return this.#queue.hasWaitingPoll;
  }

  /** Fake time now, in milliseconds since the epoch. */
  now(): number {
    return this.clock.now();
  }

  /** A human-readable dump of every chat, topic and message, for debugging. */
  describe(): string {
    return describeWorld(this.#world);
  }

  #personDeps(): PersonSideDeps {
    return { world: this.#world, queue: this.#queue, clock: this.clock, callbacks: this.#callbacks };
  }
}
