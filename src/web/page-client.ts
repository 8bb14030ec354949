/**
 * `WebPageClient`: a person's page, driven from code. It opens the bridge's URL like a browser (token →
 * session cookie), keeps one WebSocket, validates every frame against the wire protocol and keeps what the
 * page would show. For tests — ours and our users' — in the manner of `fake.userSays` / `fake.userTaps`.
 * @module
 */
import { WebSocket } from 'ws';
import { parseCookies } from './access-guard.js';
import { type ServerFrame, serverFrameSchema, type WebMessage, type WebThread } from './protocol.js';
import { PAGE_SUBPROTOCOL } from './socket-hub.js';

/** Options of {@link WebPageClient.open}. */
export interface WebPageClientOptions {
  /** The `Origin` header sent with the socket upgrade. @defaultValue the URL's own origin (as a browser would) */
  readonly origin?: string;
  /** Bound of every wait, in milliseconds. @defaultValue 5000 */
  readonly timeoutMs?: number;
}

/** The defaults of {@link WebPageClientOptions} that are values. */
export const WEB_PAGE_CLIENT_DEFAULTS = { timeoutMs: 5000 } as const satisfies Partial<
  Record<keyof WebPageClientOptions, unknown>
>;

/** What a tap was answered with (the page's toast). */
export interface WebTapAnswer {
  readonly text: string;
  readonly alert: boolean;
}

/**
 * Exchange the token in `url` for the session cookie and the socket key, as a browser opening the link does (the
 * key is what the entry page keeps in the origin's storage).
 */
export async function openSession(
  url: string,
): Promise<{ cookie: string; sessionId: string; socketKey: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  const body = await response.text();
  const setCookie = response.headers.getSetCookie()[0];
  if (response.status !== 200 || !setCookie) {
    throw new Error(`web: opening the link was refused (HTTP ${response.status})`);
  }
  const pair = setCookie.split(';')[0] ?? '';
  const [value = ''] = parseCookies(pair).values();
  const socketKey = /<meta name="agent-tether-key" content="([A-Za-z0-9_-]+)">/.exec(body)?.[1] ?? '';
  return { cookie: pair, sessionId: value.split('.')[0] ?? '', socketKey };
}

/** A page connected to a WebBridge. */
export class WebPageClient {
  /** The session id (the person's user id is `web:<sessionId>`). */
  readonly sessionId: string;
  /** The `name=value` cookie the page holds. */
  readonly cookie: string;
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  readonly #ws: WebSocket;
  readonly #timeoutMs: number;
  readonly #threads = new Map<string, WebThread & { messages: WebMessage[] }>();
  #general: WebMessage[] = [];
  #protocolError: Error | undefined;
  readonly #waiters = new Set<() => void>();

