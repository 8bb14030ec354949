/**
 * Waiting for Ctrl-C (SIGINT) or SIGTERM so a command can stop its agent and bridges cleanly. A second
 * signal while stopping ends the process at once (exit 130), for when a clean stop hangs.
 * @module
 */

/** A signal the CLI stops on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Resolves {@link ShutdownSignals.received} on the first SIGINT/SIGTERM; a second one exits at once (130). */
export class ShutdownSignals {
  /** Resolves with the first signal received. */
  readonly received: Promise<StopSignal>;
  readonly #handlers = new Map<StopSignal, () => void>();
  #count = 0;

  /** Installs the handlers; call {@link dispose} when done. */
  constructor() {
    let resolve!: (signal: StopSignal) => void;
    this.received = new Promise((r) => {
      resolve = r;
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => {
        this.#count += 1;
        if (this.#count > 1) {
          process.stderr.write('Stopping at once.\n');
          process.exit(130);
        }
        resolve(signal);
      };
      this.#handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Removes the handlers. */
  dispose(): void {
    for (const [signal, handler] of this.#handlers) process.off(signal, handler);
    this.#handlers.clear();
  }
}
