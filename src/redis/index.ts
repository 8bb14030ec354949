/**
 * `agent-tether/redis`: several hosts, one bot. A {@link RedisStore} shared by every host, a Redis Streams
 * event bus and a lease per platform connection. Needs the optional peer dependency `ioredis`
 * (`npm install ioredis`); nothing here is loaded by `agent-tether` itself.
 * @module
 */
export { type FenceToken, RedisStore, type RedisStoreOptions } from './store.js';
