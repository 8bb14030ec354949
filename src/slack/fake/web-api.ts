/**
 * The HTTP side of the fake: `POST /api/<method>` (form or JSON bodies, Bearer or body token) with faults,
 * auth, rate limits and the call log; `POST /response/<id>` for response URLs.
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { FaultQueue } from '../../testing/kit/fault-queue.js';
import { readBody, sendJson as sendKitJson } from '../../testing/kit/http-server.js';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import { type RateLimiter, retryAfterHeader } from './rate-limits.js';
import { RESPONSE_PATH, type ResponseUrlBook } from './response-urls.js';
import type { FakeSlackCall, FakeSlackFault } from './types.js';
import {
  decodeParamsForLog,
  WEB_METHODS,
  type WebMethodContext,
  type WebMethodResult,
} from './web-methods.js';

/** The path prefix of Web API methods. */
export const API_PATH = '/api/';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** What the HTTP handler needs. */
export interface WebApiDependencies {
  readonly clock: ScaledClock;
  readonly limiter: RateLimiter;
  readonly faults: FaultQueue<FakeSlackFault>;
  readonly responses: ResponseUrlBook;
  readonly methods: WebMethodContext;
  readonly botToken: string;
  readonly appToken: string;
  readonly recordCall: (call: FakeSlackCall) => void;
}

type Params = Record<string, unknown>;

function formToParams(text: string): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries(parseQuery(text))) {
    params[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  return params;
}

function parseParams(request: IncomingMessage, url: URL, body: string): Params | undefined {
  const params = formToParams(url.search.slice(1));
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    if (body.trim() === '') return params;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
      return { ...params, ...(parsed as Params) };
    } catch {
      return undefined;
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === '' || type === undefined) {
    return { ...params, ...formToParams(body) };
  }
  return params;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendKitJson(response, status, body, { 'content-type': 'application/json; charset=utf-8', ...headers });
}

function bearerToken(request: IncomingMessage, params: Params): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (match?.[1]) return match[1].trim();
  return typeof params.token === 'string' && params.token !== '' ? params.token : undefined;
}

/** Creates the request handler of the fake's HTTP server. */
export function createWebApiHandler(
  deps: WebApiDependencies,
): (req: IncomingMessage, res: ServerResponse) => void {
  function authorize(
    request: IncomingMessage,
    params: Params,
    required: 'bot' | 'app',
  ): WebMethodResult | undefined {
    const token = bearerToken(request, params);
    if (token === undefined) return { ok: false, error: 'not_authed' };
    const kind = token === deps.botToken ? 'bot' : token === deps.appToken ? 'app' : undefined;
    if (kind === undefined) return { ok: false, error: 'invalid_auth' };
    if (kind !== required) return { ok: false, error: 'not_allowed_token_type' };
    return undefined;
  }

  async function handleApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice(API_PATH.length));
    const params = parseParams(request, url, (await readBody(request, MAX_BODY_BYTES)).toString('utf8'));
    const logged = decodeParamsForLog(params ?? {});
    const answer = (status: number, body: WebMethodResult, headers?: Record<string, string>): void => {
      deps.recordCall({
        method,
        params: logged,
        status,
        ok: body.ok === true,
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
      });
      sendJson(response, status, body, headers);
    };
    const fault = deps.faults.take(
      (f) => f.kind !== 'slowAck' && (f.method === undefined || f.method === method),
    );
    if (fault?.kind === 'status') return answer(fault.status, { ok: false, error: 'fake_injected_status' });
    if (fault?.kind === 'ratelimit') {
      const retryAfter = String(retryAfterHeader(deps.clock, fault.retryAfter));
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
    }
    if (fault?.kind === 'delay') await deps.clock.sleep(fault.ms);
    const handler = WEB_METHODS[method];
    if (!handler) return answer(200, { ok: false, error: 'unknown_method', req_method: method });
    if (!params) return answer(200, { ok: false, error: 'invalid_json' });
    const refused = authorize(request, params, handler.token);
    if (refused) return answer(200, refused);
    const channel = typeof params.channel === 'string' ? params.channel : undefined;
    const verdict = deps.limiter.take(method, channel);
    if (!verdict.allowed) {
      const retryAfter = String(retryAfterHeader(deps.clock, verdict.retryAfterSeconds));
      return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter });
    }
    return answer(200, handler.run(deps.methods, params));
  }

  async function handleResponseUrl(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> {
    const id = decodeURIComponent(url.pathname.slice(RESPONSE_PATH.length));
    const text = (await readBody(request, MAX_BODY_BYTES)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = formToParams(text);
    }
    const result = deps.responses.respond(id, body);
    sendJson(response, result.status, result.body);
  }

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route =
      request.method === 'POST' && url.pathname.startsWith(RESPONSE_PATH)
        ? handleResponseUrl
        : (request.method === 'POST' || request.method === 'GET') && url.pathname.startsWith(API_PATH)
          ? handleApi
          : undefined;
    if (!route) {
      sendJson(response, 404, { ok: false, error: 'not_found' });
      return;
    }
    route(request, response, url).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: 'fake_internal_error' });
      else response.destroy();
    });
  };
}
