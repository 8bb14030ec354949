/**
 * Start-up checks of the Telegram bridge: the token works, the group is a forum, the bot may manage its
 * topics, and the command menu is registered. Every refusal becomes a ConfigError that names the fix.
 * @module
 */
import type { BotCommand, UserFromGetMe } from '@grammyjs/types';
import { type Api, GrammyError } from 'grammy';
import { ConfigError, TetherError } from '../core/errors.js';
import { toTetherError } from './errors.js';

/** grammY types its signals with the `abort-controller` shim; Node's AbortSignal is the same at runtime. */
export type ApiSignal = Parameters<Api['getMe']>[0];

/** Node's AbortSignal as grammY's parameter type. */
export function apiSignal(signal: AbortSignal): ApiSignal {
  return signal as unknown as ApiSignal;
}

/** The commands Telegram lists in its menu, from the bridge's registry (names Telegram accepts only). */
export function telegramCommandMenu(
  commands: readonly { name: string; description: string }[],
): BotCommand[] {
  return commands
    .filter((command) => /^[a-z0-9_]{1,32}$/.test(command.name))
    .slice(0, 100)
    .map((command) => ({
      command: command.name,
      description: (command.description.trim() || command.name).slice(0, 256),
    }));
}

/**
 * Check the token with `getMe`.
 * @returns the bot's own user.
 * @throws ConfigError on 401 (without the token in the message); PlatformError when Telegram is unreachable.
 */
export async function checkToken(
  api: Api,
  token: string,
  signal: AbortSignal,
  apiRoot = 'https://api.telegram.org',
): Promise<UserFromGetMe> {
  try {
    return await api.getMe(apiSignal(signal));
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      throw new ConfigError(
        'Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN from @BotFather (digits, a colon, then about 35 letters, digits, - and _)',
      );
    }
    const mapped = toTetherError(error, 'getMe', { token });
    if (mapped.code === 'NETWORK') {
      // Not a token problem: say which server could not be reached and how to fix that.
      const host = hostOf(apiRoot);
      const why = /\b(E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/.exec(mapped.message)?.[1] ?? 'no answer';
      throw new TetherError(
        'NETWORK',
        `telegram: cannot reach ${host} (${why}): check the internet connection or proxy; for a self-hosted Bot API server, give its address (--telegram-api-root or apiRoot)`,
        { cause: mapped },
      );
    }
    throw mapped;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Check that the group is a forum supergroup and that the bot is an administrator allowed to manage topics.
 * @throws ConfigError naming the fix.
 */
export async function checkForumGroup(
  api: Api,
  options: { chatId: number; me: UserFromGetMe; token: string; signal: AbortSignal },
): Promise<void> {
  const { chatId, me, token, signal } = options;
  let chat: Awaited<ReturnType<Api['getChat']>>;
  try {
    chat = await api.getChat(chatId, apiSignal(signal));
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403)) {
      throw new ConfigError(
        `Telegram cannot find the group ${chatId} (${error.description}): add @${me.username} to the group and set TELEGRAM_FORUM_GROUP_ID to its id (it starts with -100)`,
        { cause: error },
      );
    }
    throw toTetherError(error, 'getChat', { token });
  }
  if (chat.type !== 'supergroup' || !chat.is_forum) {
    throw new ConfigError(
      `The Telegram group ${chatId} is not a forum: enable Topics in the group settings (Edit → Topics), then start again`,
    );
  }
  let member: Awaited<ReturnType<Api['getChatMember']>>;
  try {
    member = await api.getChatMember(chatId, me.id, apiSignal(signal));
  } catch (error) {
    throw toTetherError(error, 'getChatMember', { token });
  }
  if (member.status !== 'administrator' && member.status !== 'creator') {
    throw new ConfigError(
      `@${me.username} is not an administrator of the group ${chatId}: make it an administrator with the "Manage topics" right`,
    );
  }
  if (member.status === 'administrator' && !member.can_manage_topics) {
    throw new ConfigError(
      `@${me.username} may not manage topics in the group ${chatId}: give it the "Manage topics" administrator right`,
    );
  }
}
