/**
 * agent-tether — supervise AI coding agents from chat. This entry point exports the platform-neutral
 * core only and loads no platform SDK; platforms live under `agent-tether/telegram`, `/slack`, `/discord`, `/web`.
 * @module
 */
export * from './core/errors.js';
export type * from './core/store/types.js';
export * from './core/types.js';
