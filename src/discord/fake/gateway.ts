/**
 * The fake Discord Gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME with replay of missed
 * dispatches, RECONNECT, INVALID_SESSION, and socket drops. Plain JSON text frames (`encoding=json`, no
 * `compress`), one session per IDENTIFY, each with its own sequence numbers and intents.
 * @module
 */

import type { ApplicationFlags, GatewayReadyDispatchData } from 'discord-api-types/v10';
import type { RawData, WebSocket } from 'ws';
import type { FakeWebSocketRoute } from '../../testing/kit/http-server.js';
import type { FakeDiscordModel } from './model.js';
import { apiUser, guildCreate } from './payloads.js';

/** Intent bits the fake checks. */
export const Intent = {
  Guilds: 1 << 0,
  GuildMessages: 1 << 9,
  MessageContent: 1 << 15,
} as const;

/** A dispatch as sent on the wire. */
interface DispatchFrame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** One gateway session (created by IDENTIFY, survives socket drops until invalidated). */
export interface GatewaySession {
  readonly id: string;
  readonly intents: number;
  seq: number;
  readonly log: DispatchFrame[];
  socket: WebSocket | undefined;
}

/** Per-socket state. */
interface Connection {
  session: GatewaySession | undefined;
}

/** Settings of {@link FakeGateway}. */
export interface FakeGatewayOptions {
  token: string;
  applicationId: string;
  heartbeatIntervalMs: number;
  model: FakeDiscordModel;
  /** The `ws://` base URL of this server (no path). */
  baseUrl: () => string;
  /** Called after every state change, so waiters re-check. */
  onChange: () => void;
}

/** Close codes of Discord's gateway the fake uses. */
const Close = {
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
} as const;

/** Keeps at most this many dispatches per session for RESUME. */
const REPLAY_LIMIT = 2000;

/** Paths the gateway answers on. */
export const GATEWAY_PATH = '/gateway';
/** The path given as `resume_gateway_url`, so tests can see the client used it. */
export const RESUME_PATH = '/gateway-resume';

/** The gateway half of the fake. */
export class FakeGateway {
  readonly #sessions = new Map<string, GatewaySession>();
  readonly #connections = new Map<WebSocket, Connection>();
  readonly #options: FakeGatewayOptions;
  /** IDENTIFY payloads accepted, with their intents. */
  readonly identifies: { intents: number; sessionId: string }[] = [];
  /** RESUME payloads accepted. */
  readonly resumes: { sessionId: string; seq: number; replayed: number; path: string }[] = [];
  /** Heartbeats received. */
  heartbeats = 0;
  /** Upgrade requests refused, with the reason (e.g. compression asked for). */
  readonly refusals: string[] = [];

  constructor(options: FakeGatewayOptions) {
    this.#options = options;
  }

  /** The kit's WebSocket route for the gateway and resume paths; unsupported encodings are refused with 400. */
  readonly route: FakeWebSocketRoute = {
    matches: (url) => url.pathname === GATEWAY_PATH || url.pathname === RESUME_PATH,
    refuse: (url) => {
      const refusal = this.#refusal(url.searchParams);
      if (!refusal) return undefined;
      this.refusals.push(refusal);
      this.#options.onChange();
      return { status: 400, text: refusal };
    },
    onConnection: (ws, url) => this.#accept(ws, url.searchParams, url.pathname),
  };

