/**
 * Settings from three layers — flags over environment variables over the config file — each validated on
 * its own, so an error names exactly where the bad value came from and how to fix it.
 * @module
 */
import {
  configSchema,
  type PlatformName,
  SETTING_FIELDS,
  type SettingField,
  type TetherConfig,
} from './config.js';
import { CliError, UsageError } from './errors.js';

/** Where a layer of settings came from. */
export type SettingSource =
  | { readonly kind: 'flags' }
  | { readonly kind: 'env' }
  | { readonly kind: 'file'; readonly path: string };

function parseValue(kind: SettingField['kind'], text: string): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'string':
      return trimmed;
    case 'integer':
      // Anything not an integer stays text, so the schema reports it with its own message.
      return /^[-+]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'integerList':
      return trimmed
        .split(/[\s,]+/)
        .filter((part) => part !== '')
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const [section, field] = key.split('.');
  if (section === undefined) return;
  if (field === undefined) {
    target[section] = value;
    return;
  }
  const existing = target[section];
  const object = (typeof existing === 'object' && existing !== null ? existing : {}) as Record<
    string,
    unknown
  >;
  object[field] = value;
  target[section] = object;
}

function validateLayer(raw: Record<string, unknown>, source: SettingSource): TetherConfig {
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = (issue?.path ?? []).slice(0, 2).join('.');
  const field = SETTING_FIELDS.find((f) => f.key === key);
  const problem = issue?.message ?? 'is invalid';
  if (source.kind === 'flags') {
    throw new UsageError(`${field?.flag ?? key}: ${problem}`);
  }
  if (source.kind === 'env') {
    throw new CliError(`Environment variable ${field?.env ?? key} ${problem}: fix or unset it`);
  }
  throw new CliError(`The config file ${source.path} is invalid at "${key}": ${problem}`);
}

/**
 * The settings given by flags: `options` is commander's options object; only known settings are read.
 * @throws UsageError naming the flag when a value is malformed.
 */
export function settingsFromFlags(options: Readonly<Record<string, unknown>>): TetherConfig {
  const raw: Record<string, unknown> = {};
  for (const field of SETTING_FIELDS) {
    if (field.option === undefined) continue;
    const value = options[field.option];
    if (value === undefined) continue;
    setPath(raw, field.key, typeof value === 'string' ? parseValue(field.kind, value) : value);
  }
  return validateLayer(raw, { kind: 'flags' });
}

/**
 * The settings given by environment variables (empty ones count as unset).
 * @throws CliError naming the variable when a value is malformed.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): TetherConfig {
  const raw: Record<string, unknown> = {};
  for (const field of SETTING_FIELDS) {
    if (field.env === undefined) continue;
    const value = env[field.env];
    if (value === undefined || value.trim() === '') continue;
    setPath(raw, field.key, parseValue(field.kind, value));
  }
  return validateLayer(raw, { kind: 'env' });
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Merge layers, later ones winning field by field (pass them lowest precedence first). */
export function mergeSettings(...layers: readonly TetherConfig[]): TetherConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        merged[key] = { ...withoutUndefined(merged[key] as object | undefined), ...withoutUndefined(value) };
      } else {
        merged[key] = value;
      }
    }
  }
  return configSchema.parse(merged);
}

/** The settings a Telegram bridge needs. */
export interface TelegramSettings {
  readonly token: string;
  readonly forumGroupId: number;
  readonly allowedUserIds?: readonly number[];
  readonly apiRoot?: string;
}

/** The settings a Slack bridge needs. */
export interface SlackSettings {
  readonly botToken: string;
  readonly appToken: string;
  readonly channelId: string;
  readonly apiUrl?: string;
}

/** The settings a Discord bridge needs. */
export interface DiscordSettings {
  readonly token: string;
  readonly channelId?: string;
  readonly api?: string;
}

/** How the person can give a missing setting: `init` (any command), or the flags of `init --non-interactive`. */
export type SettingHelp = 'init' | 'flags';

function missing(platform: PlatformName, what: string, key: string, help: SettingHelp): CliError {
  const field = SETTING_FIELDS.find((f) => f.key === key);
  const env = field?.env ? `set ${field.env}` : undefined;
  if (help === 'flags' && field?.flag)
    return new CliError(`${platform} needs ${what}: pass ${field.flag}${env ? `, or ${env}` : ''}`);
  return new CliError(
    `${platform} needs ${what}: run \`agent-tether init --platform ${platform}\`${env ? `, or ${env}` : ''}`,
  );
}

/** The Telegram settings, or a one-line error saying what is missing and how to set it. */
export function requireTelegram(config: TetherConfig, help: SettingHelp = 'init'): TelegramSettings {
  const t = config.telegram ?? {};
  if (t.token === undefined) throw missing('telegram', 'a bot token', 'telegram.token', help);
  if (t.forumGroupId === undefined)
    throw missing('telegram', 'the forum group id (-100…)', 'telegram.forumGroupId', help);
  return withoutUndefined({ ...t, token: t.token, forumGroupId: t.forumGroupId }) as TelegramSettings;
}

/** The Slack settings, or a one-line error saying what is missing and how to set it. */
export function requireSlack(config: TetherConfig, help: SettingHelp = 'init'): SlackSettings {
  const s = config.slack ?? {};
  if (s.botToken === undefined) throw missing('slack', 'a bot token (xoxb-…)', 'slack.botToken', help);
  if (s.appToken === undefined) throw missing('slack', 'an app-level token (xapp-…)', 'slack.appToken', help);
  if (s.channelId === undefined) throw missing('slack', 'a channel id', 'slack.channelId', help);
  return withoutUndefined({
    ...s,
    botToken: s.botToken,
    appToken: s.appToken,
    channelId: s.channelId,
  }) as SlackSettings;
}

/** The Discord settings, or a one-line error saying what is missing and how to set it. */
export function requireDiscord(config: TetherConfig, help: SettingHelp = 'init'): DiscordSettings {
  const d = config.discord ?? {};
  if (d.token === undefined) throw missing('discord', 'a bot token', 'discord.token', help);
  return withoutUndefined({ ...d, token: d.token }) as DiscordSettings;
}
