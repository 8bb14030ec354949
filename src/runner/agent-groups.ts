/**
 * The process groups of running agents, written to a file in the data dir, so a supervisor that died without
 * stopping them (SIGKILL, a crash, a power cut of the terminal) has them ended at its next start. An entry names
 * the group, the supervisor's pid and the session id the agent got in `AGENT_TETHER_SESSION_ID`: a group is ended
 * only when its supervisor is gone and one of its processes still carries that session id (a recycled process id
 * belongs to someone else and is left alone).
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../core/types.js';

/** The file name the CLI uses in the data dir. */
export const AGENT_GROUP_FILE = 'agent-groups.json';

interface GroupEntry {
  readonly pgid: number;
  readonly supervisorPid: number;
  readonly sessionId: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids of live processes in group `pgid` whose environment carries the session id (Linux `/proc`). */
function membersOf(pgid: number, sessionId: string): number[] {
  const marker = `AGENT_TETHER_SESSION_ID=${sessionId}`;
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group (after the parenthesised command, which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (environ.includes(marker)) members.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return members;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * End what is left of an agent's process group (the agent itself may have exited already): SIGTERM, then SIGKILL
 * after `graceMs`.
 */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (process.platform === 'win32' || !groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

/** The file of running agents' process groups. Its methods never throw: a failure is logged. */
export class AgentGroupFile {
  readonly #path: string;
  readonly #logger: Logger;

  /**
   * @param path - a file in the data dir, e.g. `<dataDir>/agent-groups.json`.
   * @param logger - where failures to read or write it are reported.
   */
  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
  }

  #safely(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#logger.warn({ err: error, file: this.#path }, `could not ${what} the agent process group file`);
    }
  }

  #read(): GroupEntry[] {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.#path, 'utf8'));
      return Array.isArray(parsed) ? (parsed as GroupEntry[]) : [];
    } catch {
      return [];
    }
  }

  #write(entries: readonly GroupEntry[]): void {
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
    writeFileSync(this.#path, JSON.stringify(entries), { mode: 0o600 });
  }

  /** Remember a running agent's group. */
  add(pgid: number, sessionId: string): void {
    this.#safely('update', () =>
      this.#write([
        ...this.#read().filter((e) => e.pgid !== pgid),
        { pgid, supervisorPid: process.pid, sessionId },
      ]),
    );
  }

  /** Forget a group that has been ended. */
  remove(pgid: number): void {
    this.#safely('update', () => this.#write(this.#read().filter((e) => e.pgid !== pgid)));
  }

  /**
   * End the groups left by supervisors that are gone. Returns how many groups were ended.
   * Entries of live supervisors (another run on the same data dir) are kept.
   */
  reapOrphans(): number {
    let ended = 0;
    this.#safely('check', () => {
      ended = this.#reap();
    });
    if (ended > 0) this.#logger.warn({ ended }, 'ended agents left running by a supervisor that is gone');
    return ended;
  }

  #reap(): number {
    let ended = 0;
    const kept: GroupEntry[] = [];
    for (const entry of this.#read()) {
      if (alive(entry.supervisorPid)) {
        kept.push(entry);
        continue;
      }
      if (membersOf(entry.pgid, entry.sessionId).length > 0) {
        try {
          process.kill(-entry.pgid, 'SIGKILL');
          ended++;
        } catch {
          // Already gone.
        }
      }
    }
    this.#write(kept);
    return ended;
  }
}
