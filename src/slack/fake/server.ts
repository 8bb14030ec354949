/**
 * {@link FakeSlackServer}: a local, protocol-faithful fake of the Slack Web API and Socket Mode that the real
 * `@slack/web-api` WebClient and `@slack/socket-mode` SocketModeClient talk to, plus the person's side of
 * the conversation (posting, clicking, slash commands) and readers of what a person sees.
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FakePlatform,
  FakePlatformPerson,
  FakeTapTarget,
  FakeVisibleMessage,
} from '../../testing/kit/fake-platform.js';
import { FakeServer } from '../../testing/kit/fake-server.js';
import { SlackPersonAdapter } from './fake-platform.js';
import { FakeSlackUploads, UPLOAD_PATH } from './file-uploads.js';
import { viewOf } from './message-view.js';
import { PersonActions, type UserPostOptions } from './person-actions.js';
import { servePrivateFile } from './private-files.js';
import { RateLimiter } from './rate-limits.js';
import { ResponseUrlBook } from './response-urls.js';
import { SOCKET_PATH, SocketModeHub } from './socket-mode.js';
import type {
  FakeDisconnectReason,
  FakeEnvelopeRecord,
  FakeSlackCall,
  FakeSlackEphemeralView,
  FakeSlackFault,
  FakeSlackMessageView,
  FakeSlackServerOptions,
} from './types.js';
import { API_PATH, createWebApiHandler } from './web-api.js';
import { SlackWorkspace, type StoredMessage } from './workspace.js';

/**
 * A fake Slack workspace on 127.0.0.1 for tests and benchmarks.
 * @example
 * ```ts
 * const fake = new FakeSlackServer();
 * await fake.start();
 * const channel = fake.createChannel({ name: 'agents' });
 * const web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl });
 * const socket = new SocketModeClient({ appToken: fake.appToken, clientOptions: { slackApiUrl: fake.apiUrl } });
 * socket.on('message', ({ ack }) => ack());
 * await socket.start();
 * fake.userPosts({ channel, user: 'U0ALICE', text: 'hello' });
 * await fake.stop();
 * ```
 */
export class FakeSlackServer extends FakeServer<FakeSlackFault> implements FakePlatform {
  /** Commands are typed `!status` in a Slack thread (slash commands cannot be used in threads). */
  readonly commandPrefix = '!';
  /** The bot token (`xoxb-…`) the Web API accepts. */
  readonly botToken: string;
  /** The app-level token (`xapp-…`) that opens Socket Mode connections. */
  readonly appToken: string;
  /** The workspace id. */
  readonly teamId: string;
  /** The bot's user id. */
  readonly botUserId: string;
  /** The app id. */
  readonly appId: string;
  readonly #workspace: SlackWorkspace;
  readonly #uploads = new FakeSlackUploads();
  readonly #platform: SlackPersonAdapter;
  readonly #calls: FakeSlackCall[] = [];
  readonly #hub: SocketModeHub;
  readonly #responses: ResponseUrlBook;
  readonly #person: PersonActions;
  readonly #handleApi: ReturnType<typeof createWebApiHandler>;

