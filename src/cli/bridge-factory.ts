/**
 * Builds the selected platform's bridge from the settings. Each platform module is loaded with a dynamic
 * `import()` only when selected, so a missing optional SDK (grammY, the Slack or Discord packages) only
 * matters to the person who picked that platform — and then they get the `npm install` line that fixes it.
 * @module
 */
import type { Bridge, BridgeOptions } from '../core/bridge.js';
import { MemoryStore } from '../core/store/index.js';
import type { Store } from '../core/store/types.js';
import { remindersFromConfig, rulesFromConfig } from './approval-config.js';
import type { PlatformName, TetherConfig } from './config.js';
import { CliError } from './errors.js';
import { filesFromConfig } from './files-config.js';
import type { CliLogger } from './logger.js';
import { secretMaskingFromConfig } from './secrets-config.js';
import { requireDiscord, requireSlack, requireTelegram } from './settings.js';

/** The npm packages each platform needs (its optional peer dependencies). */
export const PLATFORM_PACKAGES: Readonly<Record<Exclude<PlatformName, 'web'>, readonly string[]>> = {
  telegram: ['grammy', '@grammyjs/auto-retry'],
  slack: ['@slack/web-api', '@slack/socket-mode'],
  discord: ['@discordjs/core', '@discordjs/rest', '@discordjs/ws'],
};

/**
 * If `error` says a package of `platform`'s SDK is missing, the one-line error naming the fix.
 * @returns undefined when the error is about something else.
 */
export function missingSdkError(
  platform: Exclude<PlatformName, 'web'>,
  error: unknown,
): CliError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const name = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  const packages = PLATFORM_PACKAGES[platform];
  if (name === undefined || !packages.some((p) => name === p || name.startsWith(`${p}/`))) return undefined;
  return new CliError(
    `The ${platform} platform needs ${packages.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed (${name} is missing): npm install ${packages.join(' ')}`,
    { cause: error },
  );
}

/** Load a platform module; a missing SDK or a broken install becomes one line naming the fix. */
async function loadPlatform<T>(platform: Exclude<PlatformName, 'web'>, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw (
      missingSdkError(platform, error) ??
      new CliError(
        `The ${platform} bridge could not be loaded (${error instanceof Error ? error.message : String(error)}): reinstall agent-tether`,
        { cause: error },
      )
    );
  }
}

/** What every bridge the CLI builds gets. */
export interface BridgeFactoryOptions {
  readonly logger: CliLogger;
  /** Extra bridge options (handlers, timeouts). */
  readonly bridgeOptions?: Omit<BridgeOptions, 'logger' | 'store' | 'dataDir'>;
  /** The web page's access token. @defaultValue a new one per bridge */
  readonly webAccessToken?: string;
  /** A store the chat bridges share (`serve`). @defaultValue each opens the SQLite store of `config.dataDir` */
  readonly store?: Store;
}

/**
 * Build the bridge of `platform` from `config` (merged flags, environment and file).
 * The web bridge keeps its state in memory (its page and access token live as long as the process); chat
 * platforms use the durable SQLite store in `config.dataDir` (`$AGENT_TETHER_HOME`).
 * @throws CliError when a setting is missing or the platform's SDK is not installed.
 */
export async function createBridge(
  platform: PlatformName,
  config: TetherConfig,
  options: BridgeFactoryOptions,
): Promise<Bridge> {
  const common = {
    ...options.bridgeOptions,
    logger: options.logger,
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
    ...(config.rules === undefined ? {} : { rules: rulesFromConfig(config.rules) }),
    ...(config.reminders === undefined ? {} : { reminders: remindersFromConfig(config.reminders) }),
    ...(config.secrets === undefined ? {} : { secretMasking: secretMaskingFromConfig(config.secrets) }),
    ...filesFromConfig(config),
    ...(options.store === undefined ? {} : { store: options.store }),
  };
  switch (platform) {
    case 'web': {
      const { WebBridge } = await import('../web/index.js');
      const { dataDir: _unused, store: _shared, ...rest } = common;
      return new WebBridge({
        ...rest,
        store: new MemoryStore(),
        ...(config.web?.port === undefined ? {} : { port: config.web.port }),
        ...(config.web?.host === undefined ? {} : { host: config.web.host }),
        ...(options.webAccessToken === undefined ? {} : { accessToken: options.webAccessToken }),
      });
    }
    case 'telegram': {
      const settings = requireTelegram(config);
      const { TelegramBridge } = await loadPlatform('telegram', () => import('../telegram/index.js'));
      return new TelegramBridge({
        ...common,
        token: settings.token,
        forumGroupId: settings.forumGroupId,
        ...(settings.apiRoot === undefined ? {} : { apiRoot: settings.apiRoot }),
        ...(settings.allowedUserIds === undefined ? {} : { allowedUserIds: settings.allowedUserIds }),
      });
    }
    case 'slack': {
      const settings = requireSlack(config);
      const { SlackBridge } = await loadPlatform('slack', () => import('../slack/index.js'));
      return new SlackBridge({
        ...common,
        botToken: settings.botToken,
        appToken: settings.appToken,
        channelId: settings.channelId,
        ...(settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl }),
      });
    }
    case 'discord': {
      const settings = requireDiscord(config);
      const { DiscordBridge } = await loadPlatform('discord', () => import('../discord/index.js'));
      return new DiscordBridge({
        ...common,
        token: settings.token,
        ...(settings.channelId === undefined ? {} : { channelId: settings.channelId }),
        ...(settings.api === undefined ? {} : { api: settings.api }),
      });
    }
    default: {
      const never: never = platform;
      throw new CliError(`Unknown platform ${String(never)}`);
    }
  }
}
