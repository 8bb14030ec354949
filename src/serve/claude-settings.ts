/**
 * Our http hooks in a Claude Code settings file: merge them in without touching anyone else's hooks (and
 * idempotently), or take only ours out. The secret is never written: the hooks send
 * `Authorization: Bearer $AGENT_TETHER_HOOK_TOKEN`, and Claude Code fills that in from the environment
 * (`allowedEnvVars`), which the person sets from the 0600 secret file of the data directory.
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variable the hooks read the secret from. */
export const HOOK_TOKEN_ENV = 'AGENT_TETHER_HOOK_TOKEN';

/** The hook events we install, with the time Claude Code waits for our answer (seconds). */
export const HOOK_EVENTS: Readonly<Record<string, number>> = {
  UserPromptSubmit: 10,
  PreToolUse: 10,
  // Long enough for a person to answer on the phone (approvals time out after 30 min by default).
  PermissionRequest: 3600,
  PostToolUse: 10,
  Stop: 10,
  Notification: 10,
  SessionEnd: 10,
};

/** Which settings file: `user` (~/.claude/settings.json), `project` (.claude/settings.json), `local`. */
export type HookScope = 'user' | 'project' | 'local';

/** The settings file of a scope. */
export function settingsPath(scope: HookScope, cwd: string, home = homedir()): string {
  switch (scope) {
    case 'user':
      return join(home, '.claude', 'settings.json');
    case 'project':
      return join(cwd, '.claude', 'settings.json');
    case 'local':
      return join(cwd, '.claude', 'settings.local.json');
    default: {
      const never: never = scope;
      return never;
    }
  }
}

type HookEntry = Record<string, unknown>;
type MatcherGroup = { matcher?: string; hooks?: HookEntry[] } & Record<string, unknown>;
type Settings = Record<string, unknown> & { hooks?: Record<string, MatcherGroup[]> };

const OURS = /^http:\/\/127\.0\.0\.1:\d+\/hooks\/claude\/[A-Za-z]+$/;

function isOurs(hook: HookEntry): boolean {
  return hook.type === 'http' && typeof hook.url === 'string' && OURS.test(hook.url);
}

/** What is wrong with the shape of `settings.hooks`, where Claude Code expects a list or an object. */
export interface HooksShapeProblem {
  /** e.g. `"hooks.PreToolUse" is an object, not a list` */
  readonly problem: string;
  /** What Claude Code expects there, e.g. `a list of matchers`. */
  readonly expected: string;
}

/**
 * Whether `settings.hooks` has the shape Claude Code expects (an object whose every event holds a list), so
 * that ours can be merged in (or taken out) without guessing what an odd value meant.
 * @returns the first problem, or undefined when there is none (no `hooks` at all is fine).
 */
export function hooksShapeProblem(settings: Record<string, unknown>): HooksShapeProblem | undefined {
  const hooks = settings.hooks;
  if (hooks === undefined) return undefined;
  if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks))
    return { problem: `"hooks" is ${kindOf(hooks)}, not an object`, expected: 'an object of hook events' };
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups))
      return { problem: `"hooks.${event}" is ${kindOf(groups)}, not a list`, expected: 'a list of matchers' };
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A copy of `settings` without our hooks (groups and events left empty by that are dropped). */
export function removeOurHooks(settings: Settings): Settings {
  const hooks = settings.hooks;
  if (hooks === undefined || typeof hooks !== 'object') return { ...settings };
  const kept: Record<string, MatcherGroup[]> = {};
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) {
      kept[event] = groups;
      continue;
    }
    const left = groups.flatMap((group) => {
      if (!Array.isArray(group?.hooks)) return [group];
      const rest = group.hooks.filter((h) => !isOurs(h));
      if (rest.length === group.hooks.length) return [group];
      return rest.length === 0 ? [] : [{ ...group, hooks: rest }];
    });
    if (left.length > 0) kept[event] = left;
  }
  const { hooks: _old, ...rest } = settings;
  return Object.keys(kept).length > 0 ? { ...rest, hooks: kept } : rest;
}

/** A copy of `settings` with our hooks pointing at `http://127.0.0.1:<port>` (replacing ours, keeping others). */
export function addOurHooks(settings: Settings, port: number): Settings {
  const base = removeOurHooks(settings);
  const hooks: Record<string, MatcherGroup[]> = { ...(base.hooks ?? {}) };
  for (const [event, timeout] of Object.entries(HOOK_EVENTS)) {
    const ours: MatcherGroup = {
      matcher: '',
      hooks: [
        {
          type: 'http',
          url: `http://127.0.0.1:${port}/hooks/claude/${event}`,
          headers: { Authorization: `Bearer $${HOOK_TOKEN_ENV}` },
          allowedEnvVars: [HOOK_TOKEN_ENV],
          timeout,
        },
      ],
    };
    hooks[event] = [...(hooks[event] ?? []), ours];
  }
  return { ...base, hooks };
}

/** Whether `settings` holds our hooks, and on which port. */
export function installedPort(settings: Settings): number | undefined {
  for (const groups of Object.values(settings.hooks ?? {})) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      for (const hook of Array.isArray(group?.hooks) ? group.hooks : []) {
        if (isOurs(hook)) return Number(/:(\d+)\//.exec(String(hook.url))?.[1]);
      }
    }
  }
  return undefined;
}
