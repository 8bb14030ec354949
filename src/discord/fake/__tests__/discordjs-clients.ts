/**
 * Test support: the real discord.js REST and WebSocketManager wired to a {@link FakeDiscordServer}.
 * Each bot keeps its own session store (the library's default store is shared process-wide) and identifies
 * without the library's 5 s identify spacing, so tests stay fast.
 * @module
 */

import { REST } from '@discordjs/rest';
import { type SessionInfo, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import type { FakeDiscordServer } from '../server.js';

/** A connected bot as a test drives it. */
export interface TestBot {
  rest: REST;
  manager: WebSocketManager;
  /** Every dispatch received, in order (READY, GUILD_CREATE, MESSAGE_CREATE...). */
  dispatches: GatewayDispatchPayload[];
  /** Heartbeat acknowledgements seen by the client. */
  acks: number;
  /** Errors the manager emitted. */
  errors: unknown[];
  destroy(): Promise<void>;
}

/** Intent bits used in tests. */
export const Intents = { Guilds: 1, GuildMessages: 1 << 9, MessageContent: 1 << 15 } as const;

/** A REST client pointed at the fake. */
export function restFor(fake: FakeDiscordServer, token = fake.token): REST {
  return new REST({ api: fake.apiUrl, offset: 0 }).setToken(token);
}

/** Connects a real WebSocketManager (awaits the first READY). */
export async function connectBot(
  fake: FakeDiscordServer,
  intents = Intents.Guilds | Intents.GuildMessages | Intents.MessageContent,
): Promise<TestBot> {
  const rest = restFor(fake);
  const sessions = new Map<number, SessionInfo>();
  const manager = new WebSocketManager({
    token: fake.token,
    intents,
    rest,
    buildIdentifyThrottler: async () => ({ waitForIdentify: async () => undefined }),
    retrieveSessionInfo: (shardId) => sessions.get(shardId) ?? null,
    updateSessionInfo: (shardId, info) => {
      if (info) sessions.set(shardId, info);
      else sessions.delete(shardId);
    },
  });
  const bot: TestBot = {
    rest,
    manager,
    dispatches: [],
    acks: 0,
    errors: [],
    destroy: async () => {
      await manager.destroy();
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
  manager.on(WebSocketShardEvents.Dispatch, (payload) => bot.dispatches.push(payload));
  manager.on(WebSocketShardEvents.HeartbeatComplete, () => {
    bot.acks++;
  });
  manager.on(WebSocketShardEvents.Error, (error) => bot.errors.push(error));
  await manager.connect();
  return bot;
}

/** The dispatches of one type. */
export function dispatchesOf<T extends GatewayDispatchPayload['t']>(
  bot: TestBot,
  type: T,
): Extract<GatewayDispatchPayload, { t: T }>[] {
  return bot.dispatches.filter(
    (payload): payload is Extract<GatewayDispatchPayload, { t: T }> => payload.t === type,
  );
}
