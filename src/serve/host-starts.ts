/**
 * Starting a session on another host (several hosts, one bot): `/new <host>:<project> <prompt>` on the host
 * holding the bot asks `<host>` on the bus's `starts` topic. That host resolves the project in its own config's
 * `projects` map (no path ever travels, from the chat or on the bus), checks the runner, audits the start in its
 * own store and starts the session, whose thread and cards then reach people through the holder like any other
 * host's session. It answers `started` or `refused`; the asking host waits for the answer, bounded.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../core/store/types.js';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import type { HostStartMessage, SessionBus, StartRequester } from './bus.js';
import { checkStart, type ProjectStarter, startChecked } from './project-starts.js';

/** Every host reads every start message (on any bus, several hosts in one process included) and keeps its own. */
const groupOf = (host: string) => `host-starts:${host}`;

/** A host sharing the bot, as its heartbeat describes it. */
export interface HostInfo {
  readonly host: string;
  /** Its config's project names. */
  readonly projects?: readonly string[];
  /** The runners it can start. */
  readonly runners?: readonly string[];
}

/** The hosts sharing the bot (`RedisHostBeacon` is one). */
export interface HostDirectory {
  /** This host's name. */
  readonly self: string;
  /** The hosts alive now, this one included. */
  live(): Promise<readonly HostInfo[]>;
}

/** What asking a host to start a session came to (`reason` is plain text: escape it to show it). */
export type StartOutcome =
  | { readonly ok: true; readonly runner: string }
  | { readonly ok: false; readonly reason: string };

/** What `/new` asks for. */
export interface HostStartRequest {
  readonly project: string;
  /** Unset: the starting host's default runner. */
  readonly runner?: string;
  readonly prompt: string;
  readonly user: StartRequester;
}

/** Options of {@link HostStarts}. */
export interface HostStartsOptions extends ProjectStarter {
  readonly bus: SessionBus;
  /** This host's name. */
  readonly self: string;
  /** Where a start asked by another host is audited (this host's own store). */
  readonly store: Store;
  /** How long the asking host waits for the answer. @defaultValue 15000 */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** Starts asked of this host by others, and this host's asks of others. */
export class HostStarts {
  readonly #o: HostStartsOptions;
  readonly #logger: Logger;
  /** Asks awaiting their answer: id → resolve. */
  readonly #waiting = new Map<string, (outcome: StartOutcome) => void>();
  #stopConsuming: (() => void) | undefined;

  constructor(options: HostStartsOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** How long {@link HostStarts.ask} waits. */
  get timeoutMs(): number {
    return this.#o.timeoutMs ?? 15_000;
  }

  start(): void {
    const group = groupOf(this.#o.self);
    this.#stopConsuming = this.#o.bus.consume('starts', group, async (message) => {
      const m = message.payload;
      if (m.to === this.#o.self) {
        if (m.type === 'start') {
          // Not awaited (it answers, and reports its own failures): a slow start must not hold up the topic —
          // the answers to this host's own asks come on it too, and the next start asked of it.
          void this.#startAsked(m);
        } else
          this.#waiting.get(m.id)?.(
            m.type === 'started' ? { ok: true, runner: m.runner } : { ok: false, reason: m.reason },
          );
      }
      await this.#o.bus.ack('starts', group, message.id);
    });
  }

  /** Stop answering; pending asks end as not answered. */
  stop(): void {
    this.#stopConsuming?.();
    for (const resolve of this.#waiting.values()) resolve({ ok: false, reason: 'this host is stopping' });
  }

  /** Ask host `to` to start a session; resolves with its answer, or a refusal saying it did not answer in time. */
  async ask(to: string, request: HostStartRequest): Promise<StartOutcome> {
    const id = randomUUID();
    const outcome = new Promise<StartOutcome>((resolve) => {
      // The host refuses a start it reads after `notAfter`; one it accepted in time may still be starting.
      const timer = setTimeout(
        () =>
          resolve({
            ok: false,
            reason: `${to} did not answer within ${formatSeconds(this.timeoutMs)} (is its serve running? /sessions shows the session if it started after all)`,
          }),
        this.timeoutMs,
      );
      timer.unref();
      this.#waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
    try {
      await this.#o.bus.publish('starts', {
        type: 'start',
        id,
        to,
        from: this.#o.self,
        project: request.project,
        ...(request.runner !== undefined ? { runner: request.runner } : {}),
        prompt: request.prompt,
        user: request.user,
        notAfter: Date.now() + this.timeoutMs,
      });
      return await outcome;
    } catch (error) {
      return { ok: false, reason: `could not reach ${to}: ${String(error)}` };
    } finally {
      this.#waiting.delete(id);
    }
  }

  /** Start what another host asked for, in this host's own project directory, and answer. */
  async #startAsked(m: Extract<HostStartMessage, { type: 'start' }>): Promise<void> {
    const outcome = await this.#startHere(m).catch(
      (error: unknown): StartOutcome => ({
        ok: false,
        reason: `could not start the session: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    const answer: HostStartMessage = outcome.ok
      ? { type: 'started', id: m.id, to: m.from, from: this.#o.self, runner: outcome.runner }
      : { type: 'refused', id: m.id, to: m.from, from: this.#o.self, reason: outcome.reason };
    await this.#o.bus
      .publish('starts', answer)
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not answer a start'));
  }

  async #startHere(m: Extract<HostStartMessage, { type: 'start' }>): Promise<StartOutcome> {
    const self = this.#o.self;
    if (Date.now() > m.notAfter) return { ok: false, reason: `the request reached ${self} too late` };
    const checked = checkStart(this.#o, m.project, m.runner);
    if (!checked.ok)
      return {
        ok: false,
        reason:
          checked.why === 'project'
            ? `${self} has no project "${m.project}". Its projects: ${Object.keys(this.#o.projects).join(', ') || 'none'}.`
            : `${self} has no runner "${checked.runner}". Its runners: ${this.#o.runnerNames.join(', ')}.`,
      };
    await startChecked(this.#o, this.#o.store, checked, m.prompt.trim(), m.user, { askedBy: m.from });
    return { ok: true, runner: checked.runner };
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
