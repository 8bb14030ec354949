/**
 * The General-channel commands of `serve`: `/new [<host>:]<project> [--runner <name>] <prompt>` starts a headless
 * session in a directory from the config's `projects` map (never a path typed in a chat) — with several hosts, on
 * the named host, from that host's own config — and `/sessions` lists the live sessions with their state and a
 * link to their thread. The bridge only runs commands for authorized people; every start is audited.
 * @module
 */

import { escapeMarkdown } from '../core/approvals/cards.js';
import type { Bridge } from '../core/bridge.js';
import type { ChatUser } from '../core/types.js';
import type { HostDirectory, HostStarts } from './host-starts.js';
import type { LiveSessionInfo, SessionHub } from './hub.js';
import { auditStart, checkStart, listNames, listProjects, startChecked } from './project-starts.js';
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
  /** Several hosts, one bot: who shares it, and how to ask one of them to start a session. */
  readonly hosts?: { readonly directory: HostDirectory; readonly starts: HostStarts };
}

/** Register `/new` and `/sessions` on a bridge. */
export function registerPhoneCommands(bridge: Bridge, options: PhoneCommandsOptions): void {
  bridge.commands.register('new', {
    description: options.hosts
      ? 'Start an agent session: /new [<host>:]<project> <prompt>'
      : 'Start an agent session: /new <project> <prompt>',
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
  const known = listProjects(Object.keys(options.projects));
  const match = /^(\S+)(?:\s+--runner\s+(\S+))?\s+([\s\S]+)$/.exec(args.trim());
  if (!match?.[1] || !match[3])
    return options.hosts
      ? `Usage: /new [<host>:]<project> <prompt>. Projects here (${escapeMarkdown(options.hosts.directory.self)}): ${known}.`
      : `Usage: /new <project> <prompt>. Projects: ${known}.`;
  const prompt = match[3].trim();
  if (options.hosts) {
    const picked = await pickHost(options.hosts.directory, options.projects, match[1]).catch(
      (error: unknown) => ({ reply: `⚠️ Could not list the hosts: ${escapeMarkdown(String(error))}` }),
    );
    if ('reply' in picked) return picked.reply;
    if (picked.host !== options.hosts.directory.self)
      return startElsewhere(bridge, options.hosts.starts, picked, match[2], prompt, user);
    return startHere(bridge, options, picked.project, match[2], prompt, user, picked.host);
  }
  return startHere(bridge, options, match[1], match[2], prompt, user);
}

async function startHere(
  bridge: Bridge,
  options: PhoneCommandsOptions,
  project: string,
  runnerName: string | undefined,
  prompt: string,
  user: ChatUser,
  host?: string,
): Promise<string> {
  const checked = checkStart(options, project, runnerName);
  if (!checked.ok)
    return checked.why === 'project'
      ? `Unknown project "${escapeMarkdown(project)}". Projects: ${listProjects(Object.keys(options.projects))}.`
      : `Unknown runner "${escapeMarkdown(checked.runner)}". Runners: ${listNames(options.runnerNames)}.`;
  try {
    await startChecked(
      { ...options, maskSecrets: (text) => bridge.maskOutgoing(undefined, text) },
      bridge.store,
      checked,
      prompt,
      user,
      host ? { host } : {},
    );
  } catch (error) {
    return `⚠️ Could not start the session: ${escapeMarkdown(error instanceof Error ? error.message : String(error))}`;
  }
  const on = host !== undefined ? ` on ${escapeMarkdown(host)}` : '';
  return `🚀 Started ${escapeMarkdown(checked.runner)} in ${escapeMarkdown(project)}${on} for ${escapeMarkdown(user.name)}: see its new thread.`;
}

/** Ask another host to start it: that host resolves the project in its own config and audits the start too. */
async function startElsewhere(
  bridge: Bridge,
  starts: HostStarts,
  picked: Picked,
  runner: string | undefined,
  prompt: string,
  user: ChatUser,
): Promise<string> {
  const { host, project } = picked;
  if (runner !== undefined && picked.runners && !picked.runners.includes(runner))
    return `${escapeMarkdown(host)} has no runner "${escapeMarkdown(runner)}". Its runners: ${listNames(picked.runners)}.`;
  auditStart(
    bridge.store,
    user,
    { host, project, ...(runner ? { runner } : {}), prompt: prompt.slice(0, 200) },
    (text) => bridge.maskOutgoing(undefined, text),
  );
  const outcome = await starts.ask(host, {
    project,
    ...(runner !== undefined ? { runner } : {}),
    prompt,
    user: { id: user.id, name: user.name, platform: user.platform },
  });
  if (!outcome.ok)
    return `⚠️ Could not start the session on ${escapeMarkdown(host)}: ${escapeMarkdown(outcome.reason)}`;
  return `🚀 Started ${escapeMarkdown(outcome.runner)} in ${escapeMarkdown(project)} on ${escapeMarkdown(host)} for ${escapeMarkdown(user.name)}: see its new thread.`;
}

interface Picked {
  readonly host: string;
  readonly project: string;
  readonly runners?: readonly string[] | undefined;
}

/**
 * Where `/new <target>` starts: `<host>:<project>` names the host (unless the whole word is a project of this
 * host); a bare project starts here when this host has it, else on the one live host that has it.
 */
async function pickHost(
  directory: HostDirectory,
  local: Readonly<Record<string, string>>,
  target: string,
): Promise<Picked | { reply: string }> {
  const { self } = directory;
  const colon = target.indexOf(':');
  const explicit = colon > 0 && !Object.hasOwn(local, target);
  if (!explicit && Object.hasOwn(local, target)) return { host: self, project: target };
  const hosts = await directory.live();
  const projectsOf = (host: string) =>
    host === self ? Object.keys(local) : (hosts.find((h) => h.host === host)?.projects ?? []);
  const runnersOf = (host: string) => hosts.find((h) => h.host === host)?.runners;
  if (explicit) {
    const host = target.slice(0, colon);
    const project = target.slice(colon + 1);
    if (host !== self && !hosts.some((h) => h.host === host))
      return {
        reply: `Unknown host "${escapeMarkdown(host)}". Live hosts: ${listNames(hosts.map((h) => h.host))}.`,
      };
    if (!projectsOf(host).includes(project))
      return {
        reply: `${escapeMarkdown(host)} has no project "${escapeMarkdown(project)}". Its projects: ${listProjects(projectsOf(host))}.`,
      };
    return { host, project, runners: runnersOf(host) };
  }
  const having = hosts.filter((h) => h.host !== self && projectsOf(h.host).includes(target));
  const [only] = having;
  if (only && having.length === 1) return { host: only.host, project: target, runners: only.runners };
  if (only)
    return {
      reply: `"${escapeMarkdown(target)}" is a project on ${listNames(having.map((h) => h.host))}: say which, e.g. /new ${escapeMarkdown(only.host)}:${escapeMarkdown(target)} <prompt>.`,
    };
  const all = hosts.map((h) => `${listNames(projectsOf(h.host))} on ${escapeMarkdown(h.host)}`).join('; ');
  return { reply: `Unknown project "${escapeMarkdown(target)}". Projects: ${all}.` };
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
