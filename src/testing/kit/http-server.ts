/**
 * The HTTP (+ WebSocket) skeleton every fake stands on: listen on 127.0.0.1 with an OS-chosen port, bounded
 * body reading, JSON answers, a route table with `:param` templates, WebSocket upgrades routed by path, and a
 * stop that ends pending delays and closes every socket. The fake supplies only its protocol.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { ConfigError } from '../../core/errors.js';

/** A WebSocket endpoint of a fake. */
export interface FakeWebSocketRoute {
  /** Whether an upgrade to this URL is for this endpoint (by path, usually). */
  readonly matches: (url: URL) => boolean;
  /**
   * Why to refuse the upgrade, as an HTTP status line's code and a text body; `undefined` accepts it.
   * @defaultValue accept every upgrade
   */
  readonly refuse?: (url: URL, request: IncomingMessage) => { status: number; text?: string } | undefined;
  /** Called with each accepted socket. */
  readonly onConnection: (socket: WebSocket, url: URL, request: IncomingMessage) => void;
}

/** Options of {@link FakeHttpServer}. */
export interface FakeHttpServerOptions {
  /** The fake's name, for error messages (e.g. `'FakeSlackServer'`). */
  readonly name: string;
  /** Answers one HTTP request. A rejection answers 500 (see `onError`). */
  readonly handle: (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;
  /** WebSocket endpoints (more can be added before `listen()`); an upgrade that none matches is refused with 404. */
  readonly websockets?: readonly FakeWebSocketRoute[];
  /**
   * Answers a request whose handler threw.
   * @defaultValue 500 with `{ error: 'Internal Server Error: <message>' }`
   */
  readonly onError?: (error: unknown, response: ServerResponse) => void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/**
 * A `node:http` server on 127.0.0.1 for a fake.
 * @example
 * ```ts
 * const http = new FakeHttpServer({
 *   name: 'FakeExample',
 *   handle: (req, res, url) => sendJson(res, url.pathname === '/ping' ? 200 : 404, { ok: true }),
 * });
 * const url = await http.listen(); // http://127.0.0.1:PORT
 * await http.close();
 * ```
 */
export class FakeHttpServer {
  readonly #options: FakeHttpServerOptions;
  readonly #delays = new Set<() => void>();
  #server: Server | undefined;
  #wss: WebSocketServer | undefined;
  #listening: Promise<string> | undefined;
  #url: string | undefined;
  readonly #websockets: FakeWebSocketRoute[];

  /** @param options - the fake's name, its request handler and WebSocket endpoints. */
  constructor(options: FakeHttpServerOptions) {
    this.#options = options;
    this.#websockets = [...(options.websockets ?? [])];
  }

  /** Adds a WebSocket endpoint (before {@link FakeHttpServer.listen}). */
  addWebSocketRoute(route: FakeWebSocketRoute): void {
    this.#websockets.push(route);
  }

  /** Listens on 127.0.0.1 with an OS-chosen port; resolves with `http://127.0.0.1:PORT`. Idempotent. */
  listen(): Promise<string> {
    this.#listening ??= this.#listen();
    return this.#listening;
  }

  /** `http://127.0.0.1:PORT`; throws before {@link FakeHttpServer.listen} resolved. */
  get url(): string {
    if (this.#url === undefined)
      throw new ConfigError(`${this.#options.name} is not listening: call \`await fake.start()\` first`);
    return this.#url;
  }

  /** The port, or undefined when not listening. */
  get port(): number | undefined {
    return this.#url === undefined ? undefined : Number(new URL(this.#url).port);
  }

  /** Whether the server is listening. */
  get listening(): boolean {
    return this.#url !== undefined;
  }

  /** Whether {@link FakeHttpServer.listen} was called and the server not closed since (it may still be starting). */
  get opened(): boolean {
    return this.#listening !== undefined;
  }

  /** Resolves after `ms` real milliseconds, or at once when the server closes (for injected delays). */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#delays.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.#delays.add(finish);
    });
  }

