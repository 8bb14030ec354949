/**
 * `ControlEndpoint`: serve's only network surface. HTTP (+ WebSocket) on 127.0.0.1, every request must carry
 * the secret (`Authorization: Bearer <secret>`, compared in constant time), bodies are bounded, and nothing
 * here can run anything: it only reports what agents do and returns what people decided.
 *
 * Routes:
 * - `POST /hooks/claude/<Event>`: Claude Code http hooks (the body is the hook's JSON; the answer is the
 *   hook's JSON output). A refused connection, a 401 or a 5xx is non-blocking for Claude Code.
 * - `GET /health`: `{ ok, pid }`.
 * - `GET /sessions`: the live sessions.
 * - `GET /sessions/connect` (WebSocket): a `run` joins (see `RemoteSessions`).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { secretChecker } from './daemon-files.js';

/** What the endpoint serves; the serve composition implements it. */
export interface ControlRoutes {
  /** Answer a Claude Code hook. `signal` aborts when Claude Code closes the request before the answer. */
  hook(event: string, body: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
  /**
   * The answer to a hook nobody needs to decide (an auto-approved permission request), synchronously, or
   * undefined to take {@link ControlRoutes.hook}. Claude Code waits for every hook: the common case is answered
   * without setting up anything for a long wait.
   */
  hookAtOnce?(event: string, body: Record<string, unknown>): unknown;
  /** The live sessions (JSON). */
  sessions(): unknown;
  /** A `run` joined over WebSocket. */
  connect(socket: WebSocket): void;
}

/** Options of {@link ControlEndpoint}. */
export interface ControlEndpointOptions {
  readonly secret: string;
  readonly routes: ControlRoutes;
  /** @defaultValue 0 (a free port) */
  readonly port?: number;
  /** Largest accepted body. @defaultValue 4 MiB (a Write tool's content can be large) */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/** The loopback HTTP server of `serve`. */
export class ControlEndpoint {
  readonly #o: ControlEndpointOptions;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: DEFAULT_MAX_BODY });
  readonly #logger: Logger;
  readonly #secretMatches: (presented: string) => boolean;
  #port = 0;

  constructor(options: ControlEndpointOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
    this.#secretMatches = secretChecker(options.secret);
    this.#server = createServer((req, res) => {
      try {
        this.#handle(req, res);
      } catch (error) {
        this.#failed(error, req, res);
      }
    });
    // The whole request (headers and body) must arrive quickly; the answer may take as long as a person needs.
    this.#server.requestTimeout = 30_000;
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /** The bound port (after `listen`). */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>` (after `listen`). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /**
   * Listen on 127.0.0.1.
   * @throws Error with a one-line message naming the fix when the port is taken.
   */
  async listen(): Promise<void> {
    const port = this.#o.port ?? 0;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError(
                `Port ${port} on 127.0.0.1 is in use: stop what uses it, or pick another with --port (then run agent-tether hooks install again)`,
              )
            : error,
        );
      this.#server.once('error', onError);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stop listening and drop open connections (pending hooks see a closed connection: non-blocking). */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    return this.#secretMatches(presented);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.#authorized(req)) {
      req.resume();
      send(res, 401, { error: 'missing or wrong secret (see agent-tether hooks install)' });
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, { ok: true, pid: process.pid });
      return;
    }
    if (req.method === 'GET' && path === '/sessions') {
      send(res, 200, this.#o.routes.sessions());
      return;
    }
    const hook = /^\/hooks\/claude\/([A-Za-z]{1,40})$/.exec(path);
    const event = hook?.[1];
    if (req.method === 'POST' && event) {
      // The body is read with callbacks, not awaited: an auto-approved hook is answered in the same turn its
      // body arrives in.
      req.on('error', (error) => this.#failed(error, req, res));
      readJson(req, this.#o.maxBodyBytes ?? DEFAULT_MAX_BODY, (body) => {
        try {
          if (body === 'too-large') send(res, 413, { error: 'body too large' });
          else if (body === undefined) send(res, 400, { error: 'body must be a JSON object' });
          else {
            const atOnce = this.#o.routes.hookAtOnce?.(event, body);
            if (atOnce !== undefined) send(res, 200, atOnce);
            else this.#answerLater(event, body, res).catch((error: unknown) => this.#failed(error, req, res));
          }
        } catch (error) {
          this.#failed(error, req, res);
        }
      });
      return;
    }
    req.resume();
    send(res, 404, { error: `no route ${req.method} ${path}` });
  }

  /** A hook a person (or the agent's next event) answers: the answer may take as long as they need. */
  async #answerLater(event: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) controller.abort();
    });
    const answer = await this.#o.routes.hook(event, body, controller.signal);
    if (!controller.signal.aborted) send(res, 200, answer ?? {});
  }

  #failed(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    this.#logger.warn({ err: error, url: req.url }, 'control request failed');
    if (!res.headersSent) send(res, 500, { error: 'internal error' });
    else res.destroy();
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/sessions/connect' || !this.#authorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#o.routes.connect(ws));
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Read a JSON object body of at most `limit` bytes; `done` gets it, `'too-large'`, or undefined (not an object). */
function readJson(
  req: IncomingMessage,
  limit: number,
  done: (body: Record<string, unknown> | 'too-large' | undefined) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    done('too-large');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) over = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (over) return done('too-large');
    let parsed: unknown;
    try {
      parsed = JSON.parse((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))?.toString('utf8') ?? '');
    } catch {
      return done(undefined);
    }
    done(
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined,
    );
  });
}