  private constructor(ws: WebSocket, session: { cookie: string; sessionId: string }, timeoutMs: number) {
    this.#ws = ws;
    this.cookie = session.cookie;
    this.sessionId = session.sessionId;
    this.#timeoutMs = timeoutMs;
    ws.on('message', (data) => this.#receive(data.toString()));
    ws.on('close', () => this.#wake());
  }

  /**
   * Open the bridge's URL and connect the page's socket; resolves once the first snapshot arrived.
   * @example
   * ```ts
   * const page = await WebPageClient.open(bridge.url);
   * await page.taps(threadId, 'Allow');
   * ```
   */
  static async open(url: string, options: WebPageClientOptions = {}): Promise<WebPageClient> {
    const session = await openSession(url);
    const base = new URL(url);
    const ws = new WebSocket(`ws://${base.host}/ws`, [PAGE_SUBPROTOCOL, `key.${session.socketKey}`], {
      headers: { Cookie: session.cookie },
      origin: options.origin ?? base.origin,
    });
    // Listen before the socket opens: the snapshot can arrive in the same read as the upgrade response.
    const page = new WebPageClient(ws, session, options.timeoutMs ?? WEB_PAGE_CLIENT_DEFAULTS.timeoutMs);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`web: socket upgrade refused (HTTP ${res.statusCode})`)),
      );
    });
    await page.waitFor(() => page.frames.find((f) => f.type === 'snapshot'));
    return page;
  }

  /** The person's user id as the bridge sees it. */
  get userId(): string {
    return `web:${this.sessionId}`;
  }

  /** Threads in the page's list. */
  threads(): WebThread[] {
    return [...this.#threads.values()].map(({ messages: _m, ...thread }) => thread);
  }

  /** Messages of a thread (`null`: the general feed), oldest first. */
  messages(threadId: string | null): readonly WebMessage[] {
    return threadId === null ? this.#general : (this.#threads.get(threadId)?.messages ?? []);
  }

  /** Plain text of the bot's messages in a thread (tags stripped, entities decoded). */
  texts(threadId: string | null): string[] {
    return this.messages(threadId)
      .filter((m) => !m.fromUser)
      .map((m) => htmlToText(m.html));
  }

  /** Write in a thread (or the general feed); resolves once the page shows the person's message. */
  async says(threadId: string | null, text: string): Promise<void> {
    const before = this.messages(threadId).length;
    this.send({ type: 'say', threadId, text });
    await this.waitFor(() =>
      this.messages(threadId)
        .slice(before)
        .find((m) => m.fromUser),
    );
  }

  /**
   * Tap the newest button with this label in a thread, waiting (bounded, like {@link waitFor}) for it to
   * appear as a person would; resolves with the toast the page shows.
   */
  async taps(threadId: string | null, label: string): Promise<WebTapAnswer> {
    const newest = () =>
      [...this.messages(threadId)]
        .reverse()
        .flatMap((m) => m.buttons.flat())
        .find((b) => b.label === label);
    const button = await this.waitFor(newest).catch((error: unknown) => {
      throw new Error(
        `web page: no button "${label}" in ${threadId ?? 'general'}: ${JSON.stringify(this.texts(threadId))}`,
        { cause: error },
      );
    });
    const seen = this.frames.length;
    this.send({ type: 'tap', threadId, payload: button.payload });
    const answer = await this.waitFor(() =>
      this.frames
        .slice(seen)
        .find((f): f is Extract<ServerFrame, { type: 'tapAnswer' }> => f.type === 'tapAnswer'),
    );
    return { text: answer.text, alert: answer.alert };
  }

  /**
   * Resolves once every frame the server sent before this call has arrived (a socket ping and its pong: the pong
   * comes after them). A test reads what the page shows at that moment.
   */
  async caughtUp(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('web page: no pong from the server')), this.#timeoutMs);
      this.#ws.once('pong', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#ws.ping();
    });
  }

  /** Send a raw frame (to test what the server accepts). */
  send(frame: unknown): void {
    this.#ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Wait (bounded) until `probe` returns something other than undefined/false. */
  async waitFor<T>(probe: () => T | undefined | false): Promise<T> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      if (this.#protocolError) throw this.#protocolError;
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (this.#ws.readyState === WebSocket.CLOSED)
        throw new Error('web page: the socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`web page: timed out after ${this.#timeoutMs} ms waiting for ${probe}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Close the page. */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.#ws.once('close', () => resolve());
      this.#ws.close();
    });
  }

  #receive(data: string): void {
    const parsed = serverFrameSchema.safeParse(JSON.parse(data));
    if (!parsed.success) {
      this.#protocolError = new Error(`web page: invalid frame from the server: ${data.slice(0, 300)}`);
      this.#wake();
      return;
    }
    const frame = parsed.data;
    this.frames.push(frame);
    switch (frame.type) {
      case 'snapshot':
        this.#threads.clear();
        for (const t of frame.threads) this.#threads.set(t.id, { ...t, messages: [...t.messages] });
        this.#general = [...frame.general];
        break;
      case 'thread': {
        const known = this.#threads.get(frame.thread.id);
        this.#threads.set(frame.thread.id, { ...frame.thread, messages: known?.messages ?? [] });
        break;
      }
      case 'threadRemoved':
        this.#threads.delete(frame.threadId);
        break;
      case 'message':
      case 'edit': {
        const { type, ...message } = frame;
        const list =
          message.threadId === null ? this.#general : this.#threads.get(message.threadId)?.messages;
        if (!list) break;
        const index = list.findIndex((m) => m.id === message.id);
        if (type === 'message') list.push(message);
        else if (index >= 0) list[index] = message;
        break;
      }
      case 'typing': {
        const thread = this.#threads.get(frame.threadId);
        if (thread) thread.typing = frame.typing;
        break;
      }
      case 'tapAnswer':
      case 'error':
        break;
      default:
        frame satisfies never;
    }
    this.#wake();
  }

  #wake(): void {
    for (const done of this.#waiters) done();
    this.#waiters.clear();
  }
}

/** The visible text of the page's safe HTML. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<\/(p|li|pre|blockquote)>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(lt|gt|quot|#39|amp);/g,
      (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
    )
    .trim();
}
