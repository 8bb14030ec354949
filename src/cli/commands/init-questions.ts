/**
 * `init`'s interactive questions, per platform: ask only what is missing, check each answer online as soon
 * as it is given, and explain the fix when a check fails.
 * @module
 */
import type { UserFromGetMe } from '@grammyjs/types';
import type { Api } from 'grammy';
import { formatCheckLine, messageOf, passed } from '../checks/check-line.js';
import { checkDiscord } from '../checks/discord.js';
import { checkSlack } from '../checks/slack.js';
import { telegramApi, verifyTelegramGroup, verifyTelegramToken } from '../checks/telegram.js';
import { configSchema, type PlatformName, type TetherConfig } from '../config.js';
import type { Prompter } from '../prompter.js';
import { mergeSettings } from '../settings.js';
import { discoverForumGroup } from '../telegram-setup.js';
import type { CliIo } from '../terminal.js';

/** What the questions need. */
export interface QuestionContext {
  readonly io: CliIo;
  readonly prompter: Prompter;
  /** Check answers online. */
  readonly online: boolean;
}

/** A parser for `Prompter.askValid` from one field of the config schema. */
function fieldParser<T>(
  section: 'telegram' | 'slack' | 'discord',
  field: string,
  convert: (answer: string) => unknown = (a) => a,
) {
  return (answer: string): { value: T } | { error: string } => {
    const parsed = configSchema.safeParse({ [section]: { [field]: convert(answer) } });
    if (parsed.success) return { value: (parsed.data[section] as Record<string, T>)[field] as T };
    return { error: parsed.error.issues[0]?.message ?? 'invalid' };
  };
}

async function askTelegram(
  current: TetherConfig,
  { io, prompter, online }: QuestionContext,
): Promise<TetherConfig> {
  const telegram = { ...current.telegram };
  let api: Api | undefined;
  let me: UserFromGetMe | undefined;
  for (;;) {
    telegram.token ??= await prompter.askValid<string>(
      'Telegram bot token (from @BotFather: /newbot, or /mybots → API Token)',
      fieldParser('telegram', 'token'),
    );
    if (!online) break;
    try {
      api = await telegramApi(telegram.token, telegram.apiRoot);
      me = await verifyTelegramToken(api, telegram.token);
      io.out(formatCheckLine(passed(`Connected as @${me.username}`)));
      break;
    } catch (error) {
      io.out(`  ✗ ${messageOf(error)}`);
      delete telegram.token;
    }
  }
  if (telegram.forumGroupId === undefined) {
    if (api !== undefined && me !== undefined) {
      const group = await discoverForumGroup(api, me, io);
      io.out(formatCheckLine(passed(`Found the group "${group.title}" (${group.chatId})`)));
      telegram.forumGroupId = group.chatId;
      if (group.from !== undefined && telegram.allowedUserIds === undefined) {
        if (
          await prompter.confirm(`Let only ${group.from.name} (id ${group.from.id}) answer the agent?`, true)
        ) {
          telegram.allowedUserIds = [group.from.id];
        }
      }
    } else {
      telegram.forumGroupId = await prompter.askValid<number>(
        'Forum group id (starts with -100)',
        fieldParser('telegram', 'forumGroupId', Number),
      );
    }
  }
  while (api !== undefined && me !== undefined) {
    try {
      await verifyTelegramGroup(api, telegram.token, me, telegram.forumGroupId);
      io.out(formatCheckLine(passed(`@${me.username} may manage topics in the group`)));
      break;
    } catch (error) {
      io.out(`  ✗ ${messageOf(error)}`);
      if (!(await prompter.confirm('Fixed it? Check again', true))) break;
    }
  }
  return mergeSettings(current, { telegram });
}

async function askSlack(
  current: TetherConfig,
  { io, prompter, online }: QuestionContext,
): Promise<TetherConfig> {
  const slack = { ...current.slack };
  slack.botToken ??= await prompter.askValid<string>(
    'Slack bot token (xoxb-…, OAuth & Permissions page)',
    fieldParser('slack', 'botToken'),
  );
  slack.appToken ??= await prompter.askValid<string>(
    'Slack app-level token (xapp-…, Basic Information → App-Level Tokens, scope connections:write)',
    fieldParser('slack', 'appToken'),
  );
  slack.channelId ??= await prompter.askValid<string>(
    'Slack channel id (C…, channel details → bottom of About)',
    fieldParser('slack', 'channelId'),
  );
  if (online) for (const line of await checkSlack(slack)) io.out(formatCheckLine(line));
  return mergeSettings(current, { slack });
}

async function askDiscord(
  current: TetherConfig,
  { io, prompter, online }: QuestionContext,
): Promise<TetherConfig> {
  const discord = { ...current.discord };
  discord.token ??= await prompter.askValid<string>(
    'Discord bot token (Developer Portal → your app → Bot → Reset Token)',
    fieldParser('discord', 'token'),
  );
  if (discord.channelId === undefined) {
    const parseChannel = fieldParser<string>('discord', 'channelId');
    const channel = await prompter.askValid<string>(
      'Discord channel id for agent threads (empty: pair in any channel later)',
      (answer) => (answer === '' ? { value: '' } : parseChannel(answer)),
    );
    if (channel !== '') discord.channelId = channel;
  }
  if (online) for (const line of await checkDiscord(discord)) io.out(formatCheckLine(line));
  return mergeSettings(current, { discord });
}

async function askWeb(current: TetherConfig, { prompter }: QuestionContext): Promise<TetherConfig> {
  const lan = await prompter.confirm('Let phones on your Wi-Fi open the page (listen on 0.0.0.0)?', false);
  return mergeSettings(current, { web: { ...current.web, host: lan ? '0.0.0.0' : '127.0.0.1' } });
}

/** Ask what `platform` still needs and return the settings with the answers merged in. */
export async function askPlatformSettings(
  platform: PlatformName,
  current: TetherConfig,
  context: QuestionContext,
): Promise<TetherConfig> {
  switch (platform) {
    case 'telegram':
      return askTelegram(current, context);
    case 'slack':
      return askSlack(current, context);
    case 'discord':
      return askDiscord(current, context);
    case 'web':
      return askWeb(current, context);
    default: {
      const never: never = platform;
      return never;
    }
  }
}
