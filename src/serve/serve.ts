/**
 * `startServe()`: the daemon behind `agent-tether serve`. It composes what the library already has — a
 * {@link BridgeRouter} holding each platform connection once, the store, the one {@link SessionSubscriber}
 * (inside the {@link SessionHub}) — with the session sources (terminal Claude Code through hooks, `run`s that
 * joined, runners started from the phone) and the {@link ControlEndpoint} on 127.0.0.1.
 * @module
 */
import type { Bridge } from '../core/bridge.js';
import { prepareDataDir } from '../core/store/data-dir.js';
import type { Store } from '../core/store/types.js';
import type { Logger, ThreadId } from '../core/types.js';
import { silentLogger } from '../core/types.js';
import { BridgeRouter, type RouterEscalation } from '../router.js';
import type { RunnerRegistry } from '../runner/registry.js';
import { MemorySessionBus, type SessionBus } from './bus.js';
import { defaultClaudeDir, goneClaudeSessions } from './claude-liveness.js';
import { ControlEndpoint } from './control-endpoint.js';
import { acquireLock, loadOrCreateSecret } from './daemon-files.js';
import { HookSessions } from './hook-source.js';
import { type HostDirectory, HostStarts } from './host-starts.js';
import { SessionHub } from './hub.js';
import { registerPhoneCommands } from './phone-commands.js';
import { RemoteSessions } from './remote-sessions.js';
import { RunnerSessions } from './runner-sessions.js';

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** Where people watch; each is started once and shared by every session. */
  readonly bridges: readonly Bridge[];
  /** The durable store for sessions and transcript offsets (the chat bridges should share it). */
  readonly store: Store;
  /** The data directory: lock, control secret. */
  readonly dataDir: string;
  /** Control endpoint port on 127.0.0.1. @defaultValue 0 (a free one) */
  readonly port?: number;
  /** Runners `/new` may start. */
  readonly registry: RunnerRegistry;
  /** Project name → directory, for `/new`. @defaultValue {} */
  readonly projects?: Readonly<Record<string, string>>;
  /** The runner `/new` uses by default. @defaultValue 'claude' */
  readonly defaultRunner?: string;
  /** The bus. @defaultValue an in-process {@link MemorySessionBus} */
  readonly bus?: SessionBus;
  /** Time a person has to answer. @defaultValue the bridges' own */
  readonly approvalTimeoutMs?: number;
  /** Platforms asked only once a request has waited, and people called by name then. @defaultValue none */
  readonly escalation?: RouterEscalation;
  /** A link to a thread for `/sessions`. */
  readonly threadLink?: (platform: string, threadId: ThreadId) => string | undefined;
  readonly logger?: Logger;
  /**
   * Several hosts, one bot (`serve --redis`): the platform connections and the hub run only while this host holds
   * the lease; the session sources and the control endpoint run on every host. @defaultValue always held
   */
  readonly holder?: PlatformHolder;
  /**
   * Several hosts: who shares the bot (a `RedisHostBeacon`), so `/new <host>:<project>` starts a session on
   * another host (which resolves the project in its own config). @defaultValue this host alone
   */
  readonly hosts?: HostDirectory;
  /** The store of this host's own session sources (transcript offsets). @defaultValue `store` */
  readonly sourceStore?: Store;
  /**
   * Claude Code's config directory, whose `sessions/` lists the running Claude Code processes: restored terminal
   * sessions none of them names are ended after a restart. @defaultValue `$CLAUDE_CONFIG_DIR` or `~/.claude`
   */
  readonly claudeDir?: string;
  /**
   * How often, and after how long without a hook, a terminal session's Claude Code process is looked for in
   * `claudeDir`; a session whose process is gone (its terminal closed: no `SessionEnd`) is ended. @defaultValue 60000
   */
  readonly hookLivenessMs?: number;
}

/** Who holds the platform connections among several hosts (a `RedisLease`). */
export interface PlatformHolder {
  /** Report each time this host starts or stops holding them. */
  hold(events: { onAcquired(): void | Promise<void>; onLost(): void | Promise<void> }): void;
  /** Give them up (to another host) and stop trying. */
  close(): Promise<void>;
}

/** A running daemon. */
export interface ServeHandle {
  /** The control endpoint, e.g. `http://127.0.0.1:8788`. */
  readonly url: string;
  readonly port: number;
  readonly hub: SessionHub;
  readonly hooks: HookSessions;
  readonly router: BridgeRouter;
  /** Stop everything (idempotent). Open hook requests are closed: Claude Code carries on by itself. */
  stop(): Promise<void>;
}

