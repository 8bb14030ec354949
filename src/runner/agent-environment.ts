/**
 * The environment an agent process gets: the parent's, minus the chat platforms' credentials. An agent (or a
 * command it runs, or a prompt injection) must never be able to read the bot tokens supervising it.
 * @module
 */

/** Variables never passed to an agent: platform tokens and agent-tether's own settings. */
export const WITHHELD_VARIABLES: readonly RegExp[] = [
  /^TELEGRAM_BOT_TOKEN$/,
  /^SLACK_(BOT|APP)_TOKEN$/,
  /^DISCORD_BOT_TOKEN$/,
  /^AGENT_TETHER_(?!SESSION_ID$|PERMISSION_MODE$)/,
];

/**
 * `process.env` without the withheld variables, plus `extra` (which may set anything, explicitly).
 * @param extra - variables the caller passes on purpose.
 */
export function agentEnvironment(
  extra: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || WITHHELD_VARIABLES.some((re) => re.test(name))) continue;
    env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * Like {@link agentEnvironment}, but a variable set to `undefined` in `extra` is removed from the result
 * (e.g. `{ OPENAI_API_KEY: undefined }` keeps the parent's key away from the agent).
 * @param extra - variables the caller sets or removes on purpose.
 */
export function mergedAgentEnvironment(
  extra: Readonly<Record<string, string | undefined>> = {},
): Record<string, string> {
  const env = agentEnvironment(extra);
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}
