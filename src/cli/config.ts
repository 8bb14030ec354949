/**
 * The configuration: its zod schema (the config file, and each layer of settings after parsing), and the
 * table of settings that says which environment variable and which flag set each one.
 *
 * File (`~/.config/agent-tether/config.json`, mode 0600):
 * ```json
 * {
 *   "platform": "telegram",
 *   "dataDir": "/home/me/.local/share/agent-tether",
 *   "telegram": { "token": "123456789:AA…", "forumGroupId": -1001234567890, "allowedUserIds": [42] },
 *   "slack": { "botToken": "xoxb-…", "appToken": "xapp-…", "channelId": "C0123456" },
 *   "discord": { "token": "…", "channelId": "123456789012345678" },
 *   "web": { "host": "127.0.0.1", "port": 8787 }
 * }
 * ```
 * @module
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { remindersSchema, rulesSchema } from './approval-config.js';
import { escalationSchema } from './escalation-config.js';
import { attachmentsSchema, transcriberSchema } from './files-config.js';
import { REDIS_URL_FIX, redisUrlProblem } from './redis-url.js';
import { secretsSchema } from './secrets-config.js';

/** The platforms the CLI can bridge to. */
export const PLATFORM_NAMES = ['web', 'telegram', 'slack', 'discord'] as const;
/** One of {@link PLATFORM_NAMES}. */
export type PlatformName = (typeof PLATFORM_NAMES)[number];

const telegramSection = z.strictObject({
  token: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'should look like 123456789:AAH… (the token @BotFather gave you)'),
  forumGroupId: z
    .number('should be a number like -1001234567890')
    .int('should be a whole number like -1001234567890')
    .negative('should be negative, like -1001234567890 (group ids are negative)'),
  allowedUserIds: z.array(
    z.number('should be a list of numeric user ids, e.g. 11111,22222').int().positive('should be positive'),
  ),
  apiRoot: z.url('should be a URL like https://api.telegram.org'),
});

const slackSection = z.strictObject({
  botToken: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, 'should start with xoxb- (the Bot User OAuth Token)'),
  appToken: z
    .string()
    .regex(/^xapp-[A-Za-z0-9-]+$/, 'should start with xapp- (an app-level token with connections:write)'),
  channelId: z.string().regex(/^[CGD][A-Z0-9]{6,}$/, 'should be a channel id like C0123456789, not its name'),
  apiUrl: z.url('should be a URL like https://slack.com/api/'),
});

const discordSection = z.strictObject({
  token: z
    .string()
    .regex(/^\S{10,}$/, 'should be the bot token from the Developer Portal (Bot → Reset Token)'),
  channelId: z.string().regex(/^\d{15,21}$/, 'should be a numeric channel id like 123456789012345678'),
  api: z.url('should be a URL like https://discord.com/api'),
});

const webSection = z.strictObject({
  host: z.string().min(1, 'should be an address like 127.0.0.1 or 0.0.0.0'),
  port: z
    .number('should be a port number')
    .int('should be a whole number')
    .min(0, 'should be 0 to 65535')
    .max(65_535, 'should be 0 to 65535'),
});

const serveSection = z.strictObject({
  port: z
    .number('should be a port number')
    .int('should be a whole number')
    .min(0, 'should be 0 to 65535')
    .max(65_535, 'should be 0 to 65535'),
  platforms: z.array(z.enum(PLATFORM_NAMES, `should be one of ${PLATFORM_NAMES.join(', ')}`)),
  runner: z.string().min(1, 'should be a runner name like claude'),
  /** The ACP agent `/new … --runner acp` launches, e.g. `gemini --acp`. */
  agentCmd: z.string().min(1, 'should be an ACP agent command like "gemini --acp"'),
});

const redisSection = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'should be a Redis URL like redis://redis.lan:6379')
    .refine((url) => redisUrlProblem(url) === undefined, REDIS_URL_FIX),
  hostName: z.string().regex(/^[\w.-]{1,64}$/, 'should be 1-64 letters, digits, ".", "_" or "-"'),
});

/**
 * The config file's schema. Every field is optional in the file: environment variables and flags may
 * supply the rest. Unknown keys are refused (a typo would otherwise be silently ignored).
 */
