/**
 * `agent-tether/discord`: supervise agents from a Discord server.
 * @module
 */
export { createDiscordBridge, DiscordBridge, type DiscordBridgeConfig } from './bridge.js';
export { discordActionRows } from './cards.js';
export { DISCORD_INTENTS } from './connection.js';
export { BAD_TOKEN_MESSAGE, MESSAGE_CONTENT_FIX } from './errors.js';
export { CONTROL_CHANNEL_KEY } from './pairing-commands.js';
export { DISCORD_MESSAGE_LIMIT } from './transport.js';
