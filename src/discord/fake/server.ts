/**
 * {@link FakeDiscordServer}: a local, protocol-faithful fake of Discord's REST v10 and Gateway that the real
 * `@discordjs/rest`, `@discordjs/ws` and `@discordjs/core` talk to, plus a person's side (speak, click) and
 * readers of what a person would see.
 * @module
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FakePlatform,
  FakePlatformPerson,
  FakeTapTarget,
  FakeVisibleMessage,
} from '../../testing/kit/fake-platform.js';
import { FakeServer } from '../../testing/kit/fake-server.js';
import { cdnBase, serveAttachment } from './cdn.js';
import { clickOutcome, findButton } from './clicks.js';
import { dispatchChannelCreate, dispatchChannelUpdate, dispatchMessageCreate } from './dispatches.js';
import { DiscordPersonAdapter } from './fake-platform.js';
import { FakeGateway, GATEWAY_PATH, Intent } from './gateway.js';
import { type ArmedDiscordFault, armDiscordFault, RateLimiter } from './limits.js';
import { FakeDiscordModel, messageView, type StoredInteraction, threadView } from './model.js';
import { buttonInteraction } from './payloads.js';
import { RestFront } from './rest.js';
import { channelRoutes } from './rest-channels.js';
import { interactionRoutes } from './rest-interactions.js';
import type { FakeRuntime } from './routes.js';
import type {
  FakeCall,
  FakeClickOutcome,
  FakeDiscordServerOptions,
  FakeFaultInjection,
  FakeIdentify,
  FakeMessageView,
  FakePerson,
  FakeRateLimit,
  FakeResume,
  FakeThreadView,
  FakeUserSays,
} from './types.js';

/** How long a person waits for the bot to answer a click before Discord says it failed, unscaled. */
const INTERACTION_DEADLINE_MS = 3000;

/**
 * A fake Discord for tests: REST under `/api/v10`, a Gateway, one guild, and a person who talks and clicks.
 *
 * @example
 * ```ts
 * const fake = new FakeDiscordServer({ timeScale: 0.01 });
 * await fake.start();
 * const rest = new REST({ api: fake.apiUrl }).setToken(fake.token);
 * const channelId = fake.createTextChannel({ name: 'agents' });
 * await rest.post(Routes.channelMessages(channelId), { body: { content: 'hi' } });
 * fake.channelMessages(channelId)[0]?.content; // 'hi'
 * await fake.stop();
 * ```
 */
export class FakeDiscordServer extends FakeServer<ArmedDiscordFault> implements FakePlatform {
  /** Commands are typed `!status` in a thread (slash commands are not the bridge's text commands). */
  readonly commandPrefix = '!';
  /** The bot token the fake accepts. */
  readonly token: string;
  /** The application id (interaction webhook id). */
  readonly applicationId: string;
  /** The bot user's id. */
  readonly botUserId: string;
  /** The guild's id. */
  readonly guildId: string;
  /** Every REST request received, in order. */
  readonly calls: FakeCall[] = [];

  readonly #timeScale: number;
  readonly #model: FakeDiscordModel;
  readonly #gateway: FakeGateway;
  readonly #limiter: RateLimiter;
  readonly #front: RestFront;
  readonly #platform = new DiscordPersonAdapter(this);