  /** @param options - tokens, ids, rate limits and timings; all optional. */
  constructor(options: FakeSlackServerOptions = {}) {
    super('FakeSlackServer', { timeScale: options.timeScale });
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token';
    this.appToken = options.appToken ?? 'xapp-fake-app-token';
    this.teamId = options.teamId ?? 'T0FAKETEAM';
    this.botUserId = options.botUserId ?? 'U0FAKEBOT';
    this.appId = options.appId ?? 'A0FAKEAPP';
    this.#workspace = new SlackWorkspace({
      teamId: this.teamId,
      botUserId: this.botUserId,
      botId: options.botId ?? 'B0FAKEBOT',
      clock: this.clock,
    });
    const onBotMessage = (message: StoredMessage): void => this.#person.echo(message);
    this.#responses = new ResponseUrlBook(this.#workspace, this.clock, onBotMessage);
    this.#hub = new SocketModeHub({
      clock: this.clock,
      appId: this.appId,
      faults: this.faults,
      ackTimeoutMs: options.ackTimeoutMs ?? 3000,
      maxRetries: options.maxRetries ?? 3,
      disconnectGraceMs: options.disconnectGraceMs ?? 1000,
      serverPingIntervalMs: options.serverPingIntervalMs ?? 10_000,
      maxConnections: options.maxConnections ?? 10,
      onAck: (record) => this.#person.onAck(record),
    });
    this.#person = new PersonActions({
      workspace: this.#workspace,
      hub: this.#hub,
      responses: this.#responses,
      payloads: { workspace: this.#workspace, appId: this.appId, now: () => this.clock.now() },
      baseUrl: () => this.url,
      echoBotMessages: options.echoBotMessages ?? true,
    });
    this.#handleApi = createWebApiHandler({
      clock: this.clock,
      limiter: new RateLimiter(options.rateLimits, this.clock),
      faults: this.faults,
      responses: this.#responses,
      botToken: this.botToken,
      appToken: this.appToken,
      recordCall: (call) => this.#calls.push(call),
      methods: {
        workspace: this.#workspace,
        appId: this.appId,
        socketUrl: () =>
          `${this.url.replace('http://', 'ws://')}${SOCKET_PATH}?ticket=${this.#hub.openTicket()}&app_id=${this.appId}`,
        onBotMessage,
        uploads: this.#uploads,
        uploadUrl: (fileId) => `${this.url}${UPLOAD_PATH}${encodeURIComponent(fileId)}`,
      },
    });
    this.http.addWebSocketRoute(this.#hub.route);
    this.#platform = new SlackPersonAdapter(this, this.waiters);
  }

  protected override handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (request.method === 'POST' && url.pathname.startsWith(UPLOAD_PATH)) {
      this.#uploads.handle(request, response, url).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
      return;
    }
    if (servePrivateFile(this.#workspace, this.botToken, request, response)) return;
    this.#handleApi(request, response);
  }

  /**
   * On `stop()`: closes every Socket Mode connection. Disconnect SocketModeClients first
   * (`await client.disconnect()`): a client left running tries to reconnect to a server that is gone.
   */
  protected override stopping(): void {
    this.#hub.close();
  }

  /** `http://127.0.0.1:PORT/api/`: pass it as `slackApiUrl` to WebClient and SocketModeClient's `clientOptions`. */
  get apiUrl(): string {
    return `${this.url}${API_PATH}`;
  }

  /** Every Web API call received, in order (tokens never recorded). */
  get calls(): readonly FakeSlackCall[] {
    return [...this.#calls];
  }

  /** Open Socket Mode connections. */
  get connectionCount(): number {
    return this.#hub.connectionCount;
  }

  /** Injects a fault into the next matching Web API call(s), or (`slowAck`) the next envelope ack(s). */
  inject(fault: FakeSlackFault): void {
    this.faults.add(fault, fault.times ?? 1);
  }

  /**
   * Sends `{ type: 'disconnect', reason, debug_info }` on every open connection. For every reason but `warning`
   * the fake stops routing envelopes to those connections (they queue for the next one) and closes them after
   * `disconnectGraceMs`. SocketModeClient closes and reconnects on any `disconnect` message.
   */
  disconnect(reason: FakeDisconnectReason): void {
    this.#hub.disconnect(reason);
  }

  /** Cuts every Socket Mode connection without a close frame. */
  dropSocket(): void {
    this.#hub.drop();
  }

  /**
   * Creates a channel and returns its id.
   * @param options.botIsMember - whether the bot is in it. @defaultValue `true`
   * @param options.isPrivate - a private channel (`G…`; invisible to the bot unless it is a member). @defaultValue `false`
   */
  createChannel(options: { name: string; botIsMember?: boolean; isPrivate?: boolean }): string {
    return this.#workspace.createChannel(
      options.name,
      options.botIsMember ?? true,
      options.isPrivate ?? false,
    );
  }

  /** Adds a person to the workspace (people are also added on first use) and returns their id. */
  addUser(options: { id: string; name?: string; realName?: string }): string {
    return this.#workspace.addUser(options.id, options.name, options.realName).id;
  }

  /**
   * A person posts a message (in a thread when `threadTs` is set). When the bot is in the channel, delivers an
   * `events_api` envelope with the `message` event, then one with `app_mention` when the text has `<@botUserId>`.
   * @returns the new message's ts.
   */
  userPosts(options: UserPostOptions): string {
    return this.#person.posts(options);
  }

  /**
   * A person clicks a button of message `message` (its ts), chosen by `actionId`, else by `buttonText`, else
   * the only button. Delivers an `interactive` `block_actions` envelope; its `response_url` works
   * (`replace_original`, `delete_original`, `response_type: 'in_channel'`, else ephemeral).
   * @returns the envelope id.
   * @throws Error when the message is gone or no single button matches (the message lists the buttons).
   */
  userClicks(options: {
    channel: string;
    message: string;
    user: string;
    actionId?: string;
    buttonText?: string;
  }): string {
    return this.#person.clicks(options);
  }

  /**
   * A person runs a slash command. Delivers a `slash_commands` envelope that accepts a response payload: an
   * ack carrying `text`/`blocks` is shown to that person (or to the channel with `response_type: 'in_channel'`).
   * @returns the envelope id.
   */
  userRunsSlashCommand(options: { command: string; text: string; user: string; channel: string }): string {
    return this.#person.runsSlashCommand(options);
  }

  /** A thread as a person sees it: the parent then the replies, deleted ones flagged. Empty if no such thread. */
  threadMessages(channel: string, threadTs: string): FakeSlackMessageView[] {
    return this.#workspace.thread(channel, threadTs).map(viewOf);
  }

  /** A channel's top-level messages (thread replies live in {@link FakeSlackServer.threadMessages}). */
  channelMessages(channel: string): FakeSlackMessageView[] {
    return this.#workspace.topLevel(channel).map(viewOf);
  }

  /** One message as a person sees it. */
  message(channel: string, ts: string): FakeSlackMessageView | undefined {
    const message = this.#workspace.message(channel, ts);
    return message ? viewOf(message) : undefined;
  }

  /** The reactions on a message: emoji name and who reacted. */
  reactions(channel: string, ts: string): { name: string; users: string[] }[] {
    const message = this.#workspace.message(channel, ts);
    return message ? [...message.reactions].map(([name, users]) => ({ name, users: [...users] })) : [];
  }

  /** Ephemeral messages shown in a channel (to `user` only, when given). */
  ephemeralMessages(channel: string, user?: string): FakeSlackEphemeralView[] {
    return this.#workspace.ephemerals(channel, user);
  }

  /** The Socket Mode delivery log with ack state, oldest first. */
  envelopes(): FakeEnvelopeRecord[] {
    return this.#hub.envelopes();
  }

  /** Resolves once the envelope (every envelope, when none is named) is acknowledged by a client. */
  async acknowledged(envelopeId?: string): Promise<void> {
    await this.waitFor(
      () =>
        this.#hub
          .envelopes()
          .filter((e) => envelopeId === undefined || e.envelopeId === envelopeId)
          .every((e) => e.state === 'acked'),
      { what: `envelope ${envelopeId ?? '(all)'} acknowledged` },
    );
  }

  /** {@link FakePlatform.userSays}: `who` writes in the thread `thread` (its parent's ts); resolves once acknowledged. */
  userSays(thread: string, text: string, who: FakePlatformPerson): Promise<void> {
    return this.#platform.says(thread, text, who);
  }

  /**
   * {@link FakePlatform.userTaps}: resolves, once the bot acknowledged the click, with the newest ephemeral
   * line shown to `who` by then, if any.
   */
  userTaps(target: FakeTapTarget, buttonLabel: string, who: FakePlatformPerson): Promise<string | undefined> {
    return this.#platform.taps(target, buttonLabel, who);
  }

  /** {@link FakePlatform.visible}: a thread (parent first) as a person sees it. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.#platform.visible(thread);
  }

  /** The ids of every channel, oldest first. */
  channelIds(): string[] {
    return this.#workspace.channelIds();
  }
}