/** After a restart: the restored terminal sessions whose Claude Code process is gone get their final status. */
function endGoneSessions(hub: SessionHub, hooks: HookSessions, claudeDir: string): void {
  const restored = hub
    .list()
    .filter((s) => s.source === 'hook')
    .map((s) => s.id);
  if (restored.length === 0) return;
  const gone = goneClaudeSessions(claudeDir, restored);
  if (gone) hooks.endGone(gone);
}

/**
 * Start the daemon: take the data directory's lock, start the bridges, listen on 127.0.0.1.
 * @throws TetherError `CONFIG` when another `serve` runs on the same data directory (one line naming it).
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const logger = options.logger ?? silentLogger;
  prepareDataDir(options.dataDir);
  // Before the lock: a secret others may read stops the start with nothing to undo.
  const secret = loadOrCreateSecret(options.dataDir);
  const lock = await acquireLock(options.dataDir, { logger });
  const bus = options.bus ?? new MemorySessionBus();
  const claudeDir = options.claudeDir ?? defaultClaudeDir();
  const router = new BridgeRouter(options.bridges, {
    logger,
    ...(options.escalation ? { escalation: options.escalation } : {}),
  });
  const hub = new SessionHub({
    router,
    bus,
    store: options.store,
    logger,
    ...(options.approvalTimeoutMs !== undefined ? { approvalTimeoutMs: options.approvalTimeoutMs } : {}),
    ...(options.threadLink ? { threadLink: options.threadLink } : {}),
    ...(options.holder ? { adoptOpenCards: true } : {}),
  });
  const hooks = new HookSessions({
    bus,
    store: options.sourceStore ?? options.store,
    logger,
    isKnown: (key) => hub.has(key),
    decideWithoutPerson: (key, request) => hub.decideWithoutPerson(key, request),
    claudeDir,
    ...(options.hookLivenessMs !== undefined ? { livenessMs: options.hookLivenessMs } : {}),
  });
  const remote = new RemoteSessions({ bus, logger });
  const runners = new RunnerSessions({ bus, registry: options.registry, logger });
  const starts = options.hosts
    ? new HostStarts({
        bus,
        self: options.hosts.self,
        runners,
        projects: options.projects ?? {},
        runnerNames: options.registry.list(),
        ...(options.defaultRunner ? { defaultRunner: options.defaultRunner } : {}),
        store: options.sourceStore ?? options.store,
        ...(options.bridges[0]
          ? { maskSecrets: (text: string) => options.bridges[0]?.maskOutgoing(undefined, text) ?? text }
          : {}),
        logger,
      })
    : undefined;
  const endpoint = new ControlEndpoint({
    secret,
    ...(options.port !== undefined ? { port: options.port } : {}),
    logger,
    routes: {
      hook: (event, body, signal) => hooks.handle(event, body, signal),
      hookAtOnce: (event, body) => hooks.answerAtOnce(event, body),
      sessions: () => ({ sessions: hub.list() }),
      connect: (socket) => remote.connect(socket),
    },
  });
  try {
    for (const bridge of options.bridges) {
      registerPhoneCommands(bridge, {
        hub,
        runners,
        projects: options.projects ?? {},
        runnerNames: options.registry.list(),
        ...(options.defaultRunner ? { defaultRunner: options.defaultRunner } : {}),
        ...(options.hosts && starts ? { hosts: { directory: options.hosts, starts } } : {}),
      });
    }
    if (options.holder) {
      options.holder.hold({
        onAcquired: async () => {
          logger.info('this host now holds the platform connections');
          hub.noteOpenRequests();
          await router.start();
          hub.start();
        },
        onLost: async () => {
          logger.warn('this host no longer holds the platform connections');
          hub.stop();
          await router.stop();
        },
      });
    } else {
      await router.start();
      hub.start();
      endGoneSessions(hub, hooks, claudeDir);
    }
    hooks.start();
    remote.start();
    runners.start();
    starts?.start();
    await endpoint.listen();
  } catch (error) {
    await Promise.allSettled([endpoint.close(), router.stop()]);
    lock.release();
    throw error;
  }
  lock.write({
    pid: process.pid,
    url: endpoint.url,
    port: endpoint.port,
    startedAt: Date.now(),
    platforms: options.bridges.map((b) => b.platform),
  });
  let stopping: Promise<void> | undefined;
  return {
    url: endpoint.url,
    port: endpoint.port,
    hub,
    hooks,
    router,
    stop: () => {
      stopping ??= (async () => {
        lock.release();
        await endpoint.close().catch(() => undefined);
        hooks.stop();
        remote.stop();
        starts?.stop();
        await runners.stop();
        await options.holder?.close();
        hub.stop();
        await router.stop();
        if (!options.bus) await bus.close();
      })();
      return stopping;
    },
  };
}
