/**
 * `RunnerSessions`: agent sessions `serve` starts itself (`/new` from the phone), as a session source on the
 * bus. The runner comes from the {@link RunnerRegistry} by name; its events are published, and the decisions,
 * input and stop addressed to its session are applied to it.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import type { RunnerRegistry } from '../runner/registry.js';
import type { ApprovalChoice, Runner, RunnerEvents } from '../runner/types.js';
import type { SessionBus, SessionEvent, SessionKey } from './bus.js';

const GROUP = 'runner-sessions';

/** What `/new` asks for. */
export interface StartRunnerSession {
  readonly runner: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly prompt: string;
  readonly name: string;
  readonly cwd: string;
  readonly approvalChoice?: ApprovalChoice;
}

/** Sessions whose runner lives in the serve process. */
export class RunnerSessions {
  readonly #bus: SessionBus;
  readonly #registry: RunnerRegistry;
  readonly #logger: Logger;
  readonly #runners = new Map<string, Runner>();
  #stopConsuming: (() => void) | undefined;

  constructor(options: { bus: SessionBus; registry: RunnerRegistry; logger?: Logger }) {
    this.#bus = options.bus;
    this.#registry = options.registry;
    this.#logger = options.logger ?? silentLogger;
  }

  start(): void {
    this.#stopConsuming = this.#bus.consume('commands', GROUP, async (message) => {
      const { key, command } = message.payload;
      const runner = key.source === 'runner' ? this.#runners.get(key.id) : undefined;
      if (runner) {
        try {
          if (command.type === 'decision')
            await runner.respondToPermission(key.id, command.requestId, command.decision);
          else if (command.type === 'choice')
            await runner.respondToChoice?.(key.id, command.requestId, command.decision);
          else if (command.type === 'input') await runner.sendInput(key.id, command.text);
          else await runner.stop(key.id);
        } catch (error) {
          this.#logger.warn({ err: error, session: key.id }, 'the runner could not apply a command');
        }
      }
      await this.#bus.ack('commands', GROUP, message.id);
    });
  }

  /** Stop every running session (serve is stopping). */
  async stop(): Promise<void> {
    this.#stopConsuming?.();
    await Promise.allSettled([...this.#runners].map(([id, runner]) => runner.stop(id)));
  }

  /**
   * Start a session.
   * @throws UnknownRunnerError (listing the registered names) or the factory's ConfigError.
   */
  async startSession(request: StartRunnerSession): Promise<SessionKey> {
    const key: SessionKey = { source: 'runner', id: randomUUID() };
    const publish = async (event: SessionEvent): Promise<void> => {
      await this.#bus
        .publish('events', { key, event })
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not publish a runner event'));
    };
    const events: RunnerEvents = {
      onOutput: (_id, _stream, text, options) =>
        publish({ type: 'output', text, ...(options ? { options } : {}) }),
      onError: (_id, code, message) => publish({ type: 'error', code, message }),
      onExit: (id, exitCode) => {
        this.#runners.delete(id);
        return publish({ type: 'exit', exitCode });
      },
      onAwaitingInput: () => publish({ type: 'idle' }),
      onMetadata: (_id, k, value, raw) => publish({ type: 'metadata', key: k, value, raw }),
      onHeartbeat: () => {},
      onHeader: (_id, header) => publish({ type: 'header', header }),
      onPermissionRequest: (_id, request) => publish({ type: 'permission', request }),
      onPermissionResolved: (_id, requestId, by, _allowed, message) =>
        by === 'cancelled' || by === 'timeout'
          ? publish({ type: 'withdrawn', requestId, ...(message ? { note: message } : {}) })
          : undefined,
    };
    const runner = this.#registry.create(request.runner, events, request.config);
    this.#runners.set(key.id, runner);
    await publish({ type: 'open', name: request.name, cwd: request.cwd, runnerType: runner.runnerType });
    try {
      await runner.start(key.id, request.prompt, request.approvalChoice ?? 0);
    } catch (error) {
      this.#runners.delete(key.id);
      await publish({
        type: 'error',
        code: 'start',
        message: error instanceof Error ? error.message : String(error),
      });
      await publish({ type: 'exit', exitCode: null });
      throw error;
    }
    return key;
  }
}
