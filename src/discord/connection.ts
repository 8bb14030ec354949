/**
 * The Discord connection: `@discordjs/rest` for the API, `@discordjs/ws` for the Gateway (JSON, no
 * compression, so no zlib-sync), and `@discordjs/core`'s Client to receive typed dispatches. Sessions are
 * kept per connection (the library's default store is process-wide) so RESUME works after a socket drop,
 * and the first connect fails fast with a clear error when Discord refuses the token or the intents.
 * @module
 */
import { API, Client, GatewayIntentBits } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import {
  Encoding,
  type IIdentifyThrottler,
  type SessionInfo,
  WebSocketManager,
  WebSocketShardEvents,
} from '@discordjs/ws';
import type { APIGatewayBotInfo, APIUser } from 'discord-api-types/v10';
import { ConfigError, TetherError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import { BAD_TOKEN_MESSAGE, MESSAGE_CONTENT_FIX, toTetherError } from './errors.js';

/** The intents the bridge asks for: guilds, guild messages and their content. */
export const DISCORD_INTENTS =
  GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

/** How long the first connect may take before it fails. */
const CONNECT_TIMEOUT_MS = 30_000;

/** Gateway close codes after which reconnecting cannot help, with the fix to print. */
const FATAL_CLOSE_CODES: Readonly<Record<number, string>> = {
  4004: BAD_TOKEN_MESSAGE,
  4010: 'Discord refused the shard: the bridge runs one shard; check for another process using this token.',
  4011: 'Discord requires sharding for this bot: it is in too many servers for agent-tether.',
  4012: 'Discord refused the gateway API version: update @discordjs/ws.',
  4013: 'Discord refused the gateway intents as invalid.',
  4014: `Discord refused the Message Content intent: ${MESSAGE_CONTENT_FIX}.`,
};

/** Options of {@link openDiscordConnection}. */
export interface DiscordConnectionOptions {
  readonly token: string;
  /** REST base URL, e.g. a fake's `http://127.0.0.1:PORT/api`. @defaultValue Discord's */
  readonly api?: string;
  /** Gateway URL to use instead of the one `GET /gateway/bot` returns. */
  readonly gatewayUrl?: string;
  /** Identify without Discord's 5 s spacing (only for a local fake). */
  readonly fastIdentify?: boolean;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /**
   * Where the gateway session (id, sequence, resume URL) is kept between connections. Kept somewhere shared, it
   * lets another process RESUME this one's session: Discord then replays what was dispatched since.
   * @defaultValue in this connection's memory
   */
  readonly sessionInfo?: GatewaySessionKeeper;
  /** Called with the client before the gateway connects (attach dispatch listeners here). */
  readonly beforeConnect?: (client: Client) => void;
}

/** Keeps the gateway session of each shard (see {@link DiscordConnectionOptions.sessionInfo}). */
export interface GatewaySessionKeeper {
  retrieve(shardId: number): SessionInfo | null;
  update(shardId: number, info: SessionInfo | null): void;
}

/** A live connection. */
export interface DiscordConnection {
  readonly rest: REST;
  readonly api: API;
  readonly client: Client;
  readonly manager: WebSocketManager;
  /** The bot's own user, from `GET users/@me`. */
  readonly me: APIUser;
  /** Closes the gateway and stops REST's timers. */
  close(): Promise<void>;
}

/** A manager that connects to a pinned gateway URL (a self-hosted or fake gateway). */
class PinnedGatewayManager extends WebSocketManager {
  readonly #url: string;

  constructor(url: string, options: ConstructorParameters<typeof WebSocketManager>[0]) {
    super(options);
    this.#url = url;
  }

  override async fetchGatewayInformation(force?: boolean): Promise<APIGatewayBotInfo> {
    return { ...(await super.fetchGatewayInformation(force)), url: this.#url };
  }
}

const noWaitThrottler: IIdentifyThrottler = { waitForIdentify: async () => undefined };

/**
 * Checks the token with `GET users/@me`, then connects the gateway and waits for READY.
 * @throws ConfigError when the token or the intents are refused (the message says how to fix it).
 */
export async function openDiscordConnection(options: DiscordConnectionOptions): Promise<DiscordConnection> {
  const rest = new REST({
    version: '10',
    ...(options.api !== undefined ? { api: options.api } : {}),
    // Waits longer than this are handed to the outbox (RateLimitedError), which schedules around them.
    rejectOnRateLimit: (limit) => limit.retryAfter > 10_000,
  }).setToken(options.token);
  const clearRest = () => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  };
  const api = new API(rest);
  let me: APIUser;
  try {
    me = await api.users.getCurrent({ signal: options.signal });
  } catch (error) {
    clearRest();
    throw toTetherError(error, 'GET users/@me');
  }

  const sessions = new Map<number, SessionInfo>();
  const keeper: GatewaySessionKeeper = options.sessionInfo ?? {
    retrieve: (shardId) => sessions.get(shardId) ?? null,
    update: (shardId, info) => {
      if (info) sessions.set(shardId, info);
      else sessions.delete(shardId);
    },
  };
  const managerOptions: ConstructorParameters<typeof WebSocketManager>[0] = {
    token: options.token,
    intents: DISCORD_INTENTS,
    rest,
    compression: null,
    encoding: Encoding.JSON,
    retrieveSessionInfo: (shardId) => keeper.retrieve(shardId),
    updateSessionInfo: (shardId, info) => keeper.update(shardId, info),
    ...(options.fastIdentify ? { buildIdentifyThrottler: () => noWaitThrottler } : {}),
  };
  const manager =
    options.gatewayUrl !== undefined
      ? new PinnedGatewayManager(options.gatewayUrl, managerOptions)
      : new WebSocketManager(managerOptions);
  const client = new Client({ rest, gateway: manager });
  options.beforeConnect?.(client);
  manager.on(WebSocketShardEvents.Error, (error) =>
    options.logger.warn({ err: error.message }, 'discord gateway error'),
  );

  const close = async () => {
    await Promise.resolve()
      .then(() => manager.destroy({ code: 1000, reason: 'agent-tether stopping' }))
      .catch(() => undefined);
    clearRest();
  };
  try {
    await connectOrFail(manager, options.signal);
  } catch (error) {
    await close();
    throw error;
  }
  return { rest, api, client, manager, me, close };
}

/** `manager.connect()`, failing instead of hanging when the gateway closes for good, aborts or times out. */
async function connectOrFail(manager: WebSocketManager, signal: AbortSignal): Promise<void> {
  let onClosed: ((code: number) => void) | undefined;
  let onAbort: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failure = new Promise<never>((_, reject) => {
    onClosed = (code) => {
      const fix = FATAL_CLOSE_CODES[code];
      if (fix) reject(code === 4004 ? new ConfigError(fix) : new ConfigError(`${fix} (close code ${code})`));
    };
    onAbort = () => reject(new TetherError('ABORTED', 'discord: start() was aborted by stop()'));
    timer = setTimeout(
      () =>
        reject(
          new TetherError(
            'NETWORK',
            `discord: the gateway did not send READY within ${CONNECT_TIMEOUT_MS} ms`,
          ),
        ),
      CONNECT_TIMEOUT_MS,
    );
    manager.on(WebSocketShardEvents.Closed, onClosed);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([
      manager.connect().catch((error: unknown) => {
        throw toTetherError(error, 'gateway connect');
      }),
      failure,
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onClosed) manager.off(WebSocketShardEvents.Closed, onClosed);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
