/**
 * {@link FakeModelApi}: the base of the model API fakes (OpenAI, Gemini, Anthropic) on the kit's HTTP server —
 * listen, close, `await using`, bounded body reading and JSON parsing. A subclass answers parsed requests.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, jsonObject, readBody, sendJson } from './http-server.js';

/** A local fake of a model provider's HTTP API. */
export abstract class FakeModelApi {
  readonly #http: FakeHttpServer;
  #url = '';

  /**
   * @param name - the fake's class name, for errors.
   * @param failure - the JSON body answered (status 500) when handling a request throws.
   */
  protected constructor(name: string, failure: unknown) {
    this.#http = new FakeHttpServer({
      name,
      handle: async (request, response) =>
        this.handle(request, response, jsonObject(await readBody(request))),
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

  /**
   * Answers one request.
   * @param body - the JSON body as an object; undefined when there was none or it was not a JSON object.
   */
  protected abstract handle(
    request: IncomingMessage,
    response: ServerResponse,
    body: Record<string, unknown> | undefined,
  ): void | Promise<void>;
}
