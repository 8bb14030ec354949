/**
 * Several machines, one bot: `doctor`'s Redis lines (reachable, version, persistence, who holds the platform
 * connections) and the hosts list `status` prints.
 * @module
 */
import { redactRedisUrl } from '../../redis/load.js';
import { formatAge } from '../../serve/phone-commands.js';
import { type CheckLine, failed, messageOf, note, passed } from './check-line.js';

type ClusterStatus = Awaited<ReturnType<typeof import('../../redis/hosts.js').readClusterStatus>>;

async function readStatus(url: string): Promise<ClusterStatus> {
  const { readClusterStatus } = await import('../../redis/hosts.js');
  return readClusterStatus(url);
}

/** One line per host: its name, what it holds, its age and when it was last heard from. */
export function hostLines(status: ClusterStatus, now = Date.now()): string[] {
  if (status.hosts.length === 0)
    return ['No host has reported: start `agent-tether serve --redis URL` on a machine.'];
  const holders = new Map<string, string[]>();
  for (const [name, holder] of Object.entries(status.leases))
    if (holder) holders.set(holder.host, [...(holders.get(holder.host) ?? []), name]);
  const width = Math.max(...status.hosts.map((h) => h.host.length));
  return status.hosts.map((h) => {
    const holds = holders.get(h.host);
    const what = holds
      ? `holds ${holds.map((n) => (n === 'platforms' ? 'the platform connections' : n)).join(', ')}`
      : 'waits (serves its own sessions)';
    // What `/new <host>:<project>` may start there.
    const projects = h.projects?.length ? `, projects: ${h.projects.join(', ')}` : '';
    return `${h.host.padEnd(width)}  ${what.padEnd(40)}  up ${formatAge(now - h.startedAt)}, seen ${formatAge(now - h.seenAt)} ago${projects}`;
  });
}

/** `doctor`'s Redis lines. */
export async function checkRedis(url: string): Promise<CheckLine[]> {
  const redacted = redactRedisUrl(url);
  let status: ClusterStatus;
  try {
    status = await readStatus(url);
  } catch (error) {
    return [failed(messageOf(error))];
  }
  const lines: CheckLine[] = [
    passed(
      `Redis at ${redacted}: version ${status.version}${status.appendOnly ? ', append-only file on' : ''}`,
    ),
  ];
  if (!status.appendOnly)
    lines.push(
      note(
        'Redis keeps no append-only file: a Redis restart loses pending approvals (set `appendonly yes` in redis.conf)',
      ),
    );
  const holder = status.leases.platforms;
  lines.push(
    holder
      ? passed(
          `Platform connections held by ${holder.host}; ${status.hosts.length} host(s): ${status.hosts.map((h) => h.host).join(', ')}`,
        )
      : note('Nobody holds the platform connections: start `agent-tether serve --redis URL` on a machine'),
  );
  return lines;
}

/** `status`'s hosts section, or one line saying Redis did not answer. */
export async function statusOfHosts(url: string): Promise<string[]> {
  const redacted = redactRedisUrl(url);
  try {
    return [
      `Hosts sharing the bot through Redis at ${redacted}:`,
      ...hostLines(await readStatus(url)).map((l) => `  ${l}`),
    ];
  } catch (error) {
    return [messageOf(error)];
  }
}
