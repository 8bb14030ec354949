/**
 * A registry of runner factories, so a supervisor can create runners by name (`claude`, `subprocess`, …).
 * @module
 */

import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { UnknownRunnerError } from './errors.js';
import type { Runner, RunnerEvents, RunnerFactory } from './types.js';

/** Options of {@link RunnerRegistry}. */
export interface RunnerRegistryOptions {
  /** Receives the overwrite warning and debug lines. @defaultValue silentLogger */
  readonly logger?: Logger;
}

/**
 * Maps runner names to factories.
 * @example
 * ```ts
 * const registry = new RunnerRegistry();
 * registry.register('scripted', (events, config) => new ScriptedRunner(events));
 * const runner = registry.create('scripted', events);
 * ```
 */
export class RunnerRegistry {
  readonly #factories = new Map<string, RunnerFactory>();
  readonly #logger: Logger;

  /** @param options - An optional logger. */
  constructor(options: RunnerRegistryOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Register a factory under `name`. Registering a name again replaces the factory and logs a warning.
   * @param name - e.g. `claude`, `subprocess`.
   * @param factory - Makes a runner from events and config.
   */
  register(name: string, factory: RunnerFactory): void {
    if (this.#factories.has(name)) {
      this.#logger.warn({ runner: name }, `Overwriting existing runner factory: ${name}`);
    }
    this.#factories.set(name, factory);
    this.#logger.debug({ runner: name }, `Registered runner: ${name}`);
  }

  /** Remove a factory. Unknown names are ignored. */
  unregister(name: string): void {
    this.#factories.delete(name);
  }

  /**
   * Create a runner.
   * @param name - A registered name.
   * @param events - Where the runner reports.
   * @param config - Runner-specific configuration, validated by the factory.
   * @throws UnknownRunnerError listing the registered names when `name` is not registered.
   */
  create(name: string, events: RunnerEvents, config: Readonly<Record<string, unknown>> = {}): Runner {
    const factory = this.#factories.get(name);
    if (factory === undefined) throw new UnknownRunnerError(name, this.list());
    this.#logger.debug({ runner: name }, `Creating runner: ${name}`);
    return factory(events, config);
  }

  /** The registered names, in registration order. */
  list(): string[] {
    return [...this.#factories.keys()];
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#factories.has(name);
  }
}
