/**
 * The session bus: how session sources (a terminal Claude Code reporting through hooks, a runner started from
 * the phone, an `agent-tether run` that joined) talk to the hub that shows them to people, and how people's
 * answers flow back. Two topics:
 * - `events`: what a session did (source → hub): opened, output, a permission request, a request withdrawn, …
 * - `commands`: what people decided (hub → source): a decision, typed input, stop.
 * - `starts`: between hosts (several hosts, one bot): `/new <host>:<project>` asks a host to start a session, and
 *   the host answers (see `host-starts.ts`).
 *
 * The in-process {@link MemorySessionBus} is the default. A multi-host deployment implements the same
 * interface on Redis Streams (`publish` = XADD, `consume` = XREADGROUP in a consumer group, `ack` = XACK), so
 * keep it this narrow: publish, consume, ack, close.
 * @module
 */
import type { ApprovalDecision, ChoiceDecision } from '../core/types.js';
import type { OutputOptions, RunnerHeader, RunnerPermissionRequest } from '../runner/types.js';

/** Where a session comes from: `hook` (terminal Claude Code), `runner` (started by serve), `remote` (a `run`). */
export type SessionSource = 'hook' | 'runner' | 'remote';

/** A session's identity: its source and the source's own id (e.g. Claude Code's `session_id`). */
export interface SessionKey {
  readonly source: SessionSource;
  readonly id: string;
}

/** The hub's string form of a {@link SessionKey}: `hook:3f2a…`. */
export function sessionKeyString(key: SessionKey): string {
  return `${key.source}:${key.id}`;
}

/** What a session did. Agent text and tool input are untrusted: the hub escapes them when showing. */
export type SessionEvent =
  | {
      readonly type: 'open';
      /** The thread name. */
      readonly name: string;
      readonly cwd?: string;
      /** e.g. `claude-code (terminal)`, `subprocess`. */
      readonly runnerType: string;
      /** The machine the session runs on (several hosts: set by the Redis bus). */
      readonly host?: string;
    }
  | { readonly type: 'header'; readonly header: RunnerHeader }
  | { readonly type: 'output'; readonly text: string; readonly options?: OutputOptions }
  | { readonly type: 'permission'; readonly request: RunnerPermissionRequest }
  /** The request was settled elsewhere (`note` is shown on the card, e.g. "Answered in the terminal"). */
  | { readonly type: 'withdrawn'; readonly requestId: string; readonly note?: string }
  /** The agent is working again (a new turn started). */
  | { readonly type: 'working' }
  /** The agent finished its turn and waits. */
  | { readonly type: 'idle' }
  | { readonly type: 'metadata'; readonly key: string; readonly value: unknown; readonly raw: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'exit'; readonly exitCode: number | null; readonly reason?: string };

/** What people decided, addressed to one session. */
export type SessionCommand =
  | { readonly type: 'decision'; readonly requestId: string; readonly decision: ApprovalDecision }
  | { readonly type: 'choice'; readonly requestId: string; readonly decision: ChoiceDecision }
  | { readonly type: 'input'; readonly text: string }
  | { readonly type: 'stop' };

/** Who asked for a session from the phone (the host that checked they may). */
export interface StartRequester {
  readonly id: string;
  readonly name: string;
  readonly platform: string;
}

/**
 * A start between hosts: `start` asks host `to` for a session in one of its projects (its own config resolves
 * the directory: no path ever travels); `started` / `refused` answer the host `to` that asked.
 */
export type HostStartMessage =
  | {
      readonly type: 'start';
      readonly id: string;
      readonly to: string;
      readonly from: string;
      readonly project: string;
      /** Unset: the host's own default runner. */
      readonly runner?: string;
      readonly prompt: string;
      readonly user: StartRequester;
      /** Epoch ms after which the asking host gave up: a start read later is refused. */
      readonly notAfter: number;
    }
  | {
      readonly type: 'started';
      readonly id: string;
      readonly to: string;
      readonly from: string;
      readonly runner: string;
    }
  | {
      readonly type: 'refused';
      readonly id: string;
      readonly to: string;
      readonly from: string;
      readonly reason: string;
    };

/** The payloads of each topic. */
export interface SessionTopics {
  readonly events: { readonly key: SessionKey; readonly event: SessionEvent };
  readonly commands: { readonly key: SessionKey; readonly command: SessionCommand };
  readonly starts: HostStartMessage;
}

/** A topic name. */
export type SessionTopic = keyof SessionTopics;

/** One delivered message: its bus id (ack it when handled) and payload. */
export interface BusMessage<T extends SessionTopic> {
  readonly id: string;
  readonly payload: SessionTopics[T];
}

/** Handles delivered messages; messages of one topic reach one consumer in publish order. */
export type BusHandler<T extends SessionTopic> = (message: BusMessage<T>) => void | Promise<void>;

/**
 * Carries session events and commands between sources and the hub.
 * Delivery is at least once: a message not acked by its consumer may be delivered again (after a restart on a
 * durable bus), so handlers ignore what they already handled (decisions are exactly-once in the Store anyway).
 */
export interface SessionBus {
  /** Append a message to a topic. Resolves with its id once the bus holds it. */
  publish<T extends SessionTopic>(topic: T, payload: SessionTopics[T]): Promise<string>;
  /**
   * Receive a topic's messages, in order, as consumer `group` (each group sees every message once; a Redis
   * bus shares a group's messages among its hosts). Returns a function that stops consuming.
   */
  consume<T extends SessionTopic>(topic: T, group: string, handler: BusHandler<T>): () => void;
  /** Mark a message handled by `group`. */
  ack(topic: SessionTopic, group: string, id: string): Promise<void>;
  /** Stop delivering and release resources. Idempotent. */
  close(): Promise<void>;
}

interface Group {
  readonly handler: BusHandler<SessionTopic>;
  readonly unacked: Set<string>;
  chain: Promise<void>;
}

/**
 * The in-process bus: each consumer group gets every message of its topic, one at a time in publish order
 * (a handler that returns a promise is awaited before the next message); `ack` forgets the message.
 * Messages published before a group consumes are not replayed (nothing survives the process anyway).
 */
export class MemorySessionBus implements SessionBus {
  readonly #groups = new Map<SessionTopic, Map<string, Group>>();
  #next = 1;
  #closed = false;

  async publish<T extends SessionTopic>(topic: T, payload: SessionTopics[T]): Promise<string> {
    const id = `${Date.now()}-${this.#next++}`;
    if (this.#closed) return id;
    for (const group of this.#groups.get(topic)?.values() ?? []) {
      group.unacked.add(id);
      const message = { id, payload } as BusMessage<SessionTopic>;
      // Handlers log their own failures; one failing message must not stop the ones after it.
      group.chain = group.chain.then(() => group.handler(message)).catch(() => undefined);
    }
    return id;
  }

  consume<T extends SessionTopic>(topic: T, group: string, handler: BusHandler<T>): () => void {
    const groups = this.#groups.get(topic) ?? new Map<string, Group>();
    this.#groups.set(topic, groups);
    groups.set(group, {
      handler: handler as BusHandler<SessionTopic>,
      unacked: new Set(),
      chain: Promise.resolve(),
    });
    return () => {
      groups.delete(group);
    };
  }

  async ack(topic: SessionTopic, group: string, id: string): Promise<void> {
    this.#groups.get(topic)?.get(group)?.unacked.delete(id);
  }

  /** Messages a group received but has not acked (for tests and diagnostics). */
  unacked(topic: SessionTopic, group: string): number {
    return this.#groups.get(topic)?.get(group)?.unacked.size ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#groups.clear();
  }
}
