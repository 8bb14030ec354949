/**
 * The Socket Mode side of the fake: WebSocket connections opened with a ticket from apps.connections.open,
 * `hello`, envelope delivery with acks and timed redelivery, `disconnect` messages, pings.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { FaultQueue } from '../../testing/kit/fault-queue.js';
import type { FakeWebSocketRoute } from '../../testing/kit/http-server.js';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import type {
  FakeDisconnectReason,
  FakeEnvelopeRecord,
  FakeEnvelopeState,
  FakeEnvelopeType,
  FakeSlackFault,
} from './types.js';

/** The path Socket Mode clients connect to. */
export const SOCKET_PATH = '/socket';

/** Settings of the Socket Mode hub (already defaulted by the server). */
export interface SocketModeHubOptions {
  readonly clock: ScaledClock;
  readonly appId: string;
  readonly faults: FaultQueue<FakeSlackFault>;
  readonly ackTimeoutMs: number;
  readonly maxRetries: number;
  readonly disconnectGraceMs: number;
  readonly serverPingIntervalMs: number;
  readonly maxConnections: number;
  /** Called once per envelope when its ack is accepted. */
  readonly onAck: (record: FakeEnvelopeRecord) => void;
}

interface Connection {
  readonly socket: WebSocket;
  readonly host: string;
  /** Slack stops routing envelopes to a connection it asked to go away. */
  draining: boolean;
  readonly stopPing: () => void;
}

interface Envelope {
  readonly envelopeId: string;
  readonly type: FakeEnvelopeType;
  readonly payload: unknown;
  readonly acceptsResponsePayload: boolean;
  retryAttempt: number;
  retryReason: string;
  state: FakeEnvelopeState;
  deliveries: number;
  ackPayload?: unknown;
  cancelTimer?: () => void;
}

function snapshot(envelope: Envelope): FakeEnvelopeRecord {
  return {
    envelopeId: envelope.envelopeId,
    type: envelope.type,
    payload: envelope.payload,
    acceptsResponsePayload: envelope.acceptsResponsePayload,
    retryAttempt: envelope.retryAttempt,
    retryReason: envelope.retryReason,
    state: envelope.state,
    deliveries: envelope.deliveries,
    ...(envelope.ackPayload !== undefined ? { ackPayload: envelope.ackPayload } : {}),
  };
}

/** Socket Mode connections and the envelope delivery log. */
export class SocketModeHub {
  readonly #options: SocketModeHubOptions;
  readonly #tickets = new Set<string>();
  readonly #connections: Connection[] = [];
  readonly #envelopes: Envelope[] = [];
  #opened = 0;

  constructor(options: SocketModeHubOptions) {
    this.#options = options;
  }

