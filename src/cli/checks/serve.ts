/**
 * Doctor's lines about `serve`: is the daemon up, and are the Claude Code hooks installed with their secret.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { HOOK_TOKEN_ENV, installedPort, settingsPath } from '../../serve/claude-settings.js';
import { readSecret } from '../../serve/daemon-files.js';
import { findDaemon } from '../../serve/join.js';
import { type CheckLine, note, passed } from './check-line.js';

/** The serve daemon and hooks lines. */
export async function checkServe(dataDir: string, env: NodeJS.ProcessEnv): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const daemon = await findDaemon(dataDir);
  lines.push(
    daemon
      ? passed(
          `serve: running (pid ${daemon.info.pid}, ${daemon.info.url}, on ${daemon.info.platforms.join(', ')})`,
        )
      : note(
          'serve: the daemon is down — terminal Claude Code works as without agent-tether; start it with `agent-tether serve`',
        ),
  );
  const userSettings = settingsPath('user', process.cwd(), env.HOME ?? homedir());
  let port: number | undefined;
  try {
    if (existsSync(userSettings))
      port = installedPort(JSON.parse(readFileSync(userSettings, 'utf8')) as Record<string, unknown>);
  } catch {
    port = undefined;
  }
  if (port === undefined) {
    lines.push(note('Claude Code hooks: not installed for your user (`agent-tether hooks install`)'));
    return lines;
  }
  lines.push(passed(`Claude Code hooks: installed in ${userSettings} (port ${port})`));
  if (daemon && daemon.info.port !== port)
    lines.push(
      note(
        `Claude Code hooks call port ${port} but serve listens on ${daemon.info.port}: run \`agent-tether hooks install\` again`,
      ),
    );
  const secret = readSecret(dataDir);
  if (env[HOOK_TOKEN_ENV] === undefined)
    lines.push(
      note(
        `${HOOK_TOKEN_ENV} is not set in this shell: the hooks cannot authenticate (see \`agent-tether hooks install\`)`,
      ),
    );
  else if (secret !== undefined && env[HOOK_TOKEN_ENV] !== secret)
    lines.push(
      note(
        `${HOOK_TOKEN_ENV} does not match the secret in ${dataDir}: set it again from the control-secret file`,
      ),
    );
  return lines;
}
