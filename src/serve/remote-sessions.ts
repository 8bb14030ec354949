/**
 * `RemoteSessions`: `agent-tether run` processes that joined `serve` over the control endpoint's WebSocket,
 * as a session source on the bus. The `run` keeps its runner; it sends the runner's events and receives the
 * decisions, input and stop of its sessions. Frames are JSON:
 * - run → serve: `{ "type": "event", "session": "<its id>", "event": SessionEvent }`
 * - serve → run: `{ "type": "command", "session": "<its id>", "command": SessionCommand }`
 * When a `run` goes away, its sessions end ("the run process went away") and their cards are withdrawn.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import type { SessionBus, SessionEvent, SessionKey } from './bus.js';

const GROUP = 'remote-sessions';
const EVENT_TYPES = new Set([
  'open',
  'header',
  'output',
  'permission',
  'withdrawn',
  'working',
  'idle',
  'metadata',
  'error',
  'exit',
]);

interface Connection {
  readonly socket: WebSocket;
  /** The run's session id → whether it ended. */
  readonly sessions: Map<string, boolean>;
}

/** The `run`s that joined. */
export class RemoteSessions {
  readonly #bus: SessionBus;
  readonly #logger: Logger;
  /** bus session id (`<connection>.<run's id>`) → connection. */
  readonly #owners = new Map<string, { connection: Connection; session: string }>();
  #stopConsuming: (() => void) | undefined;

  constructor(options: { bus: SessionBus; logger?: Logger }) {
    this.#bus = options.bus;
    this.#logger = options.logger ?? silentLogger;
  }

  start(): void {
    this.#stopConsuming = this.#bus.consume('commands', GROUP, async (message) => {
      const { key, command } = message.payload;
      const owner = key.source === 'remote' ? this.#owners.get(key.id) : undefined;
      if (owner && owner.connection.socket.readyState === owner.connection.socket.OPEN) {
        owner.connection.socket.send(JSON.stringify({ type: 'command', session: owner.session, command }));
      }
      await this.#bus.ack('commands', GROUP, message.id);
    });
  }

  stop(): void {
    this.#stopConsuming?.();
  }

  /** Serve one joined `run`. */
  connect(socket: WebSocket): void {
    const prefix = randomUUID().slice(0, 8);
    const connection: Connection = { socket, sessions: new Map() };
    const keyOf = (session: string): SessionKey => ({ source: 'remote', id: `${prefix}.${session}` });
    socket.on('message', (data) => {
      const frame = parseFrame(String(data));
      if (!frame) {
        this.#logger.warn({}, 'a joined run sent a malformed frame; ignored');
        return;
      }
      const key = keyOf(frame.session);
      if (frame.event.type === 'open') {
        connection.sessions.set(frame.session, false);
        this.#owners.set(key.id, { connection, session: frame.session });
      }
      if (!connection.sessions.has(frame.session)) return;
      if (frame.event.type === 'exit') connection.sessions.set(frame.session, true);
      void this.#bus.publish('events', { key, event: frame.event });
    });
    socket.on('close', () => {
      for (const [session, ended] of connection.sessions) {
        const key = keyOf(session);
        this.#owners.delete(key.id);
        if (!ended)
          void this.#bus.publish('events', {
            key,
            event: { type: 'exit', exitCode: null, reason: 'the agent-tether run process went away' },
          });
      }
    });
    socket.send(JSON.stringify({ type: 'welcome' }));
  }
}

function parseFrame(text: string): { session: string; event: SessionEvent } | undefined {
  let frame: { type?: unknown; session?: unknown; event?: { type?: unknown } };
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    return undefined;
  }
  if (frame.type !== 'event' || typeof frame.session !== 'string' || !/^[\w.-]{1,100}$/.test(frame.session))
    return undefined;
  if (typeof frame.event?.type !== 'string' || !EVENT_TYPES.has(frame.event.type)) return undefined;
  return { session: frame.session, event: frame.event as SessionEvent };
}