  /** A single-use ticket for the `ws://…/socket?ticket=` URL apps.connections.open returns. */
  openTicket(): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return ticket;
  }

  /** How many connections are open (draining ones included). */
  get connectionCount(): number {
    return this.#connections.length;
  }

  /** The kit's WebSocket route for {@link SOCKET_PATH}: unknown or reused tickets are refused with 401. */
  readonly route: FakeWebSocketRoute = {
    matches: (url) => url.pathname === SOCKET_PATH,
    refuse: (url) =>
      this.#tickets.delete(url.searchParams.get('ticket') ?? '') ? undefined : { status: 401 },
    onConnection: (socket) => this.#accept(socket),
  };

  /** Queues an envelope and sends it on the newest live connection (or the next one to open). */
  deliver(type: FakeEnvelopeType, payload: unknown, acceptsResponsePayload: boolean): string {
    const envelope: Envelope = {
      envelopeId: randomUUID(),
      type,
      payload,
      acceptsResponsePayload,
      retryAttempt: 0,
      retryReason: '',
      state: 'queued',
      deliveries: 0,
    };
    this.#envelopes.push(envelope);
    this.#send(envelope);
    return envelope.envelopeId;
  }

  /** The delivery log, oldest first. */
  envelopes(): FakeEnvelopeRecord[] {
    return this.#envelopes.map(snapshot);
  }

  /**
   * Sends `{ type: 'disconnect', reason }` on every open connection. Every reason but `warning` stops new
   * envelopes going to those connections and closes them after the grace period.
   */
  disconnect(reason: FakeDisconnectReason): void {
    for (const connection of [...this.#connections]) this.#disconnect(connection, reason);
  }

  /** Closes every connection at once, with no close frame (a network failure). */
  drop(): void {
    for (const connection of [...this.#connections]) connection.socket.terminate();
  }

  /** Closes everything; pending redeliveries are abandoned. */
  close(): void {
    for (const envelope of this.#envelopes) envelope.cancelTimer?.();
    this.drop();
  }

  #accept(socket: WebSocket): void {
    this.#opened += 1;
    const host = `applink-fake-${this.#opened}`;
    const { serverPingIntervalMs } = this.#options;
    const stopPing =
      serverPingIntervalMs > 0
        ? this.#options.clock.every(serverPingIntervalMs, () => socket.ping(`ping-${Date.now()}`))
        : () => undefined;
    const connection: Connection = { socket, host, draining: false, stopPing };
    socket.on('close', () => {
      stopPing();
      const index = this.#connections.indexOf(connection);
      if (index >= 0) this.#connections.splice(index, 1);
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.#onClientMessage(data);
    });
    const live = this.#connections.filter((c) => !c.draining).length;
    this.#connections.push(connection);
    if (live >= this.#options.maxConnections) {
      this.#disconnect(connection, 'too_many_websockets');
      return;
    }
    this.#write(connection, {
      type: 'hello',
      num_connections: live + 1,
      debug_info: { host, build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: this.#options.appId },
    });
    for (const envelope of this.#envelopes) {
      if (envelope.state === 'queued') this.#send(envelope);
    }
  }

  #disconnect(connection: Connection, reason: FakeDisconnectReason): void {
    this.#write(connection, { type: 'disconnect', reason, debug_info: { host: connection.host } });
    if (reason === 'warning') return;
    connection.draining = true;
    this.#options.clock.after(this.#options.disconnectGraceMs, () => connection.socket.close(1000));
  }

  #write(connection: Connection, message: unknown): boolean {
    if (connection.socket.readyState !== connection.socket.OPEN) return false;
    connection.socket.send(JSON.stringify(message));
    return true;
  }

  #send(envelope: Envelope): void {
    const live = this.#connections.filter((c) => !c.draining && c.socket.readyState === c.socket.OPEN);
    const connection = live.at(-1);
    if (!connection) {
      envelope.state = 'queued';
      return;
    }
    this.#write(connection, {
      envelope_id: envelope.envelopeId,
      type: envelope.type,
      payload: envelope.payload,
      accepts_response_payload: envelope.acceptsResponsePayload,
      retry_attempt: envelope.retryAttempt,
      retry_reason: envelope.retryReason,
    });
    envelope.deliveries += 1;
    envelope.state = 'sent';
    envelope.cancelTimer?.();
    envelope.cancelTimer = this.#options.clock.after(this.#options.ackTimeoutMs, () =>
      this.#onAckTimeout(envelope),
    );
  }

  #onAckTimeout(envelope: Envelope): void {
    if (envelope.state !== 'sent') return;
    if (envelope.retryAttempt >= this.#options.maxRetries) {
      envelope.state = 'expired';
      return;
    }
    envelope.retryAttempt += 1;
    envelope.retryReason = 'timeout';
    this.#send(envelope);
  }

  #onClientMessage(data: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || !('envelope_id' in message)) return;
    const envelope = this.#envelopes.find((e) => e.envelopeId === message.envelope_id);
    if (envelope?.state !== 'sent') return;
    // A slowAck fault makes this ack arrive "after the timeout": Slack ignores it and redelivers.
    if (this.#options.faults.take((f) => f.kind === 'slowAck')) return;
    envelope.cancelTimer?.();
    envelope.state = 'acked';
    if ('payload' in message && message.payload !== undefined) envelope.ackPayload = message.payload;
    this.#options.onAck(snapshot(envelope));
  }
}
