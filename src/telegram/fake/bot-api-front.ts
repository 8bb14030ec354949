/**
 * The Bot API face of the fake on the kit's HTTP server: routes `/bot<token>/<method>`, checks the token,
 * applies injected faults, parses parameters and answers with Telegram's JSON envelope.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from '../../testing/kit/fault-queue.js';
import { sendJson as send } from '../../testing/kit/http-server.js';
import { BotApiRejection } from './api-rejection.js';
import { ParamReader } from './bot-api-params.js';
import type { MethodContext, MethodHandler } from './methods/method-context.js';
import { type BotApiParams, readBotApiParams } from './request-body.js';
import type { FakeTelegramCall, FakeTelegramFault } from './types.js';

/** What the HTTP layer needs from the fake. */
export interface BotApiHttpOptions {
  readonly token: string;
  readonly context: MethodContext;
  readonly methods: Readonly<Record<string, MethodHandler>>;
  readonly faults: FaultQueue<FakeTelegramFault>;
  readonly recordCall: (call: FakeTelegramCall) => void;
  /** Waits `ms` real milliseconds (ended early when the server stops). */
  readonly delay: (ms: number) => Promise<void>;
  /** The bytes of a `file_path` for `GET /file/bot<token>/<file_path>`, or undefined (404). */
  readonly download?: (filePath: string) => Buffer | undefined;
}

const DEFAULT_FAULT_DESCRIPTIONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/** The Bot API on the kit's HTTP server: routes, the token check, faults and Telegram's JSON envelope. */
export class BotApiFront {
  readonly #methods: ReadonlyMap<string, MethodHandler>;

  /** @param options - token, shared context, method table, faults and call log. */
  constructor(readonly options: BotApiHttpOptions) {
    // Telegram matches method names case-insensitively.
    this.#methods = new Map(
      Object.entries(options.methods).map(([name, handler]) => [name.toLowerCase(), handler]),
    );
  }

  /** Answers a request whose handling threw: 500 in Telegram's envelope. */
  static answerError(error: unknown, res: ServerResponse): void {
    send(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
  }

  /** Answers one Bot API request. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fileRoute = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (fileRoute) {
      const bytes =
        fileRoute[1] === this.options.token ? this.options.download?.(fileRoute[2] ?? '') : undefined;
      if (!bytes) {
        send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
      return;
    }
    const route = /^\/bot([^/]*)\/([^/]+)$/.exec(url.pathname);
    if (!route) {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const [, token = '', method = ''] = route;
    const record = (status: number, params: Record<string, unknown>) =>
      this.options.recordCall({ method, params, status, at: this.options.context.clock.now() });
    if (token !== this.options.token) {
      record(401, {});
      send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const fault = this.options.faults.take((f) => f.method === undefined || f.method === method);
    if (fault?.kind === 'drop') {
      record(0, {});
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await this.options.delay(fault.ms);
    if (fault?.kind === 'status') {
      const description = fault.description ?? DEFAULT_FAULT_DESCRIPTIONS[fault.status] ?? 'Server Error';
      record(fault.status, {});
      send(res, fault.status, { ok: false, error_code: fault.status, description });
      return;
    }
    if (fault?.kind === 'ratelimit') {
      const retryAfter = fault.retryAfter;
      record(429, {});
      send(res, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      });
      return;
    }

    let params: BotApiParams;
    try {
      params = await readBotApiParams(req, url);
    } catch (error) {
      record(400, {});
      send(res, 400, { ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
      return;
    }
    const logged = loggableParams(params);
    const handler = this.#methods.get(method.toLowerCase());
    if (!handler) {
      record(404, logged);
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      return;
    }
    const hangUpListeners: (() => void)[] = [];
    res.on('close', () => {
      if (!res.writableFinished) for (const listener of hangUpListeners) listener();
    });
    try {
      const result = await handler(this.options.context, {
        params: new ParamReader(params),
        onHangUp: (listener) => hangUpListeners.push(listener),
      });
      record(200, logged);
      send(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof BotApiRejection)) throw error;
      record(error.errorCode, logged);
      send(res, error.errorCode, {
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }
}

/** Parameters for the call log: uploads are shown as `{ fileName, size }`. */
function loggableParams(params: BotApiParams): Record<string, unknown> {
  const logged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params.values)) {
    const upload =
      typeof value === 'string' && value.startsWith('attach://')
        ? params.files.get(value.slice('attach://'.length))
        : undefined;
    logged[key] = upload ? { fileName: upload.fileName, size: upload.size } : value;
  }
  return logged;
}
