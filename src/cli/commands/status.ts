/**
 * `agent-tether status`: is `serve` running, and which sessions does it show (source, directory, state, age).
 * @module
 */
import { defaultDataDir } from '../../core/store/data-dir.js';
import type { LiveSessionInfo } from '../../serve/hub.js';
import { findDaemon } from '../../serve/join.js';
import { formatAge } from '../../serve/phone-commands.js';
import { statusOfHosts } from '../checks/redis.js';
import { loadSettings } from '../load-settings.js';
import { checkedRedisOption } from '../redis-url.js';
import type { CommandContext } from './context.js';

/** Options of `agent-tether status`. */
export interface StatusOptions {
  readonly config?: string;
  /** The Redis several hosts share. @defaultValue the config's `redis.url` */
  readonly redis?: string;
}

const STATE_WORDS = { working: 'working', waiting: 'waiting for approval', idle: 'idle' } as const;

/**
 * Print the daemon and its sessions.
 * @returns 0 when serve runs, 1 when it does not (so scripts can check).
 */
export async function statusCommand(options: StatusOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const { settings } = loadSettings({}, io.env, options.config);
  const dataDir = settings.dataDir ?? defaultDataDir(io.env);
  const daemon = await findDaemon(dataDir);
  const redis = checkedRedisOption(options.redis) ?? settings.redis?.url;
  const hosts = redis === undefined ? [] : await statusOfHosts(redis);
  if (!daemon) {
    io.out(`agent-tether serve is not running (data dir ${dataDir}): start it with \`agent-tether serve\``);
    for (const line of hosts) io.out(line);
    return 1;
  }
  const response = await fetch(`${daemon.info.url}/sessions`, {
    headers: { authorization: `Bearer ${daemon.secret}` },
    signal: AbortSignal.timeout(5000),
  });
  const { sessions } = (await response.json()) as { sessions: LiveSessionInfo[] };
  io.out(
    `agent-tether serve: pid ${daemon.info.pid}, ${daemon.info.url}, on ${daemon.info.platforms.join(', ')}, up ${formatAge(Date.now() - daemon.info.startedAt)}`,
  );
  for (const line of hosts) io.out(line);
  if (sessions.length === 0) {
    io.out('No live sessions.');
    return 0;
  }
  io.out(`${sessions.length} live session(s):`);
  for (const s of sessions) {
    io.out(
      `  ${s.source.padEnd(6)}  ${STATE_WORDS[s.state].padEnd(20)}  ${formatAge(s.ageMs).padStart(6)}  ${s.name}${s.cwd ? `  (${s.cwd})` : ''}`,
    );
  }
  return 0;
}
