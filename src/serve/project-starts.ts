/**
 * Starting a session in one of this host's projects — for `/new` typed here and for a start another host asked
 * for: the directory comes from the config's `projects` map (never from the chat or the bus), the runner must be
 * one this host has, and every start is audited (`session.new`).
 * @module
 */
import { escapeMarkdown } from '../core/approvals/cards.js';
import { OutgoingSecrets } from '../core/secrets/outgoing.js';
import type { Store } from '../core/store/types.js';
import { threadNameFromPrompt } from '../runner/supervise.js';
import type { StartRequester } from './bus.js';
import type { RunnerSessions } from './runner-sessions.js';

/** What a host may start. */
export interface ProjectStarter {
  readonly runners: RunnerSessions;
  /** Project name → directory. */
  readonly projects: Readonly<Record<string, string>>;
  /** The runners this host can start. */
  readonly runnerNames: readonly string[];
  /** @defaultValue 'claude' */
  readonly defaultRunner?: string;
  /**
   * Masks the secrets in what is audited (a prompt, a name): a bridge's `maskOutgoing`, so its configured
   * patterns apply. @defaultValue the built-in secret formats
   */
  readonly maskSecrets?: (text: string) => string;
}

const builtInSecrets = new OutgoingSecrets();

/** The masking of `o`, or the built-in formats. */
export function maskOf(o: Pick<ProjectStarter, 'maskSecrets'>): (text: string) => string {
  return o.maskSecrets ?? ((text) => builtInSecrets.text(undefined, text));
}

/** A start checked against the config: its directory and runner, or why it cannot start. */
export type CheckedStart =
  | { readonly ok: true; readonly project: string; readonly runner: string; readonly cwd: string }
  | { readonly ok: false; readonly why: 'project' }
  | { readonly ok: false; readonly why: 'runner'; readonly runner: string };

/** Check a start: the project must be in the config, the runner (default: the host's) one it has. */
export function checkStart(o: ProjectStarter, project: string, runner: string | undefined): CheckedStart {
  const cwd = Object.hasOwn(o.projects, project) ? o.projects[project] : undefined;
  if (cwd === undefined) return { ok: false, why: 'project' };
  const name = runner ?? o.defaultRunner ?? 'claude';
  if (!o.runnerNames.includes(name)) return { ok: false, why: 'runner', runner: name };
  return { ok: true, project, runner: name, cwd };
}

/**
 * Audit a checked start in `store` (with `detail` added), then start the session in its own thread.
 * @throws what the runner's start throws (UnknownRunnerError, the factory's ConfigError, …)
 */
export async function startChecked(
  o: ProjectStarter,
  store: Store,
  start: Extract<CheckedStart, { ok: true }>,
  prompt: string,
  user: StartRequester,
  detail: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  const { project, runner, cwd } = start;
  auditStart(store, user, { project, runner, cwd, prompt: prompt.slice(0, 200), ...detail }, maskOf(o));
  await o.runners.startSession({
    runner,
    config: runner === 'scripted' ? {} : { cwd },
    prompt,
    name: `${project}: ${threadNameFromPrompt(prompt)}`,
    cwd,
  });
}

/** Record who started (or asked another host to start) a session; `mask` hides secrets in the free text. */
export function auditStart(
  store: Store,
  user: StartRequester,
  detail: Readonly<Record<string, unknown>>,
  mask: (text: string) => string,
): void {
  store.audit({
    at: Date.now(),
    platform: user.platform,
    userId: user.id,
    userName: mask(user.name),
    action: 'session.new',
    // Each text masked on its own, so the record stays JSON whatever a mask covers.
    detail: JSON.stringify(detail, (_key, value: unknown) =>
      typeof value === 'string' ? mask(value) : value,
    ),
  });
}

/** Project names of a config, escaped (`a, b, c`), or a hint when there are none. */
export function listProjects(names: readonly string[]): string {
  return names.length === 0 ? 'none yet: add "projects" to the config' : listNames(names);
}

/** `a, b, c`, escaped (`none` when empty). */
export function listNames(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map(escapeMarkdown).join(', ');
}
