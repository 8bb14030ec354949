/**
 * The General-channel commands of `serve`: `/new <project> [--runner <name>] <prompt>` starts a headless
 * session in a directory from the config's `projects` map (never a path typed in a chat), and `/sessions`
 * lists the live sessions with their state and a link to their thread. The bridge only runs commands for
 * authorized people; every start is audited.
 * @module
 */

import { escapeMarkdown } from '../core/approvals/cards.js';
import type { Bridge } from '../core/bridge.js';
import type { ChatUser } from '../core/types.js';
import { threadNameFromPrompt } from '../runner/supervise.js';
import type { LiveSessionInfo, SessionHub } from './hub.js';
import type { RunnerSessions } from './runner-sessions.js';

/** Options of {@link registerPhoneCommands}. */
export interface PhoneCommandsOptions {
  readonly hub: SessionHub;
  readonly runners: RunnerSessions;
  /** Project name → directory. */
  readonly projects: Readonly<Record<string, string>>;
  /** The runner `/new` uses unless `--runner` names another. @defaultValue 'claude' */
  readonly defaultRunner?: string;
  /** Runner names `--runner` may pick (the registry's). */
  readonly runnerNames: readonly string[];
}

/** Register `/new` and `/sessions` on a bridge. */
export function registerPhoneCommands(bridge: Bridge, options: PhoneCommandsOptions): void {
  bridge.commands.register('new', {
    description: 'Start an agent session: /new <project> <prompt>',
    handler: ({ args, user }) => startSession(bridge, options, args, user),
  });
  bridge.commands.register('sessions', {
    description: 'List the live agent sessions',
    handler: () => describeSessions(options.hub.list(), bridge.platform),
  });
}

async function startSession(
  bridge: Bridge,
  options: PhoneCommandsOptions,
  args: string,
  user: ChatUser,
): Promise<string> {
  const names = Object.keys(options.projects);
  const known =
    names.length === 0 ? 'none yet: add "projects" to the config' : names.map(escapeMarkdown).join(', ');
  const match = /^(\S+)(?:\s+--runner\s+(\S+))?\s+([\s\S]+)$/.exec(args.trim());
  if (!match?.[1] || !match[3]) return `Usage: /new <project> <prompt>. Projects: ${known}.`;
  const project = match[1];
  const cwd = Object.hasOwn(options.projects, project) ? options.projects[project] : undefined;
  if (cwd === undefined) return `Unknown project "${escapeMarkdown(project)}". Projects: ${known}.`;
  const runner = match[2] ?? options.defaultRunner ?? 'claude';
  if (!options.runnerNames.includes(runner))
    return `Unknown runner "${escapeMarkdown(runner)}". Runners: ${options.runnerNames.map(escapeMarkdown).join(', ')}.`;
  const prompt = match[3].trim();
  bridge.store.audit({
    at: Date.now(),
    platform: bridge.platform,
    userId: user.id,
    userName: user.name,
    action: 'session.new',
    detail: JSON.stringify({ project, runner, cwd, prompt: prompt.slice(0, 200) }),
  });
  try {
    await options.runners.startSession({
      runner,
      config: runner === 'scripted' ? {} : { cwd },
      prompt,
      name: `${project}: ${threadNameFromPrompt(prompt)}`,
      cwd,
    });
  } catch (error) {
    return `⚠️ Could not start the session: ${escapeMarkdown(error instanceof Error ? error.message : String(error))}`;
  }
  return `🚀 Started ${escapeMarkdown(runner)} in ${escapeMarkdown(project)} for ${escapeMarkdown(user.name)}: see its new thread.`;
}

/** The `/sessions` text. */
export function describeSessions(sessions: readonly LiveSessionInfo[], platform: string): string {
  if (sessions.length === 0) return 'No live sessions.';
  const lines = [`**${sessions.length} live session(s)**`];
  for (const s of sessions) {
    const thread = s.threads.find((t) => t.platform === platform);
    const state =
      s.state === 'waiting' ? '⏳ waiting for approval' : s.state === 'idle' ? '💤 idle' : '⚙️ working';
    const name = escapeMarkdown(s.name);
    const title = thread?.link ? `[${name}](${thread.link})` : `**${name}**`;
    const where = s.host !== undefined ? ` on ${escapeMarkdown(s.host)}` : '';
    lines.push(`• ${title} — ${state}, ${formatAge(s.ageMs)} (${escapeMarkdown(s.runnerType)})${where}`);
  }
  return lines.join('\n');
}

/** "42 s", "5 min", "3 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}
