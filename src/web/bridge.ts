/**
 * `WebBridge`: the zero-account platform. A local HTTP + WebSocket server with a small mobile-first page;
 * whoever opens its URL (which carries the access token) supervises the agents from any browser on the LAN.
 *
 * Authorization: holding the access token IS the authorization. Only requests with the token (or the
 * session cookie it is exchanged for) reach the page or the socket, so the base bridge is built with
 * `allowAnyone: true` — nobody without the token can reach `handleMessage` or `handleTap` at all. Keep
 * the URL secret like a password; a new token (the default on each start) revokes every old session.
 *
 * State: in memory unless a `store` or `dataDir` is given (the page and its token live as long as the process).
 * With one, a restarted bridge shows what it restored: each thread opens with a "restored after a restart" line
 * and each request still open shows its card again, whose buttons answer it.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Card } from '../core/approvals/cards.js';
import { Bridge, type BridgeOptions } from '../core/bridge.js';
import { ConfigError, TetherError } from '../core/errors.js';
import type { OutboxTransport, OutgoingMessage } from '../core/outbox.js';
import { MemoryStore } from '../core/store/memory.js';
import type { Store } from '../core/store/types.js';
import type { ChatUser, ThreadId, ThreadState } from '../core/types.js';
import { escapeWebHtml, PLATFORM_LIMITS, renderChunks, renderWebHtml } from '../format/index.js';
import { AccessGuard, generateAccessToken, MIN_ACCESS_TOKEN_LENGTH } from './access-guard.js';
import { hostIsAllowed } from './host-check.js';
import { createHttpHandler } from './http-routes.js';
import type { PageFrame, ServerFrame, WebMessage } from './protocol.js';
import { SocketHub } from './socket-hub.js';
import { DEFAULT_HISTORY_LIMIT, WebThreadBook } from './thread-book.js';

/** Options of {@link WebBridge}. The auth options of other bridges do not apply: the access token is the authorization. */
export interface WebBridgeConfig
  extends Omit<BridgeOptions, 'allowAnyone' | 'allowedUserIds' | 'pairingCode' | 'requirePairing'> {
  /** TCP port; 0 picks a free one (read it back from {@link WebBridge.port}). @defaultValue 0 */
  readonly port?: number;
  /** Interface to listen on; `'0.0.0.0'` lets phones on the LAN in. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /**
   * The secret in the URL. At least 16 characters.
   * @defaultValue 32 random bytes, base64url (a new one on every construction)
   */
  readonly accessToken?: string;
  /**
   * Persistence. Unlike the chat bridges, the web bridge keeps its state in memory unless given a `store` or a
   * `dataDir` (`':memory:'` is memory too): its page's history and, by default, its access token end with the
   * process. With one, threads and open requests survive a restart and are shown again on the page.
   * @defaultValue a MemoryStore
   */
  readonly store?: Store;
  /** Where a SQLite store is kept, when you want the web bridge's threads and requests to survive a restart. @defaultValue none (memory) */
  readonly dataDir?: string;
  /** Messages kept per thread for pages opened later. @defaultValue 500 */
  readonly historyLimit?: number;
  /**
   * Host names (besides IP addresses, `localhost` and this machine's name) the page may be opened under, e.g. a
   * name you gave this machine in DNS. Requests for any other `Host` get 403 (DNS rebinding).
   * @defaultValue []
   */
  readonly allowedHosts?: readonly string[];
}

/** The defaults of {@link WebBridgeConfig} that are values, beyond the bridge's (`BRIDGE_DEFAULTS`). */
export const WEB_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  historyLimit: DEFAULT_HISTORY_LIMIT,
  allowedHosts: [],
} as const satisfies Partial<Record<keyof WebBridgeConfig, unknown>>;

/** The name a web person is shown under (sessions are anonymous). */
export const WEB_USER_NAME = 'you';

/** The first line of a thread restored from the store. */
export const RESTORED_NOTE =
  '_↻ Restored after a restart: earlier messages are not kept here; requests still open are shown again below._';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

function firstLanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

function buttonsOf(message: OutgoingMessage): WebMessage['buttons'] {
  return (message.buttons ?? []).map((row) =>
    row.map((b) => ({ label: b.label, payload: b.payload, ...(b.style ? { style: b.style } : {}) })),
  );
}

/**
 * A bridge serving a local web page.
 * @example
 * ```ts
 * await using bridge = new WebBridge({ host: '0.0.0.0', port: 8787, handlers });
 * await bridge.start();
 * console.log(`Open ${bridge.url} on your phone`);
 * const thread = await bridge.createThread('my-repo');
 * await bridge.sendOutput(thread, 'Hello from the agent');
 * ```
 */
