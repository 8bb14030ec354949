/**
 * The start/stop state of a bridge: an idempotent start, a stop that aborts and waits for a start in progress,
 * one AbortController per run, and a promise that resolves when a stop has finished. What starting and stopping
 * do is the bridge's; when they may happen is decided here.
 * @module
 */
import { TetherError } from './errors.js';
import { type Deferred, deferred } from './lifecycle.js';

/** What a start does, in order. */
export interface StartSteps {
  /** Runs before anything changes: throw to refuse the start (e.g. the store was closed). */
  check(): void;
  /** Connect; `signal` is aborted by a stop. */
  connect(signal: AbortSignal): Promise<void>;
  /** The bridge is running: log, and let the platform go (`started()`). */
  ready(): void;
}

/** When a bridge may start and stop. */
export class BridgeRun {
  #state: 'idle' | 'starting' | 'running' | 'stopping' = 'idle';
  #starting: Promise<void> | undefined;
  #abort = new AbortController();
  #stopped: Deferred<void> = deferred();

  /** @param platform - named in errors. */
  constructor(private readonly platform: string) {}

  /** True between a finished start and a stop. */
  get running(): boolean {
    return this.#state === 'running';
  }

  /** Resolves when a stop has finished. */
  waitUntilStopped(): Promise<void> {
    return this.#stopped.promise;
  }

  /**
   * Start once. While stopping, the stop finishes first; while running, nothing happens; while starting, the
   * call waits for that start. A stop during `connect` makes the start reject with ABORTED.
   */
  async start(steps: StartSteps): Promise<void> {
    if (this.#state === 'stopping') await this.#stopped.promise;
    if (this.#state === 'running') return;
    if (this.#starting) return this.#starting;
    steps.check();
    this.#state = 'starting';
    this.#abort = new AbortController();
    // A waitUntilStopped() from before this start keeps its promise; only a settled one is replaced.
    if (this.#stopped.settled) this.#stopped = deferred();
    const signal = this.#abort.signal;
    this.#starting = (async () => {
      try {
        await steps.connect(signal);
        if (signal.aborted) {
          throw new TetherError(
            'ABORTED',
            `${this.platform}: stop() was called while the bridge was starting`,
          );
        }
        this.#state = 'running';
        steps.ready();
      } catch (error) {
        this.#state = 'idle';
        throw error;
      } finally {
        this.#starting = undefined;
      }
    })();
    return this.#starting;
  }

  /**
   * Stop once: abort the run (a `connect` in progress must not delay or outlive the stop), wait for a start in
   * progress, then `shutdown`. A second call while stopping waits for the first; a stop when idle resolves.
   */
  async stop(shutdown: () => Promise<void>): Promise<void> {
    if (this.#state === 'idle' && !this.#starting) {
      this.#stopped.resolve();
      return;
    }
    if (this.#state === 'stopping') {
      await this.#stopped.promise;
      return;
    }
    this.#abort.abort();
    if (this.#starting) await this.#starting.catch(() => undefined);
    this.#state = 'stopping';
    try {
      await shutdown();
    } finally {
      this.#state = 'idle';
      this.#stopped.resolve();
    }
  }

  /** Throw NOT_STARTED, naming the fix, unless running. */
  requireRunning(operation: string): void {
    if (this.#state !== 'running') {
      throw new TetherError(
        'NOT_STARTED',
        `${this.platform}: ${operation}() needs a started bridge: await bridge.start() first`,
      );
    }
  }
}
