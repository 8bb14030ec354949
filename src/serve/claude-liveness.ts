/**
 * Which terminal Claude Code sessions still run. Claude Code keeps one file per running process in its config
 * directory, `sessions/<pid>.json`, naming the process's current `sessionId` (the file of a process that
 * crashed stays behind, so the pid is checked too). After a `serve` restart, a restored session no running
 * process names is over: its thread gets a final status instead of waiting forever.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './daemon-files.js';

/** Claude Code's config directory: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function defaultClaudeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');
}

/**
 * The session ids the running Claude Code processes name. Undefined when Claude Code keeps no `sessions/`
 * directory there (an older version, or another config directory): then nothing can be said.
 */
export function runningClaudeSessions(claudeDir: string): Set<string> | undefined {
  const dir = join(claudeDir, 'sessions');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
  } catch {
    return undefined;
  }
  const running = new Set<string>();
  for (const file of files) {
    const pid = Number(file.slice(0, -'.json'.length));
    try {
      const entry = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sessionId?: unknown };
      if (typeof entry.sessionId === 'string' && pid > 1 && processAlive(pid)) running.add(entry.sessionId);
    } catch {
      // Being written, or not Claude Code's: it names no session.
    }
  }
  return running;
}

/**
 * The session ids among `ids` that no running Claude Code process names. Undefined when Claude Code keeps no
 * `sessions/` directory there (an older version, or another config directory): then nothing can be said.
 */
export function goneClaudeSessions(claudeDir: string, ids: readonly string[]): string[] | undefined {
  const running = runningClaudeSessions(claudeDir);
  return running && ids.filter((id) => !running.has(id));
}
