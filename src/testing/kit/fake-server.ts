/**
 * {@link FakeServer}: the base of the platform fakes — scaled time, injected faults, bounded waits and the
 * HTTP/WebSocket skeleton wired together, with one lifecycle (`start`, `stop`, `await using`). A platform fake
 * adds its protocol (`handleRequest`, WebSocket routes), its world and its person verbs.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueue } from './fault-queue.js';
import { FakeHttpServer } from './http-server.js';
import { ScaledClock } from './scaled-clock.js';
import { Waiters, type WaitOptions } from './waiter.js';

/** Options of {@link FakeServer}. */
export interface FakeServerOptions {
  /**
   * Real milliseconds per platform millisecond (`0.01` runs the platform's clock 100× faster).
   * @defaultValue 1
   */
  readonly timeScale?: number | undefined;
  /**
   * Real milliseconds between re-checks of a pending `waitFor`.
   * @defaultValue 10
   */
  readonly pollMs?: number;
}

/** A platform fake on the kit. `F` is the shape of the faults its `inject()` arms. */
export abstract class FakeServer<F> {
  /** The platform's clock. */
  protected readonly clock: ScaledClock;
  /** Faults armed with `inject()`. */
  protected readonly faults: FaultQueue<F>;
  /** Pending `waitFor`s. */
  protected readonly waiters: Waiters;
  /** The HTTP (+ WebSocket) server. */
  protected readonly http: FakeHttpServer;

  /**
   * @param name - the fake's class name, for errors (`FakeSlackServer`).
   * @param options - time scale and the poll interval of waits.
   */
  protected constructor(name: string, options: FakeServerOptions = {}) {
    this.clock = new ScaledClock(options.timeScale ?? 1, { owner: name });
    this.faults = new FaultQueue<F>(`${name}.inject`);
    this.waiters = new Waiters({
      owner: name,
      describe: () => this.describeState(),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
    this.http = new FakeHttpServer({
      name,
      handle: (request, response, url) => this.handleRequest(request, response, url),
      onError: (error, response) => this.answerError(error, response),
    });
  }

  /** Starts listening on 127.0.0.1 on a free port; idempotent. Resolves with `http://127.0.0.1:PORT`. */
  start(): Promise<string> {
    return this.http.listen();
  }

  /** Ends pending waits, timers and faults and closes every socket; idempotent. */
  async stop(): Promise<void> {
    // `opened`, not `listening`: a stop while the start is under way must close what the start opens.
    if (!this.http.opened) return;
    this.stopping();
    this.clock.clearAll();
    this.faults.clear();
    this.waiters.cancelAll();
    await this.http.close();
  }

  /** `await using fake = …` stops the fake at scope end. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** `http://127.0.0.1:PORT`; throws before `start()`. */
  get url(): string {
    return this.http.url;
  }

  /**
   * Resolves with the predicate's first truthy value, re-checked after every change and on a short poll.
   * @throws Error after `timeoutMs` (default 5000), naming `what` and what the fake holds.
   */
  waitFor<T>(
    predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    options?: WaitOptions,
  ): Promise<T> {
    return this.waiters.waitFor(predicate, options);
  }

  /** Answers one HTTP request of the platform's API. */
  protected abstract handleRequest(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): void | Promise<void>;

  /**
   * Answers a request whose handler threw.
   * @defaultValue drops the connection
   */
  protected answerError(_error: unknown, response: ServerResponse): void {
    response.destroy();
  }

  /**
   * What the fake holds, appended to a timed-out `waitFor`'s message.
   * @defaultValue nothing
   */
  protected describeState(): string {
    return '';
  }

  /** Called first on `stop()`, while the server still listens: close the platform's own sessions. */
  protected stopping(): void {}
}