  #refusal(params: URLSearchParams): string | undefined {
    if (params.has('compress')) {
      return `compress=${params.get('compress')} is not supported by the fake gateway: connect with plain JSON`;
    }
    const encoding = params.get('encoding') ?? 'json';
    if (encoding !== 'json')
      return `encoding=${encoding} is not supported by the fake gateway: use encoding=json`;
    return undefined;
  }

  #accept(ws: WebSocket, params: URLSearchParams, path: string): void {
    const connection: Connection = { session: undefined };
    this.#connections.set(ws, connection);
    ws.on('message', (data: RawData, isBinary: boolean) =>
      this.#onMessage(ws, connection, data, isBinary, path),
    );
    ws.on('close', (code: number) => this.#onClose(ws, connection, code));
    ws.on('error', () => undefined);
    const version = params.get('v');
    if (version !== null && version !== '10') {
      ws.close(Close.InvalidApiVersion, 'Invalid API version');
      return;
    }
    this.#send(ws, { op: 10, d: { heartbeat_interval: this.#options.heartbeatIntervalMs } });
  }

  #send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  #onMessage(ws: WebSocket, connection: Connection, data: RawData, isBinary: boolean, path: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary frames are not JSON');
      payload = JSON.parse(data.toString()) as { op?: unknown; d?: unknown };
    } catch {
      ws.close(Close.DecodeError, 'Error while decoding payload.');
      return;
    }
    const d = (typeof payload.d === 'object' && payload.d !== null ? payload.d : {}) as Record<
      string,
      unknown
    >;
    switch (payload.op) {
      case 1:
        this.heartbeats++;
        this.#send(ws, { op: 11 });
        break;
      case 2:
        this.#identify(ws, connection, d);
        break;
      case 6:
        this.#resume(ws, connection, d, path);
        break;
      case 3:
      case 4:
      case 8:
        if (!connection.session) ws.close(Close.NotAuthenticated, 'Not authenticated.');
        break;
      default:
        ws.close(4001, 'Unknown opcode.');
    }
    this.#options.onChange();
  }

  #identify(ws: WebSocket, connection: Connection, d: Record<string, unknown>): void {
    if (connection.session) {
      ws.close(Close.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (d.token !== this.#options.token) {
      ws.close(Close.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) {
      ws.close(Close.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    const model = this.#options.model;
    const session: GatewaySession = { id: model.ids.next(), intents: d.intents, seq: 0, log: [], socket: ws };
    this.#sessions.set(session.id, session);
    connection.session = session;
    this.identifies.push({ intents: session.intents, sessionId: session.id });
    const shard = Array.isArray(d.shard) && d.shard.length === 2 ? (d.shard as [number, number]) : undefined;
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...apiUser(model.bot), verified: true, mfa_enabled: false },
      guilds: [{ id: model.guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: `${this.#options.baseUrl()}${RESUME_PATH}`,
      application: { id: this.#options.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
      ...(shard ? { shard } : {}),
    };
    this.#push(session, 'READY', ready);
    if (session.intents & Intent.Guilds) {
      this.#push(session, 'GUILD_CREATE', guildCreate(model, new Date().toISOString()));
    }
  }

  #resume(ws: WebSocket, connection: Connection, d: Record<string, unknown>, path: string): void {
    if (d.token !== this.#options.token) {
      ws.close(Close.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = typeof d.session_id === 'string' ? this.#sessions.get(d.session_id) : undefined;
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    const oldest = session?.log[0]?.s ?? 1;
    if (!session || seq < 0 || seq > session.seq || seq < oldest - 1) {
      this.#send(ws, { op: 9, d: false });
      return;
    }
    if (session.socket && session.socket !== ws) {
      this.#connections.delete(session.socket);
      session.socket.terminate();
    }
    session.socket = ws;
    connection.session = session;
    const missed = session.log.filter((frame) => frame.s > seq);
    for (const frame of missed) this.#send(ws, frame);
    this.resumes.push({ sessionId: session.id, seq, replayed: missed.length, path });
    this.#push(session, 'RESUMED', null);
  }

  #onClose(ws: WebSocket, connection: Connection, code: number): void {
    this.#connections.delete(ws);
    const session = connection.session;
    if (session?.socket === ws) {
      session.socket = undefined;
      // A client that closes with 1000/1001 ends its session, as on Discord.
      if (code === 1000 || code === 1001) this.#sessions.delete(session.id);
    }
    this.#options.onChange();
  }

  /** Appends a dispatch to a session and sends it if the session has a socket. */
  #push(session: GatewaySession, t: string, d: unknown): void {
    session.seq++;
    const frame: DispatchFrame = { op: 0, t, s: session.seq, d };
    session.log.push(frame);
    if (session.log.length > REPLAY_LIMIT) session.log.shift();
    if (session.socket) this.#send(session.socket, frame);
  }

  /**
   * Sends a dispatch to every session whose intents include `intent` (0 = always).
   * @param build - the `d` for one session; `undefined` skips that session
   */
  dispatch(t: string, intent: number, build: (session: GatewaySession) => unknown): void {
    for (const session of this.#sessions.values()) {
      if (intent !== 0 && (session.intents & intent) === 0) continue;
      const d = build(session);
      if (d !== undefined) this.#push(session, t, d);
    }
    this.#options.onChange();
  }

  /** Sessions with a live socket. */
  get connectedSessions(): GatewaySession[] {
    return [...this.#sessions.values()].filter((session) => session.socket !== undefined);
  }

  /** Sends op 7 RECONNECT on every socket. */
  requestReconnect(): void {
    for (const ws of this.#connections.keys()) this.#send(ws, { op: 7, d: null });
  }

  /** Sends op 1 HEARTBEAT (the server asks for one now) on every socket. */
  requestHeartbeat(): void {
    for (const [ws, connection] of this.#connections)
      this.#send(ws, { op: 1, d: connection.session?.seq ?? null });
  }

  /** Sends op 9 INVALID_SESSION; when not resumable, the sessions are forgotten. */
  invalidateSession(resumable: boolean): void {
    for (const [ws, connection] of this.#connections) {
      if (!resumable && connection.session) this.#sessions.delete(connection.session.id);
      this.#send(ws, { op: 9, d: resumable });
    }
  }

  /**
   * Drops every socket without a close frame (the client sees 1006), or with `code` when given.
   * Sessions stay resumable and keep collecting dispatches.
   */
  dropSockets(code?: number): void {
    for (const ws of [...this.#connections.keys()]) {
      if (code === undefined) ws.terminate();
      else ws.close(code, 'Dropped by the fake');
    }
  }

  /** Closes every socket (the kit's server closes the WebSocket server). */
  close(): void {
    for (const ws of this.#connections.keys()) ws.terminate();
    this.#connections.clear();
    this.#sessions.clear();
  }
}
