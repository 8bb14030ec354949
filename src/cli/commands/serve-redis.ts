/**
 * `serve --redis URL --host-name NAME`: what one host of several sharing one bot needs. The platform connections
 * and the hub run under a lease (one holder at a time); the shared store is fenced by that lease; session events
 * and commands travel on Redis Streams; this host's own session sources keep their offsets in its local store.
 * @module
 */
import type { BridgeOptions } from '../../core/bridge-options.js';
import { SqliteStore } from '../../core/store/sqlite.js';
import type { Store } from '../../core/store/types.js';
import type { Logger } from '../../core/types.js';
import type { SessionBus } from '../../serve/bus.js';
import type { HostDirectory } from '../../serve/host-starts.js';
import type { PlatformHolder } from '../../serve/serve.js';

/** The pieces `startServe` takes when several hosts share one bot. */
export interface MultiHostServe {
  /** The shared, fenced store (bridges and hub). */
  readonly store: Store;
  /** This host's own store (its session sources). */
  readonly sourceStore: Store;
  readonly bus: SessionBus;
  readonly holder: PlatformHolder;
  /** The hosts sharing the bot (for `/new <host>:<project>`). */
  readonly hosts: HostDirectory;
  /** Bridge options that make a takeover handle nothing twice. */
  readonly bridgeOptions: Omit<BridgeOptions, 'logger' | 'store' | 'dataDir'> & {
    rememberHandledUpdates: true;
    rememberHandledEnvelopes: true;
    rememberGatewaySession: true;
  };
  close(): Promise<void>;
}

/**
 * Connect this host to the others through Redis.
 * @throws ConfigError when ioredis is not installed; TetherError `STORE` when Redis cannot be reached.
 */
export async function connectMultiHost(options: {
  url: string;
  host: string;
  dataDir: string;
  logger: Logger;
  /** The config's project names and the runners: other hosts' `/new <host>:<project>` checks them. */
  projects: readonly string[];
  runners: readonly string[];
}): Promise<MultiHostServe> {
  const { RedisHostBeacon, RedisLease, RedisSessionBus, RedisStore } = await import('../../redis/index.js');
  const { url, host, logger } = options;
  const lease = await RedisLease.connect({ url, name: 'platforms', host, logger });
  const store = await RedisStore.connect({ url, fence: () => lease.fence() });
  const bus = await RedisSessionBus.connect({ url, host });
  const sourceStore = SqliteStore.open(options.dataDir);
  // `agent-tether status` and `doctor` list the hosts from these heartbeats.
  const beacon = await RedisHostBeacon.start({
    url,
    host,
    projects: options.projects,
    runners: options.runners,
  });
  return {
    store,
    sourceStore,
    bus,
    holder: lease,
    hosts: beacon,
    bridgeOptions: {
      rememberHandledUpdates: true,
      rememberHandledEnvelopes: true,
      rememberGatewaySession: true,
      endOrphanedRequests: false,
    },
    async close() {
      await beacon.close();
      await lease.close();
      await bus.close();
      store.close();
      sourceStore.close();
    },
  };
}
