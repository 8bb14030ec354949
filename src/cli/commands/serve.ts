/**
 * `agent-tether serve`: one long-running process holding every configured platform connection once, the
 * durable store, and the local control endpoint that terminal Claude Code sessions (through hooks) and
 * `agent-tether run` report to. `--print-service` prints a systemd user unit or a launchd agent instead.
 * @module
 */
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Bridge } from '../../core/bridge.js';
import { defaultDataDir } from '../../core/store/data-dir.js';
import { SqliteStore } from '../../core/store/sqlite.js';
import { createDefaultRunnerRegistry } from '../../runner/default-registry.js';
import { startServe } from '../../serve/serve.js';
import { createBridge } from '../bridge-factory.js';
import { PLATFORM_NAMES, type PlatformName, type TetherConfig } from '../config.js';
import { UsageError } from '../errors.js';
import { escalationFromConfig } from '../escalation-config.js';
import { loadSettings } from '../load-settings.js';
import { checkedRedisOption } from '../redis-url.js';
import { ShutdownSignals } from '../shutdown.js';
import { printWebAccess } from '../terminal.js';
import { persistentAccessToken } from '../web-address.js';
import type { CommandContext } from './context.js';
import { connectMultiHost } from './serve-redis.js';
import { serviceDefinition } from './service-file.js';

/** The control endpoint's port when neither `--port` nor the config names one. */
export const DEFAULT_SERVE_PORT = 8788;

/** Options of `agent-tether serve`. */
export interface ServeCommandOptions {
  /** Comma-separated platforms. @defaultValue the config's `serve.platforms`, else every configured one, else web */
  readonly platform?: string;
  /** Control endpoint port. @defaultValue config `serve.port`, else 8788 */
  readonly port?: number;
  /** The runner `/new` starts. @defaultValue config `serve.runner`, else claude */
  readonly runner?: string;
  readonly config?: string;
  /** Print a systemd user unit (Linux) or launchd agent (macOS) and exit. */
  readonly printService?: boolean | string;
  /** Web page interface / port. */
  readonly host?: string;
  readonly webPort?: number;
  /** Several hosts, one bot: the Redis they share (`redis://…`). */
  readonly redis?: string;
  /** This host's name among them. @defaultValue the machine's host name */
  readonly hostName?: string;
}

/** The platforms serve holds: the flag, else the config's, else every configured chat platform, else web. */
export function servePlatforms(flag: string | undefined, settings: TetherConfig): PlatformName[] {
  if (flag !== undefined) {
    const names = flag
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!(PLATFORM_NAMES as readonly string[]).includes(name))
        throw new UsageError(
          `--platform ${name}: should be one of ${PLATFORM_NAMES.join(', ')} (comma-separated)`,
        );
    }
    return [...new Set(names)] as PlatformName[];
  }
  if (settings.serve?.platforms?.length) return [...new Set(settings.serve.platforms)];
  const configured: PlatformName[] = [];
  if (settings.telegram?.token) configured.push('telegram');
  if (settings.slack?.botToken) configured.push('slack');
  if (settings.discord?.token) configured.push('discord');
  if (configured.length === 0 && settings.platform) configured.push(settings.platform);
  return configured.length > 0 ? configured : ['web'];
}

/** Run the daemon until SIGINT/SIGTERM. */
export async function serveCommand(options: ServeCommandOptions, context: CommandContext): Promise<number> {
  const { io, logger } = context;
  if (options.printService !== undefined && options.printService !== false) {
    const kind = typeof options.printService === 'string' ? options.printService : undefined;
    io.out(serviceDefinition(kind, cliEntry(), io.env));
    return 0;
  }
  const { settings } = loadSettings(
    {
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.webPort !== undefined ? { port: options.webPort } : {}),
    },
    io.env,
    options.config,
  );
  const platforms = servePlatforms(options.platform, settings);
  const dataDir = settings.dataDir ?? defaultDataDir(io.env);
  const agentCmd = settings.serve?.agentCmd;
  const registry = createDefaultRunnerRegistry({
    logger,
    ...(agentCmd === undefined ? {} : { defaults: { acp: { command: agentCmd } } }),
  });
  const redisUrl = checkedRedisOption(options.redis) ?? settings.redis?.url;
  const multi = redisUrl
    ? await connectMultiHost({
        url: redisUrl,
        host: options.hostName ?? settings.redis?.hostName ?? hostname(),
        dataDir,
        logger,
        projects: Object.keys(settings.projects ?? {}),
        runners: registry.list(),
      })
    : undefined;
  const store = multi?.store ?? SqliteStore.open(dataDir);
  const bridges: Bridge[] = [];
  const signals = new ShutdownSignals();
  try {
    for (const platform of platforms)
      bridges.push(
        await createBridge(
          platform,
          { ...settings, dataDir },
          {
            logger,
            store,
            ...(multi ? { bridgeOptions: multi.bridgeOptions } : {}),
            // The page keeps its address from run to run, as with `run`.
            ...(platform === 'web' ? { webAccessToken: persistentAccessToken(dataDir, io.env) } : {}),
          },
        ),
      );
    const runner = options.runner ?? settings.serve?.runner ?? 'claude';
    if (!registry.has(runner))
      throw new UsageError(`--runner ${runner}: should be one of ${registry.list().join(', ')}`);
    const forum = settings.telegram?.forumGroupId;
    const serve = await startServe({
      bridges,
      store,
      dataDir,
      port: options.port ?? settings.serve?.port ?? DEFAULT_SERVE_PORT,
      registry,
      defaultRunner: runner,
      projects: settings.projects ?? {},
      ...(settings.escalation ? { escalation: escalationFromConfig(settings.escalation, bridges) } : {}),
      logger,
      ...(multi
        ? { bus: multi.bus, holder: multi.holder, sourceStore: multi.sourceStore, hosts: multi.hosts }
        : {}),
      threadLink: (platform, threadId) =>
        platform === 'telegram' && forum !== undefined && String(forum).startsWith('-100')
          ? `https://t.me/c/${String(forum).slice(4)}/${threadId}`
          : undefined,
    });
    io.out(`agent-tether serve: ${platforms.join(', ')} · control endpoint ${serve.url} · data ${dataDir}`);
    const web = bridges.find((b) => b.platform === 'web') as unknown as
      | { url: string; host: string }
      | undefined;
    if (web) printWebAccess(io, web.url, web.host);
    io.out('Terminal Claude Code: `agent-tether hooks install` once (see the README). Ctrl-C stops.');
    const signal = await signals.received;
    io.err(`Stopping (${signal})…`);
    await serve.stop();
    return 0;
  } finally {
    await Promise.allSettled(bridges.map((b) => b.stop()));
    if (multi) await multi.close();
    else store.close();
    signals.dispose();
  }
}

/** The command that starts this CLI (for the service file). */
function cliEntry(): string[] {
  const script = process.argv[1];
  if (!script) return ['agent-tether'];
  let path = script;
  try {
    path = realpathSync(script);
  } catch {
    // keep it as given
  }
  return path.endsWith('.ts') ? [process.execPath, '--import', 'tsx', path] : [process.execPath, path];
}
