/**
 * `agent-tether/redis`: several hosts, one bot. A {@link RedisStore} shared by every host, a Redis Streams
 * event bus and a lease per platform connection. Needs the optional peer dependency `ioredis`
 * (`npm install ioredis`); nothing here is loaded by `agent-tether` itself.
 * @module
 */

export {
  type ConsumeOptions,
  RedisStreamBus,
  type RedisStreamBusOptions,
  type StreamHandler,
  type StreamMessage,
} from './bus.js';
export { type ClusterStatus, type HostBeat, RedisHostBeacon, readClusterStatus } from './hosts.js';
export { type LeaseEvents, type LeaseHolder, RedisLease, type RedisLeaseOptions } from './lease.js';
export { RedisSessionBus, type RedisSessionBusOptions } from './session-bus.js';
export { type FenceToken, REDIS_STORE_DEFAULTS, RedisStore, type RedisStoreOptions } from './store.js';
