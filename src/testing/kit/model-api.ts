/**
 * {@link FakeModelApi}: the base of the model API fakes (OpenAI, Gemini, Anthropic) on the kit's HTTP server —
 * listen, close, `await using`, bounded body reading, JSON parsing and the request log (keys left out). A subclass
 * answers parsed requests.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, jsonObject, readBody, sendJson } from './http-server.js';

/** One request a model API fake received. API keys are not recorded. */
export interface RecordedModelRequest {
  readonly method: string;
  /** Path with query, e.g. `/v1/messages?beta=true` (a key in the query is replaced by `…`). */
  readonly url: string;
  /** Whether an API key came with it (the header or query parameter the API reads). */
  readonly authenticated: boolean;
  /** The parsed JSON body (undefined when there was none or it was not a JSON object). */
  readonly body: Record<string, unknown> | undefined;
}

/** A local fake of a model provider's HTTP API. */
export abstract class FakeModelApi {
  /** Every request received, in order. */
  readonly requests: RecordedModelRequest[] = [];
  readonly #http: FakeHttpServer;
  #url = '';

  /**
   * @param name - the fake's class name, for errors.
   * @param failure - the JSON body answered (status 500) when handling a request throws.
   */
  protected constructor(name: string, failure: unknown) {
    this.#http = new FakeHttpServer({
      name,
      handle: async (request, response) => {
        const body = jsonObject(await readBody(request));
        const url = request.url ?? '/';
        this.requests.push({
          method: request.method ?? 'GET',
          url: url.replace(/([?&]key=)[^&]*/g, '$1…'),
          authenticated: this.authenticated(request, url),
          body,
        });
        await this.handle(request, response, body);
      },
      onError: (_error, response) => {
        if (response.headersSent) response.end();
        else sendJson(response, 500, failure);
      },
    });
  }

  /**
   * Creates and starts a fake.
   * @param script - what the fake model does.
   */
  static async start<S, T extends FakeModelApi>(this: new (script?: S) => T, script?: S): Promise<T> {
    const fake = new this(script);
    await fake.listen();
    return fake;
  }

  /** The base URL, e.g. `http://127.0.0.1:40123`. Empty until listening. */
  get url(): string {
    return this.#url;
  }

  /** Start listening on 127.0.0.1 with a free port. */
  async listen(): Promise<void> {
    this.#url = await this.#http.listen();
  }

  /** Stop listening and drop open connections. */
  async close(): Promise<void> {
    await this.#http.close();
  }

  /** Closes the server (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The POST requests whose path (without the query) passes `path`, in order. */
  protected postsTo(path: (path: string) => boolean): RecordedModelRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && path(r.url.split('?')[0] ?? ''));
  }

  /** Whether the request carries the API's key (its header, or a `key` query parameter). */
  protected abstract authenticated(request: IncomingMessage, url: string): boolean;

  /**
   * Answers one request (already recorded in {@link FakeModelApi.requests}).
   * @param body - the JSON body as an object; undefined when there was none or it was not a JSON object.
   */
  protected abstract handle(
    request: IncomingMessage,
    response: ServerResponse,
    body: Record<string, unknown> | undefined,
  ): void | Promise<void>;
}