  constructor(options: FakeDiscordServerOptions = {}) {
    super('FakeDiscordServer', { timeScale: options.timeScale, pollMs: 20 });
    this.token = options.token ?? 'fake-discord-token';
    this.applicationId = options.applicationId ?? '1100000000000000001';
    this.botUserId = options.botUserId ?? '1100000000000000002';
    this.guildId = options.guildId ?? '1100000000000000003';
    this.#timeScale = this.clock.timeScale;
    this.#model = new FakeDiscordModel(this.guildId, {
      id: this.botUserId,
      username: options.botUsername ?? 'agent-tether',
      bot: true,
    });
    this.#limiter = new RateLimiter(options.rateLimits ?? {}, this.#timeScale);
    this.#gateway = new FakeGateway({
      token: this.token,
      applicationId: this.applicationId,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.max(1, Math.round(41_250 * this.#timeScale)),
      model: this.#model,
      baseUrl: () => this.http.url.replace('http://', 'ws://'),
      onChange: () => this.waiters.notify(),
    });
    const runtime: FakeRuntime = {
      model: this.#model,
      gateway: this.#gateway,
      applicationId: this.applicationId,
      timeScale: this.#timeScale,
      gatewayUrl: () => this.gatewayUrl,
      identifyCount: () => this.#gateway.identifies.length,
    };
    this.#front = new RestFront({
      token: this.token,
      routes: [...channelRoutes(runtime), ...interactionRoutes(runtime)],
      limiter: this.#limiter,
      faults: this.faults,
      delay: (ms) => this.http.delay(ms),
      timeScale: this.#timeScale,
      calls: this.calls,
      onChange: () => this.waiters.notify(),
    });
    this.http.addWebSocketRoute(this.#gateway.route);
  }

  /** Listens on 127.0.0.1 on a free port; idempotent. Resolves with `http://127.0.0.1:PORT`. */
  override async start(): Promise<string> {
    const url = await super.start();
    cdnBase.set(this.#model, url);
    return url;
  }

  protected override handleRequest(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> | undefined {
    if (serveAttachment(this.#model, request, response)) return undefined;
    return this.#front.handle(request, response);
  }

  /** On `stop()`: a click nobody answered ends as Discord would show it (failed); gateway sockets close. */
  protected override stopping(): void {
    for (const interaction of this.#model.interactions.values()) {
      if (!interaction.answer) interaction.settle('expired');
    }
    this.#gateway.close();
  }

  /** The value for `new REST({ api })`: `http://127.0.0.1:PORT/api` (REST appends `/v10`). */
  get apiUrl(): string {
    return `${this.http.url}/api`;
  }

  /** The gateway URL handed out by `GET /gateway/bot`. */
  get gatewayUrl(): string {
    return `${this.http.url.replace('http://', 'ws://')}${GATEWAY_PATH}`;
  }

  // ---- gateway control -------------------------------------------------------------------------

  /** Accepted IDENTIFYs, oldest first. */
  get identifyLog(): readonly FakeIdentify[] {
    return this.#gateway.identifies.map(({ sessionId, intents }) => ({
      sessionId,
      intents,
      messageContent: (intents & Intent.MessageContent) !== 0,
    }));
  }

  /** How many IDENTIFYs were accepted. */
  get identifies(): number {
    return this.#gateway.identifies.length;
  }

  /** Accepted RESUMEs, oldest first. */
  get resumeLog(): readonly FakeResume[] {
    return this.#gateway.resumes.map(({ sessionId, seq, replayed, path }) => ({
      sessionId,
      seq,
      replayed,
      usedResumeUrl: path !== GATEWAY_PATH,
    }));
  }

  /** How many RESUMEs were accepted. */
  get resumes(): number {
    return this.#gateway.resumes.length;
  }

  /** How many heartbeats clients sent (each was acknowledged with op 11). */
  get heartbeats(): number {
    return this.#gateway.heartbeats;
  }

  /** How many gateway sessions have a live socket now. */
  get connectedSessions(): number {
    return this.#gateway.connectedSessions.length;
  }

  /** Gateway connections refused, with why (e.g. a client asking for `compress`). */
  get gatewayRefusals(): readonly string[] {
    return [...this.#gateway.refusals];
  }

  /** Sends op 7 RECONNECT: clients close and RESUME on `resume_gateway_url`. */
  requestReconnect(): void {
    this.#gateway.requestReconnect();
  }

  /** Sends op 1: the server asks for a heartbeat now. */
  requestHeartbeat(): void {
    this.#gateway.requestHeartbeat();
  }

  /** Sends op 9 INVALID_SESSION with `d = resumable`; when false the sessions are forgotten (clients IDENTIFY). */
  invalidateSession(resumable: boolean): void {
    this.#gateway.invalidateSession(resumable);
  }

  /**
   * Drops every gateway socket without warning (the client sees 1006), or closes it with `code`
   * (e.g. 4000). Sessions stay resumable and keep collecting the dispatches the client misses.
   */
  dropSocket(options: { code?: number } = {}): void {
    this.#gateway.dropSockets(options.code);
  }

  // ---- REST control ----------------------------------------------------------------------------

  /** Queues a fault for the next matching REST request(s). */
  inject(injection: FakeFaultInjection): void {
    armDiscordFault(this.faults, injection);
  }

  /** Sets a route's rate limit, e.g. `setRateLimit('POST /channels/:id/messages', { limit: 2, windowMs: 1000 })`. */
  setRateLimit(route: string, limit: FakeRateLimit): void {
    this.#limiter.set(route, limit);
  }

  // ---- a person's side -------------------------------------------------------------------------

  /** Creates a text channel in the guild (CHANNEL_CREATE) and returns its id. */
  createTextChannel(options: { name: string }): string {
    const channel = this.#model.addChannel({ name: options.name, type: 0, parentId: null });
    dispatchChannelCreate(this.#runtimeContext(), channel);
    return channel.id;
  }

  /** A person writes in a channel or thread (MESSAGE_CREATE); returns the message. */
  userSays(options: FakeUserSays): FakeMessageView;
  /** {@link FakePlatform.userSays}: `who` writes in the thread (a channel id); resolves once dispatched. */
  userSays(thread: string, text: string, who: FakePlatformPerson): Promise<void>;
  userSays(
    input: string | FakeUserSays,
    text?: string,
    who?: FakePlatformPerson,
  ): FakeMessageView | Promise<void> {
    if (typeof input === 'string') return this.#platform.says(input, text ?? '', who);
    return this.#says(input);
  }

  #says(options: FakeUserSays): FakeMessageView {
    const channel = this.#model.liveChannel(options.channelId);
    if (!channel) throw new Error(`FakeDiscordServer.userSays: unknown channel ${options.channelId}`);
    if (channel.archived) {
      if (channel.locked) throw new Error(`FakeDiscordServer.userSays: thread ${channel.id} is locked`);
      channel.archived = false;
      dispatchChannelUpdate(this.#runtimeContext(), channel);
    }
    const message = this.#model.addMessage({
      channel,
      author: { id: options.author.id, username: options.author.username, bot: false },
      content: options.content,
      ...(options.attachments ? { attachments: options.attachments } : {}),
    });
    dispatchMessageCreate(this.#runtimeContext(), message);
    return messageView(message);
  }

  /**
   * A person clicks a button (by `customId` or `label`) on a message: INTERACTION_CREATE is dispatched and the
   * promise resolves with what the person sees once the bot answers, or `failed` after 3 s (scaled).
   * @throws when the message or an enabled button is not there (a person could not click it)
   */
  userClicks(options: {
    channelId: string;
    messageId: string;
    customId?: string;
    label?: string;
    user: FakePerson;
  }): Promise<FakeClickOutcome> {
    const message = this.#model.liveMessage(options.channelId, options.messageId);
    if (!message) {
      throw new Error(
        `FakeDiscordServer.userClicks: no message ${options.messageId} in ${options.channelId}`,
      );
    }
    const customId = findButton(message, options);
    const model = this.#model;
    return new Promise<FakeClickOutcome>((resolve) => {
      const interaction: StoredInteraction = {
        id: model.ids.next(),
        token: `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`,
        channelId: options.channelId,
        messageId: message.id,
        user: { id: options.user.id, username: options.user.username, bot: false },
        deadline: Date.now() + INTERACTION_DEADLINE_MS * this.#timeScale,
        answer: undefined,
        settle: (answer) => {
          this.clock.clearTimeout(timer);
          resolve(clickOutcome(this.#model, interaction.id, answer));
        },
      };
      const timer = this.clock.setTimeout(() => {
        if (!interaction.answer) interaction.settle('expired');
      }, INTERACTION_DEADLINE_MS);
      model.interactions.set(interaction.id, interaction);
      this.#gateway.dispatch('INTERACTION_CREATE', 0, () =>
        buttonInteraction(model, this.applicationId, interaction, customId, message),
      );
    });
  }

  /**
   * {@link FakePlatform.userTaps}: `who` clicks the newest button labelled `buttonLabel` in the thread (or on
   * the given message); resolves with the reply the person sees, if the bot answered with one.
   */
  userTaps(target: FakeTapTarget, buttonLabel: string, who: FakePlatformPerson): Promise<string | undefined> {
    return this.#platform.taps(target, buttonLabel, who);
  }

  /** {@link FakePlatform.visible}: a thread as a person sees it (ephemeral answers and deleted messages left out). */
  visible(thread: string): FakeVisibleMessage[] {
    return this.#platform.visible(thread);
  }

  // ---- readers ---------------------------------------------------------------------------------

  /** Every message of a channel or thread, oldest first, including deleted and ephemeral ones. */
  channelMessages(channelId: string): FakeMessageView[] {
    const channel = this.#model.channels.get(channelId);
    return channel ? [...channel.messages.values()].map(messageView) : [];
  }

  /** One message by id (deleted ones too), or undefined. */
  message(messageId: string): FakeMessageView | undefined {
    for (const channel of this.#model.channels.values()) {
      const message = channel.messages.get(messageId);
      if (message) return messageView(message);
    }
    return undefined;
  }

  /** The threads under a text channel, oldest first (deleted ones too). */
  threads(parentId: string): FakeThreadView[] {
    return [...this.#model.channels.values()]
      .filter((channel) => channel.parentId === parentId && channel.type !== 0)
      .map(threadView);
  }

  /** How many typing indicators the bot triggered in a channel. */
  typing(channelId: string): number {
    return this.#model.channels.get(channelId)?.typingCount ?? 0;
  }

  #runtimeContext(): { model: FakeDiscordModel; gateway: FakeGateway } {
    return { model: this.#model, gateway: this.#gateway };
  }
}
