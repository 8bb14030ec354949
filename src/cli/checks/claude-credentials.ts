/**
 * Whether Claude Code will find credentials: an API key or token in the environment, a cloud provider switch,
 * or a login (`claude` → `/login`, kept in `~/.claude/.credentials.json`; on macOS in the Keychain, which we
 * cannot read, so there the answer is "unknown" rather than "missing").
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variables Claude Code authenticates with. */
const CREDENTIAL_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
] as const;
/** Switches that make Claude Code use a cloud provider's credentials instead. */
const PROVIDER_SWITCHES = [
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
] as const;

/** The fix printed when nothing is found. */
export const CLAUDE_CREDENTIALS_FIX =
  'set ANTHROPIC_API_KEY, or log in once with `claude` then `/login` (or `claude setup-token` and set CLAUDE_CODE_OAUTH_TOKEN)';

/** What was found: where the credentials come from, or that none were found, or that we cannot tell. */
export type ClaudeCredentials =
  | { readonly status: 'found'; readonly source: string }
  | { readonly status: 'missing' }
  | { readonly status: 'unknown'; readonly why: string };

/**
 * Look for Claude Code's credentials without using them.
 * @param env - The environment the agent will get.
 * @param platform - `process.platform`. @defaultValue process.platform
 */
export function findClaudeCredentials(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): ClaudeCredentials {
  for (const name of CREDENTIAL_VARIABLES) {
    if (env[name]?.trim()) return { status: 'found', source: `${name} is set` };
  }
  for (const name of PROVIDER_SWITCHES) {
    if (env[name] === '1' || env[name] === 'true') return { status: 'found', source: `${name} is on` };
  }
  const configDir = env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
  const credentials = join(configDir, '.credentials.json');
  if (existsSync(credentials)) return { status: 'found', source: `a login (${credentials})` };
  if (hasApiKeyHelper(join(configDir, 'settings.json'))) {
    return { status: 'found', source: `apiKeyHelper in ${join(configDir, 'settings.json')}` };
  }
  if (platform === 'darwin') return { status: 'unknown', why: 'a login would be in the macOS Keychain' };
  return { status: 'missing' };
}

function hasApiKeyHelper(settingsPath: string): boolean {
  try {
    const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { apiKeyHelper?: unknown };
    return typeof settings.apiKeyHelper === 'string' && settings.apiKeyHelper.length > 0;
  } catch {
    return false;
  }
}
