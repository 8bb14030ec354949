/**
 * The fake's REST front door under `/api/v10`: routing, `Authorization: Bot` checks, body parsing (JSON or
 * multipart `payload_json`), injected faults, rate limits with `X-RateLimit-*` headers, and the call log.
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from '../../testing/kit/fault-queue.js';
import { findRoute, parseMultipart, readBody } from '../../testing/kit/http-server.js';
import { type ArmedDiscordFault, type RateLimiter, takeDiscordFault } from './limits.js';
import type { RestReply, RestRoute } from './routes.js';
import type { FakeCall } from './types.js';

/** What the REST front door needs. */
export interface RestFrontOptions {
  token: string;
  routes: RestRoute[];
  limiter: RateLimiter;
  faults: FaultQueue<ArmedDiscordFault>;
  /** Waits `ms` real milliseconds (ended early when the server stops). */
  delay: (ms: number) => Promise<void>;
  timeScale: number;
  calls: FakeCall[];
  onChange: () => void;
}

const API_PREFIX = '/api/v10';
/** Discord's 25 MiB upload limit, with room for the JSON around it. */
const MAX_BODY_BYTES = 26 * 1024 * 1024;

type UploadedFiles = { filename: string; content: Buffer }[];

/** Parses a JSON body, or the `payload_json` part and the `files[n]` parts of a multipart body. */
async function parseBody(
  request: IncomingMessage,
  raw: Buffer,
): Promise<{ body: unknown; files: UploadedFiles }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await parseMultipart(type, raw);
    const payload = form.fields.get('payload_json');
    const files: UploadedFiles = form.files
      .filter((file) => /^files\[\d+\]$/.test(file.field))
      .map((file) => ({ filename: file.fileName, content: file.data }));
    return { body: payload === undefined ? undefined : JSON.parse(payload), files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

/** Handles one HTTP request of the REST API. */
export class RestFront {
  readonly #options: RestFrontOptions;

  constructor(options: RestFrontOptions) {
    this.#options = options;
  }

  /** The node:http request listener. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://fake');
    const raw = await readBody(request, MAX_BODY_BYTES);
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      this.#write(response, { status: 404, body: { message: '404: Not Found', code: 0 } }, {});
      return;
    }
    const path = url.pathname.slice(API_PREFIX.length);
    const found = findRoute(this.#options.routes, method, path);
    const route = found?.route;
    const params = found?.params ?? {};
    let body: unknown;
    let files: UploadedFiles = [];
    try {
      ({ body, files } = await parseBody(request, raw));
    } catch {
      this.#finish(response, method, path, route, undefined, {
        status: 400,
        body: { message: 'The request body contains invalid JSON.', code: 50109 },
      });
      return;
    }
    const reply = await this.#answer(method, path, route, params, url.searchParams, body, request, files);
    this.#finish(response, method, path, route, body, reply.reply, reply.headers);
  }

  async #answer(
    method: string,
    path: string,
    route: RestRoute | undefined,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
    request: IncomingMessage,
    files: UploadedFiles = [],
  ): Promise<{ reply: RestReply; headers?: Record<string, string> }> {
    const { faults, limiter, timeScale, token } = this.#options;
    for (
      let fault = takeDiscordFault(faults, method, route?.path, path);
      fault;
      fault = takeDiscordFault(faults, method, route?.path, path)
    ) {
      if (fault.kind === 'delay') {
        await this.#options.delay(fault.ms * timeScale);
        continue;
      }
      if (fault.kind === 'status') {
        const text = {
          500: 'Internal Server Error',
          502: 'Bad Gateway',
          503: 'Service Unavailable',
          504: 'Gateway Timeout',
        };
        return {
          reply: {
            status: fault.status,
            body: { message: `${fault.status}: ${text[fault.status]}`, code: 0 },
          },
        };
      }
      const retryAfter = fault.retryAfter * timeScale;
      return {
        reply: {
          status: 429,
          body: {
            message: 'You are being rate limited.',
            retry_after: retryAfter,
            global: fault.global === true,
          },
        },
        headers: {
          'Retry-After': String(retryAfter),
          'X-RateLimit-Scope': fault.global ? 'global' : 'user',
          ...(fault.global ? { 'X-RateLimit-Global': 'true' } : {}),
        },
      };
    }
    if (!route) return { reply: { status: 404, body: { message: '404: Not Found', code: 0 } } };
    if (route.auth && request.headers.authorization !== `Bot ${token}`) {
      return { reply: { status: 401, body: { message: '401: Unauthorized', code: 0 } } };
    }
    const decision = limiter.take(`${route.method} ${route.path}`, route.major(params));
    if (!decision.allowed) {
      return {
        reply: {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: decision.retryAfter, global: false },
        },
        headers: {
          ...decision.headers,
          'Retry-After': decision.retryAfter.toFixed(3),
          'X-RateLimit-Scope': 'user',
        },
      };
    }
    try {
      const reply = await route.handle({ method, path, params, query, body, files });
      return { reply, headers: decision.headers };
    } catch (error) {
      return {
        reply: { status: 500, body: { message: `500: Internal Server Error (${String(error)})`, code: 0 } },
        headers: decision.headers,
      };
    }
  }

  #finish(
    response: ServerResponse,
    method: string,
    path: string,
    route: RestRoute | undefined,
    body: unknown,
    reply: RestReply,
    headers: Record<string, string> = {},
  ): void {
    this.#options.calls.push({
      method,
      path,
      route: route ? `${route.method} ${route.path}` : undefined,
      body,
      status: reply.status,
    });
    this.#write(response, reply, headers);
    this.#options.onChange();
  }

  #write(response: ServerResponse, reply: RestReply, headers: Record<string, string>): void {
    if (reply.status === 204 || reply.body === undefined) {
      response.writeHead(reply.status, headers);
      response.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }
}
