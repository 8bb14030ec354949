/**
 * JSON-RPC over a child's stdio as `codex app-server` speaks it: one JSON object per line, no `"jsonrpc"`
 * field. Requests we send wait for their response; requests the server sends go to one handler whose result
 * (or thrown error) becomes the response, so no server request is ever left without an answer.
 * @module
 */

import type { Readable, Writable } from 'node:stream';
import { readLines } from '../line-reader.js';
import type { RequestId } from './protocol.js';

/** An error response of the server (or a request that could not be sent). */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  /**
   * @param method - The request that failed.
   * @param code - The JSON-RPC error code (-32000 when the connection closed).
   */
  constructor(
    readonly method: string,
    readonly code: number,
    readonly detail: string,
  ) {
    super(`${method} failed: ${detail}`);
  }
}

/** Thrown by a server-request handler to answer "method not found". */
export const METHOD_NOT_FOUND = -32601;

/** What the connection delivers. */
export interface JsonRpcHandlers {
  /** A notification from the server. */
  onNotification(method: string, params: unknown): void;
  /** A request from the server; resolve with the result, or throw `JsonRpcError` to answer with an error. */
  onRequest(method: string, params: unknown, id: RequestId): Promise<unknown>;
  /** A line that is not JSON, or an over-long line. */
  onProtocolError(message: string): void;
}

/** A JSON-RPC connection over a pair of streams. */
export class JsonRpcConnection {
  readonly #out: Writable;
  readonly #handlers: JsonRpcHandlers;
  readonly #waiting = new Map<
    RequestId,
    { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #closed = false;

  /**
   * @param input - The server's stdout.
   * @param output - The server's stdin.
   */
  constructor(input: Readable, output: Writable, handlers: JsonRpcHandlers) {
    this.#out = output;
    this.#handlers = handlers;
    // A write after the child died raises EPIPE here; the exit handler reports the end.
    output.on('error', () => this.close('the agent closed its input'));
    readLines(
      input,
      (line) => this.#receive(line),
      (length) => handlers.onProtocolError(`dropped an over-long line (${length} characters)`),
    );
  }

  /** Send a request and wait for its result. Rejects with {@link JsonRpcError}. */
  request<T>(method: string, params: unknown): Promise<T> {
    if (this.#closed) return Promise.reject(new JsonRpcError(method, -32000, 'the connection is closed'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.#write({ id, method, params });
    });
  }

  /** Send a notification. */
  notify(method: string, params?: unknown): void {
    this.#write(params === undefined ? { method } : { method, params });
  }

  /** Fail every waiting request (the server ended). */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      waiting.reject(new JsonRpcError(waiting.method, -32000, reason));
    }
  }

  #write(message: object): void {
    if (this.#closed || this.#out.writableEnded || this.#out.destroyed) return;
    this.#out.write(`${JSON.stringify(message)}\n`);
  }

  #receive(line: string): void {
    if (line.trim() === '') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      this.#handlers.onProtocolError(`not a JSON-RPC message: ${line.slice(0, 120)}`);
      return;
    }
    const { id, method } = message;
    const hasId = typeof id === 'string' || typeof id === 'number';
    if (typeof method === 'string' && hasId) {
      void this.#answer(id, method, message.params);
    } else if (typeof method === 'string') {
      this.#handlers.onNotification(method, message.params);
    } else if (hasId) {
      const waiting = this.#waiting.get(id);
      if (waiting === undefined) return;
      this.#waiting.delete(id);
      const error = message.error as { code?: unknown; message?: unknown } | undefined;
      if (error !== undefined && error !== null) {
        waiting.reject(
          new JsonRpcError(
            waiting.method,
            typeof error.code === 'number' ? error.code : -32603,
            typeof error.message === 'string' ? error.message : 'unknown error',
          ),
        );
      } else waiting.resolve(message.result);
    }
  }

  async #answer(id: RequestId, method: string, params: unknown): Promise<void> {
    try {
      const result = await this.#handlers.onRequest(method, params, id);
      this.#write({ id, result });
    } catch (error) {
      const code = error instanceof JsonRpcError ? error.code : -32603;
      const text =
        error instanceof JsonRpcError ? error.detail : `agent-tether failed: ${(error as Error).message}`;
      this.#write({ id, error: { code, message: text } });
    }
  }
}
