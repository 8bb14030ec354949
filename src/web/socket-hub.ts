/**
 * The web bridge's WebSocket side: upgrades on `/ws` only for requests to a known `Host` (no DNS rebinding)
 * carrying a valid session cookie, an `Origin` equal to that `Host` (no cross-site WebSocket hijacking) and the
 * session's socket key as a `key.<key>` subprotocol (which only the page's origin holds); validates every frame
 * a page sends, and broadcasts every update to every open page.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../core/types.js';
import type { AccessGuard } from './access-guard.js';
import { type PageFrame, pageFrameSchema, type ServerFrame } from './protocol.js';

/** Largest frame a page may send (bytes). */
export const MAX_PAGE_FRAME_BYTES = 64 * 1024;
/** A page that falls this far behind (bytes buffered) is dropped; it reconnects and gets a fresh snapshot. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const KEEPALIVE_MS = 30_000;

/** What the hub needs from its bridge. */
export interface SocketHubOptions {
  readonly guard: AccessGuard;
  readonly logger: Logger;
  /** The state a newly connected page starts from. */
  snapshot(): ServerFrame;
  /** A validated frame from a page of session `sessionId`; `reply` answers that page only. */
  onFrame(sessionId: string, frame: PageFrame, reply: (frame: ServerFrame) => void): Promise<void>;
  /** An upgrade refused for want of a valid cookie, socket key, matching Origin or known Host (for the audit log). */
  onRefused?(request: IncomingMessage, what: string): void;
  /** Whether the request's `Host` names this bridge. @defaultValue any */
  allowHost?(host: string | undefined): boolean;
}

/** The WebSocket subprotocol of the page; the socket key travels beside it as `key.<key>`. */
export const PAGE_SUBPROTOCOL = 'agent-tether.v1';

/** The socket key a page offered as a `key.<key>` subprotocol, if any. */
export function offeredSocketKey(request: IncomingMessage): string | undefined {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(',')) {
    const protocol = part.trim();
    if (protocol.startsWith('key.')) return protocol.slice(4);
  }
  return undefined;
}

/** Whether the `Origin` header names exactly the origin the request was sent to. */
export function originMatchesHost(request: IncomingMessage): boolean {
  const { origin, host } = request.headers;
  if (!origin || !host) return false;
  try {
    const parsed = new URL(origin);
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === host.toLowerCase()
    );
  } catch {
    return false;
  }
}

function refuse(socket: Duplex, status: 401 | 403 | 404, body: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Open pages and their sockets. */
export class SocketHub {
  readonly #o: SocketHubOptions;
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAGE_FRAME_BYTES,
    // Answer with the page's protocol, never echo the key.
    handleProtocols: (protocols) => (protocols.has(PAGE_SUBPROTOCOL) ? PAGE_SUBPROTOCOL : false),
  });
  readonly #clients = new Map<WebSocket, { sessionId: string; alive: boolean; queue: Promise<void> }>();
  readonly #keepalive: ReturnType<typeof setInterval>;

  constructor(options: SocketHubOptions) {
    this.#o = options;
    this.#keepalive = setInterval(() => this.#sweep(), KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  /** Number of open pages. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** The HTTP server's `upgrade` listener. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    const sessionId = path === '/ws' ? this.#o.guard.sessionOf(request) : undefined;
    if (path !== '/ws') refuse(socket, 404, 'Not found\n');
    else if (this.#o.allowHost && !this.#o.allowHost(request.headers.host)) {
      this.#o.onRefused?.(request, 'socket.host');
      refuse(socket, 403, 'Forbidden: unknown Host\n');
    } else if (sessionId === undefined) {
      this.#o.onRefused?.(request, 'socket.cookie');
      refuse(socket, 401, 'Unauthorized\n');
    } else if (!originMatchesHost(request)) {
      this.#o.onRefused?.(request, 'socket.origin');
      refuse(socket, 403, 'Forbidden: cross-origin WebSocket\n');
    } else if (!this.#o.guard.checkSocketKey(sessionId, offeredSocketKey(request))) {
      // The cookie alone is not enough: every local server the person opens in this browser receives it.
      this.#o.onRefused?.(request, 'socket.key');
      refuse(socket, 401, 'Unauthorized: open the link agent-tether printed again\n');
    } else this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, sessionId));
  }

  /** Send a frame to every open page. */
  broadcast(frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const ws of this.#clients.keys()) this.#send(ws, data);
  }

  /** Close every page's socket ("going away") and stop accepting. */
  async close(): Promise<void> {
    clearInterval(this.#keepalive);
    for (const ws of this.#clients.keys()) ws.close(1001, 'bridge stopping');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    for (const ws of this.#clients.keys()) ws.terminate();
    this.#clients.clear();
  }

  #accept(ws: WebSocket, sessionId: string): void {
    const client = { sessionId, alive: true, queue: Promise.resolve() };
    this.#clients.set(ws, client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('close', () => this.#clients.delete(ws));
    ws.on('error', (error) => this.#o.logger.debug({ err: error }, 'web: socket error'));
    ws.on('message', (data, isBinary) => {
      // One page's frames are handled in order, one at a time.
      client.queue = client.queue.then(() => this.#receive(ws, client.sessionId, data, isBinary));
    });
    this.#send(ws, JSON.stringify(this.#o.snapshot()));
  }

  async #receive(ws: WebSocket, sessionId: string, data: RawData, isBinary: boolean): Promise<void> {
    const reply = (frame: ServerFrame) => this.#send(ws, JSON.stringify(frame));
    let parsed: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      parsed = JSON.parse(data.toString());
    } catch {
      reply({ type: 'error', text: 'Unreadable frame: send JSON text.' });
      return;
    }
    const result = pageFrameSchema.safeParse(parsed);
    if (!result.success) {
      reply({ type: 'error', text: 'Invalid frame.' });
      return;
    }
    try {
      await this.#o.onFrame(sessionId, result.data, reply);
    } catch (error) {
      this.#o.logger.error({ err: error }, 'web: handling a page frame failed');
      reply({ type: 'error', text: 'Something went wrong handling that. It was logged.' });
    }
  }

  #send(ws: WebSocket, data: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(data);
  }

  #sweep(): void {
    for (const [ws, client] of this.#clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }
}