export const configSchema = z.strictObject({
  /** The platform `run` uses when `--platform` is not given. */
  platform: z.enum(PLATFORM_NAMES, `should be one of ${PLATFORM_NAMES.join(', ')}`).optional(),
  /** Where the durable state (SQLite) lives; `$AGENT_TETHER_HOME`. */
  dataDir: z.string().min(1, 'should be a directory path').optional(),
  telegram: telegramSection.partial().optional(),
  slack: slackSection.partial().optional(),
  discord: discordSection.partial().optional(),
  web: webSection.partial().optional(),
  /** Approval rules, in order (see the README's "Rules"). */
  rules: rulesSchema.optional(),
  /** Reminders for unanswered approvals (see the README's "Reminders"). */
  reminders: remindersSchema.optional(),
  /** `serve`: platforms asked only after `afterMinutes`, and people called by name then (see the README's "Escalation"). */
  escalation: escalationSchema.optional(),
  /** Files people send: where they are kept and how big (see the README's "Files and voice notes from people"). */
  attachments: attachmentsSchema.optional(),
  /** The local command that transcribes voice notes; `{file}` is the audio file. */
  transcriber: transcriberSchema.optional(),
  /** Secret masking: extra names and patterns, an allowlist, or `enabled: false` (see the README's "Secrets are masked"). */
  secrets: secretsSchema.optional(),
  /** `agent-tether serve`: control port (default 8788), platforms (default: every configured one), `/new`'s runner. */
  serve: serveSection.partial().optional(),
  /** Several machines, one bot: the Redis every `serve` shares and this machine's name (`serve --redis`). */
  redis: redisSection.partial().optional(),
  /**
   * Project name → directory: where `/new <project> <prompt>` may start a session (never a typed path); with several
   * hosts, `/new <host>:<project>` uses that host's own map.
   */
  projects: z
    .record(
      z.string().regex(/^[\w.-]{1,40}$/, 'project names are 1-40 letters, digits, ".", "_" or "-"'),
      z
        .string()
        .min(1, 'should be an absolute directory path')
        .refine(isAbsolute, 'should be an absolute directory path'),
    )
    .optional(),
});

/** The configuration (a file, a layer of environment variables or flags, or all merged). */
export type TetherConfig = z.infer<typeof configSchema>;

/** How a setting's text (from the environment or a flag) becomes its value. */
export type SettingKind = 'string' | 'integer' | 'integerList';

/** One setting: where it lives in the config and which variable and flag set it. */
export interface SettingField {
  /** Dotted path in {@link TetherConfig}, e.g. `telegram.token`. */
  readonly key: string;
  readonly kind: SettingKind;
  /** The environment variable, if any. */
  readonly env?: string;
  /** The flag, e.g. `--telegram-token`. */
  readonly flag?: string;
  /** Commander's attribute name of the flag, e.g. `telegramToken`. */
  readonly option?: string;
}

/** Every setting that environment variables or flags can set. */
export const SETTING_FIELDS: readonly SettingField[] = [
  { key: 'platform', kind: 'string', flag: '--platform', option: 'platform' },
  { key: 'dataDir', kind: 'string', env: 'AGENT_TETHER_HOME' },
  {
    key: 'telegram.token',
    kind: 'string',
    env: 'TELEGRAM_BOT_TOKEN',
    flag: '--telegram-token',
    option: 'telegramToken',
  },
  {
    key: 'telegram.forumGroupId',
    kind: 'integer',
    env: 'TELEGRAM_FORUM_GROUP_ID',
    flag: '--telegram-group-id',
    option: 'telegramGroupId',
  },
  {
    key: 'telegram.allowedUserIds',
    kind: 'integerList',
    env: 'TELEGRAM_ALLOWED_USER_IDS',
    flag: '--telegram-allowed-user-ids',
    option: 'telegramAllowedUserIds',
  },
  { key: 'telegram.apiRoot', kind: 'string', flag: '--telegram-api-root', option: 'telegramApiRoot' },
  {
    key: 'slack.botToken',
    kind: 'string',
    env: 'SLACK_BOT_TOKEN',
    flag: '--slack-bot-token',
    option: 'slackBotToken',
  },
  {
    key: 'slack.appToken',
    kind: 'string',
    env: 'SLACK_APP_TOKEN',
    flag: '--slack-app-token',
    option: 'slackAppToken',
  },
  {
    key: 'slack.channelId',
    kind: 'string',
    env: 'SLACK_CHANNEL_ID',
    flag: '--slack-channel-id',
    option: 'slackChannelId',
  },
  { key: 'slack.apiUrl', kind: 'string', flag: '--slack-api-url', option: 'slackApiUrl' },
  {
    key: 'discord.token',
    kind: 'string',
    env: 'DISCORD_BOT_TOKEN',
    flag: '--discord-token',
    option: 'discordToken',
  },
  {
    key: 'discord.channelId',
    kind: 'string',
    env: 'DISCORD_CHANNEL_ID',
    flag: '--discord-channel-id',
    option: 'discordChannelId',
  },
  { key: 'discord.api', kind: 'string', flag: '--discord-api', option: 'discordApi' },
  { key: 'web.host', kind: 'string', flag: '--host', option: 'host' },
  { key: 'web.port', kind: 'integer', flag: '--port', option: 'port' },
];

/** The setting at a dotted key, e.g. `telegram.token`. */
export function settingField(key: string): SettingField | undefined {
  return SETTING_FIELDS.find((field) => field.key === key);
}