export class WebBridge extends Bridge {
  readonly platform = 'web';
  readonly #guard: AccessGuard;
  readonly #book: WebThreadBook;
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #allowedHosts: readonly string[];
  #server: Server | undefined;
  #hub: SocketHub | undefined;
  #port: number | undefined;
  // Message ids are unique across restarts: a restored request's card ids must never name a newer message.
  readonly #idPrefix = randomBytes(4).toString('hex');
  #nextId = 1;

  /** @param config - see {@link WebBridgeConfig}. */
  constructor(config: WebBridgeConfig = {}) {
    const { port, host, accessToken, historyLimit, allowedHosts, ...options } = config;
    // Only token holders reach handleMessage/handleTap, so everyone who gets there is authorized.
    const inMemory = options.store === undefined && options.dataDir === undefined;
    super({ ...options, ...(inMemory ? { store: new MemoryStore() } : {}), allowAnyone: true }, 'web');
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
      throw new ConfigError(`web: port must be an integer from 0 to 65535 (0 picks a free one), got ${port}`);
    }
    if (accessToken !== undefined && accessToken.length < MIN_ACCESS_TOKEN_LENGTH) {
      throw new ConfigError(
        `web: accessToken is too short (${accessToken.length} characters): use at least ${MIN_ACCESS_TOKEN_LENGTH}, or omit it for a random one`,
      );
    }
    this.#guard = new AccessGuard(accessToken ?? generateAccessToken());
    this.#book = new WebThreadBook(historyLimit ?? WEB_DEFAULTS.historyLimit);
    this.#allowedHosts = allowedHosts ?? WEB_DEFAULTS.allowedHosts;
    this.#host = host ?? WEB_DEFAULTS.host;
    this.#requestedPort = port ?? WEB_DEFAULTS.port;
  }

  /** The port listened on (after `start()`); before that, the configured port. */
  get port(): number {
    return this.#port ?? this.#requestedPort;
  }

  /** The interface listened on. */
  get host(): string {
    return this.#host;
  }

  /**
   * The URL a person opens: `http://host:port/?token=…`. On a wildcard host it names this machine's first LAN
   * address. A secret: whoever has it can approve tool calls.
   * @throws TetherError NOT_STARTED before `start()`.
   */
  get url(): string {
    if (this.#port === undefined) {
      throw new TetherError(
        'NOT_STARTED',
        'web: the URL is known once listening: await bridge.start() first',
      );
    }
    let host = WILDCARD_HOSTS.has(this.#host) ? (firstLanAddress() ?? '127.0.0.1') : this.#host;
    if (host.includes(':')) host = `[${host}]`;
    return `http://${host}:${this.#port}/?token=${encodeURIComponent(this.#guard.token)}`;
  }

  /** Number of pages (tabs, phones) connected right now. */
  get openPages(): number {
    return this.#hub?.clientCount ?? 0;
  }

  // ---------------------------------------------------------------- base hooks

  protected override createTransport(): OutboxTransport {
    return {
      platform: 'web',
      messageLimit: PLATFORM_LIMITS.web,
      render: (markdown) => renderChunks(markdown, 'web'),
      // Transport text is already safe HTML: renderChunks(…, 'web') output or renderCard's renderWebHtml.
      post: async (threadId, message) => this.#publish(threadId, message.text, buttonsOf(message), false).id,
      edit: async (threadId, messageId, message) => {
        const change = { html: message.text, buttons: buttonsOf(message) };
        const updated = this.#book.edit(threadId, messageId, change);
        this.#broadcast({
          type: 'edit',
          ...(updated ?? { id: messageId, threadId, fromUser: false, at: this.clock.now(), ...change }),
        });
      },
    };
  }

  protected override async connect(): Promise<void> {
    // Threads this page has not shown yet come from the store: an earlier process made them.
    const restored: string[] = [];
    for (const thread of this.listThreads()) {
      if (this.#book.thread(thread.platformRef) === undefined) restored.push(thread.platformRef);
      this.#book.ensureThread(thread.platformRef, thread.name, thread.directory);
    }
    for (const threadId of restored) await this.#showRestored(threadId);
    const hub = new SocketHub({
      guard: this.#guard,
      logger: this.logger,
      snapshot: () => this.#book.snapshot(),
      onFrame: (sessionId, frame, reply) => this.#onFrame(sessionId, frame, reply),
      onRefused: (request, what) => this.#refused(request, what),
      allowHost: (host) => this.#allowHost(host),
    });
    const server = createServer(
      createHttpHandler(
        this.#guard,
        (request, what) => this.#refused(request, what),
        (host) => this.#allowHost(host),
      ),
    );
    server.on('upgrade', (request, socket, head) => hub.handleUpgrade(request, socket, head));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.#requestedPort, this.#host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await hub.close();
      const code = (error as NodeJS.ErrnoException).code;
      const fix =
        code === 'EADDRINUSE'
          ? 'pick another port, or port 0 for any free one'
          : 'check the host is an address of this machine and the port is allowed';
      throw new ConfigError(`web: cannot listen on ${this.#host}:${this.#requestedPort} (${code}): ${fix}`, {
        cause: error,
      });
    }
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : this.#requestedPort;
    this.#guard.bindPort(this.#port);
    this.#server = server;
    this.#hub = hub;
    this.logger.info({ platform: 'web', host: this.#host, port: this.#port }, 'web page listening');
  }

  protected override async disconnect(): Promise<void> {
    const server = this.#server;
    const hub = this.#hub;
    this.#server = undefined;
    this.#hub = undefined;
    this.#port = undefined;
    await hub?.close();
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
  }

  protected override async openThread(name: string, options: { directory?: string }): Promise<string> {
    let id: string;
    do id = `web-${randomBytes(5).toString('hex')}`;
    while (this.#book.thread(id) !== undefined);
    const thread = this.#book.ensureThread(id, name, options.directory);
    this.#broadcast({ type: 'thread', thread });
    return id;
  }

  protected override async typingPing(threadId: string): Promise<void> {
    if (this.#book.setTyping(threadId, true)) this.#broadcast({ type: 'typing', threadId, typing: true });
  }

  protected override renderCard(card: Card): OutgoingMessage {
    return { text: renderWebHtml(card.markdown), buttons: card.buttons };
  }

  protected override async postGeneral(markdown: string): Promise<void> {
    for (const html of renderChunks(markdown, 'web')) this.#publish(null, html, [], false);
  }

  // ---------------------------------------------------------------- hooks that keep the page in sync

  /** Show the state in the page's thread list. */
  protected override threadStateChanged(threadId: ThreadId, state: ThreadState): void {
    const thread = this.#book.setState(threadId, state);
    if (thread) this.#broadcast({ type: 'thread', thread });
  }

  /** Stop the typing indicator on the page too. */
  protected override typingStopped(threadId: ThreadId): void {
    if (this.#book.setTyping(threadId, false)) this.#broadcast({ type: 'typing', threadId, typing: false });
  }

  /** Open pages drop a removed thread from their list. */
  protected override threadRemoved(threadId: ThreadId): void {
    if (this.#book.removeThread(threadId)) this.#broadcast({ type: 'threadRemoved', threadId });
  }

  /** A restored thread says so, and its open requests show their cards again (the old ones died with the page). */
  async #showRestored(threadId: string): Promise<void> {
    for (const html of renderChunks(RESTORED_NOTE, 'web')) this.#publish(threadId, html, [], false);
    await this.reshowOpenCards(threadId);
  }

  // ---------------------------------------------------------------- the person's side

  async #onFrame(sessionId: string, frame: PageFrame, reply: (frame: ServerFrame) => void): Promise<void> {
    const user: ChatUser = { id: `web:${sessionId}`, name: WEB_USER_NAME, platform: 'web' };
    const threadId = frame.threadId;
    if (threadId !== null && this.#book.thread(threadId) === undefined) {
      reply({ type: 'error', text: 'That thread no longer exists.' });
      return;
    }
    switch (frame.type) {
      case 'say':
        // The page shows the person's message masked too; the agent gets it as typed.
        this.#publish(
          threadId,
          escapeWebHtml(this.maskOutgoing(threadId ?? undefined, frame.text)),
          [],
          true,
        );
        await this.handleMessage({ threadId: threadId ?? undefined, user, text: frame.text });
        return;
      case 'tap': {
        const answer = await this.handleTap({
          threadId: threadId ?? undefined,
          user,
          payload: frame.payload,
        });
        reply({ type: 'tapAnswer', threadId, text: answer.text, alert: answer.alert ?? false });
        return;
      }
      default:
        frame satisfies never;
    }
  }

  /** Whether a `Host` header names this bridge (DNS rebinding is refused). */
  #allowHost(host: string | undefined): boolean {
    return this.#port !== undefined && hostIsAllowed(host, this.#port, this.#allowedHosts);
  }

  /** Audit a refused request under its remote address (the Authorizer bounds how many such records are kept). */
  #refused(request: IncomingMessage, what: string): void {
    const address = (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    this.auth.refuse({ id: `web:${address}`, name: 'no valid token', platform: 'web' }, what);
  }

  #publish(
    threadId: string | null,
    html: string,
    buttons: WebMessage['buttons'],
    fromUser: boolean,
  ): WebMessage {
    const message: WebMessage = {
      id: `m${this.#idPrefix}-${this.#nextId++}`,
      threadId,
      html,
      buttons,
      fromUser,
      at: this.clock.now(),
    };
    this.#book.append(message);
    this.#broadcast({ type: 'message', ...message });
    return message;
  }

  #broadcast(frame: ServerFrame): void {
    this.#hub?.broadcast(frame);
  }
}

/**
 * Create a {@link WebBridge} (the DESIGN.md §2 factory name).
 * @param config - see {@link WebBridgeConfig}.
 */
export function createWebBridge(config: WebBridgeConfig = {}): WebBridge {
  return new WebBridge(config);
}