  /** Ends pending delays, stops accepting connections and closes every socket (WebSockets too). Idempotent. */
  async close(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    this.#url = undefined;
    for (const finish of [...this.#delays]) finish();
    if (listening) await listening.catch(() => undefined);
    const server = this.#server;
    const wss = this.#wss;
    this.#server = undefined;
    this.#wss = undefined;
    if (wss) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #listen(): Promise<string> {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      Promise.resolve()
        .then(() => this.#options.handle(request, response, url))
        .catch((error: unknown) => {
          if (this.#options.onError) this.#options.onError(error, response);
          else if (!response.headersSent)
            sendJson(response, 500, { error: `Internal Server Error: ${String(error)}` });
          else response.destroy();
        });
    });
    const websockets = this.#websockets;
    if (websockets.length > 0) {
      const wss = new WebSocketServer({ noServer: true });
      this.#wss = wss;
      server.on('upgrade', (request, socket, head) => this.#upgrade(wss, websockets, request, socket, head));
    }
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
    return this.#url;
  }

  #upgrade(
    wss: WebSocketServer,
    routes: readonly FakeWebSocketRoute[],
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routes.find((candidate) => candidate.matches(url));
    const refusal = route ? route.refuse?.(url, request) : { status: 404 };
    if (!route || refusal) {
      const status = refusal?.status ?? 404;
      const text = refusal?.text ?? '';
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => route.onConnection(ws, url, request));
  }
}

/** A request body larger than a fake accepts. */
export class BodyTooLargeError extends ConfigError {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than the fake accepts (${limitBytes} bytes)`);
  }
}

/**
 * Reads a request body, at most `limitBytes` (then the request is destroyed and the promise rejects with
 * {@link BodyTooLargeError}).
 * @param limitBytes - the largest body accepted. @defaultValue 20 MB
 */
export function readBody(request: IncomingMessage, limitBytes = 20_000_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError(limitBytes));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** A body parsed as a JSON object: `undefined` when empty, not JSON, or not an object. */
export function jsonObject(raw: Buffer | string): Record<string, unknown> | undefined {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Answers with a JSON body (nothing when the response is already gone or started); `headers` may set the content type. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | number>> = {},
): void {
  if (response.destroyed || response.headersSent) return;
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** One entry of a route table: a method and a path template with `:param` parts. */
export interface FakeRoute {
  readonly method: string;
  /** e.g. `/channels/:channelId/messages` */
  readonly path: string;
}

/** Matches a path against a template (`:name` parts match one non-empty segment); the parameters or undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index++) {
    const part = want[index] ?? '';
    let value: string;
    try {
      value = decodeURIComponent(got[index] ?? '');
    } catch {
      return undefined;
    }
    if (part.startsWith(':')) {
      if (value === '') return undefined;
      params[part.slice(1)] = value;
    } else if (part !== value) return undefined;
  }
  return params;
}

/** The first route of `routes` that takes `method` and `path`, with its parameters. */
export function findRoute<R extends FakeRoute>(
  routes: readonly R[],
  method: string,
  path: string,
): { route: R; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** A file part of a multipart body. */
export interface FormFile {
  /** The form field's name. */
  readonly field: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/**
 * Parses a `multipart/form-data` body with the platform's own `Request.formData()` (undici).
 * @throws TypeError when the body is not valid multipart for `contentType` (a fake answers 400).
 */
export async function parseMultipart(
  contentType: string,
  body: Buffer,
): Promise<{ fields: Map<string, string>; files: FormFile[] }> {
  const form = await new Request('http://fake/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  }).formData();
  const fields = new Map<string, string>();
  const files: FormFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') fields.set(field, value);
    else
      files.push({
        field,
        fileName: value.name,
        contentType: value.type || 'application/octet-stream',
        data: Buffer.from(await value.arrayBuffer()),
      });
  }
  return { fields, files };
}
