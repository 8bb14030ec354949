/**
 * `agent-tether init`: write the config file (0600). Interactive mode asks only what is missing and finds
 * the Telegram group by itself; `--non-interactive` validates the flags and environment, then writes.
 * @module
 */
import type { CheckLine } from '../checks/check-line.js';
import { formatCheckLine } from '../checks/check-line.js';
import { checkDiscord } from '../checks/discord.js';
import { checkSlack } from '../checks/slack.js';
import { checkTelegram } from '../checks/telegram.js';
import { PLATFORM_NAMES, type PlatformName, SETTING_FIELDS, type TetherConfig } from '../config.js';
import { configFilePath, readConfigFile, writeConfigFile } from '../config-file.js';
import { CliError, UsageError } from '../errors.js';
import { Prompter } from '../prompter.js';
import {
  mergeSettings,
  requireDiscord,
  requireSlack,
  requireTelegram,
  settingsFromEnv,
  settingsFromFlags,
} from '../settings.js';
import type { CommandContext } from './context.js';
import { askPlatformSettings } from './init-questions.js';

/** Options of `agent-tether init`. */
export interface InitOptions {
  readonly platform?: PlatformName;
  /** Ask nothing. */
  readonly nonInteractive?: boolean;
  /** Skip the online checks of the tokens. */
  readonly offline?: boolean;
  readonly config?: string;
  readonly telegramToken?: string;
  readonly telegramGroupId?: string;
  readonly telegramAllowedUserIds?: string;
  readonly telegramApiRoot?: string;
  readonly slackBotToken?: string;
  readonly slackAppToken?: string;
  readonly slackChannelId?: string;
  readonly slackApiUrl?: string;
  readonly discordToken?: string;
  readonly discordChannelId?: string;
  readonly discordApi?: string;
}

function inferPlatform(settings: TetherConfig): PlatformName | undefined {
  if (settings.platform !== undefined) return settings.platform;
  const given = PLATFORM_NAMES.filter((p) => p !== 'web' && settings[p] !== undefined);
  return given.length === 1 ? given[0] : undefined;
}

/** Check the platform online; throws the first failure (it names the fix). */
async function verifyOnline(
  platform: PlatformName,
  settings: TetherConfig,
  io: CommandContext['io'],
  given: InitOptions,
): Promise<void> {
  let lines: CheckLine[];
  switch (platform) {
    case 'telegram':
      lines = await checkTelegram(settings.telegram ?? {});
      break;
    case 'slack':
      lines = await checkSlack(settings.slack ?? {});
      break;
    case 'discord':
      lines = await checkDiscord(settings.discord ?? {});
      break;
    case 'web':
      return;
    default: {
      const never: never = platform;
      throw new CliError(`Unknown platform ${String(never)}`);
    }
  }
  // The failure is said once, on stderr; the lines that passed before it are printed.
  const failure = lines.find((line) => line.status === 'fail');
  for (const line of lines) if (line !== failure) io.out(formatCheckLine(line));
  if (failure) throw new CliError(`${namedAsGiven(failure.text, given)} (nothing was written)`);
}

/**
 * A check's fix names the environment variable (`check TELEGRAM_BOT_TOKEN`); when the value came from a flag,
 * name the flag the person typed instead.
 */
function namedAsGiven(text: string, given: InitOptions): string {
  let named = text;
  for (const field of SETTING_FIELDS) {
    if (field.env === undefined || field.flag === undefined || field.option === undefined) continue;
    if ((given as Record<string, unknown>)[field.option] === undefined) continue;
    named = named.replaceAll(field.env, field.flag);
  }
  return named;
}

/** Ensure the chosen platform has what it needs (offline check); throws naming the missing setting. */
function requireComplete(platform: PlatformName, settings: TetherConfig): void {
  // Non-interactive init is set up by flags: the error names the flag (and the variable).
  if (platform === 'telegram') requireTelegram(settings, 'flags');
  if (platform === 'slack') requireSlack(settings, 'flags');
  if (platform === 'discord') requireDiscord(settings, 'flags');
}

/**
 * Write (or update) the config file for one platform; other platforms' settings in the file are kept.
 * @returns 0 on success.
 */
export async function initCommand(options: InitOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const path = configFilePath(options.config, io.env);
  const existing = readConfigFile(path);
  // Flags over environment; the file's old values are only kept for what was not given.
  let given = mergeSettings(settingsFromEnv(io.env), settingsFromFlags({ ...options }));
  let platform = inferPlatform(given);
  if (options.nonInteractive) {
    if (platform === undefined) {
      throw new UsageError('init --non-interactive needs --platform telegram, slack, discord or web');
    }
    given = mergeSettings(existing.config, given);
    requireComplete(platform, given);
    if (!options.offline) await verifyOnline(platform, given, io, options);
  } else {
    const prompter = new Prompter();
    try {
      platform ??= await prompter.choose('Which platform do you want to use?', PLATFORM_NAMES, 'telegram');
      given = await askPlatformSettings(platform, mergeSettings(existing.config, given), {
        io,
        prompter,
        online: !options.offline,
      });
    } finally {
      prompter.close();
    }
  }
  const next: TetherConfig = {
    ...existing.config,
    platform,
    ...(platform === 'web' ? (given.web ? { web: given.web } : {}) : { [platform]: given[platform] }),
  };
  writeConfigFile(path, next);
  io.out(
    existing.exists
      ? `✓ Updated ${path} (readable only by you): ${platform} settings replaced, other settings kept.`
      : `✓ Wrote ${path} (readable only by you).`,
  );
  // The hint must work as typed: with --config, the commands need it too.
  const config = options.config === undefined ? '' : ` --config ${quoteArg(options.config)}`;
  io.out(
    `Next: \`agent-tether doctor${config}\` to check everything, then \`agent-tether run${config} -- "your prompt"\`.`,
  );
  return 0;
}

/** `value` as one shell word (quoted when it holds anything but safe characters). */
function quoteArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}
