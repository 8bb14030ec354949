/**
 * Telegram checks shared by `doctor` and `init`, on grammY's `Api` (loaded only when Telegram is used):
 * the token works (getMe), the group is a forum and the bot is an administrator that may manage topics.
 * @module
 */
import type { UserFromGetMe } from '@grammyjs/types';
import type { Api } from 'grammy';
import { missingSdkError } from '../bridge-factory.js';
import type { TetherConfig } from '../config.js';
import { CliError } from '../errors.js';
import { type CheckLine, failed, messageOf, passed } from './check-line.js';

/** How long one Bot API check may take. */
const CHECK_TIMEOUT_MS = 15_000;

/** grammY's `Api` for `token`, talking to `apiRoot` (a self-hosted Bot API server or a fake) when given. */
export async function telegramApi(token: string, apiRoot: string | undefined): Promise<Api> {
  try {
    const { Api: GrammyApi } = await import('grammy');
    return new GrammyApi(token, apiRoot === undefined ? undefined : { apiRoot });
  } catch (error) {
    throw missingSdkError('telegram', error) ?? new CliError(`Cannot load grammY: ${messageOf(error)}`);
  }
}

/**
 * Check the token with getMe.
 * @throws the bridge's ConfigError (its message names the fix) or a network error.
 */
export async function verifyTelegramToken(api: Api, token: string, apiRoot?: string): Promise<UserFromGetMe> {
  const { checkToken } = await import('../../telegram/startup.js');
  return checkToken(api, token, AbortSignal.timeout(CHECK_TIMEOUT_MS), apiRoot);
}

/**
 * Check that `chatId` is a forum and the bot may manage its topics.
 * @throws the bridge's ConfigError naming the fix.
 */
export async function verifyTelegramGroup(
  api: Api,
  token: string,
  me: UserFromGetMe,
  chatId: number,
): Promise<void> {
  const { checkForumGroup } = await import('../../telegram/startup.js');
  await checkForumGroup(api, { chatId, me, token, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
}

/** `doctor`'s Telegram lines. */
export async function checkTelegram(telegram: NonNullable<TetherConfig['telegram']>): Promise<CheckLine[]> {
  const { token, forumGroupId, apiRoot } = telegram;
  if (token === undefined) {
    return [
      failed(
        'Telegram bot token: not set: run `agent-tether init --platform telegram`, or set TELEGRAM_BOT_TOKEN',
      ),
    ];
  }
  let api: Api;
  let me: UserFromGetMe;
  try {
    api = await telegramApi(token, apiRoot);
    me = await verifyTelegramToken(api, token, apiRoot);
  } catch (error) {
    const network = (error as { code?: unknown }).code === 'NETWORK';
    return [failed(network ? `Telegram: ${messageOf(error)}` : `Telegram bot token: ${messageOf(error)}`)];
  }
  const lines = [passed(`Telegram bot token: valid, the bot is @${me.username}`)];
  if (forumGroupId === undefined) {
    lines.push(
      failed(
        'Telegram forum group: not set: run `agent-tether init --platform telegram` (it finds the id for you), or set TELEGRAM_FORUM_GROUP_ID',
      ),
    );
    return lines;
  }
  try {
    await verifyTelegramGroup(api, token, me, forumGroupId);
    lines.push(
      passed(`Telegram forum group ${forumGroupId}: a forum, and @${me.username} may manage its topics`),
    );
  } catch (error) {
    lines.push(failed(`Telegram forum group ${forumGroupId}: ${messageOf(error)}`));
  }
  return lines;
}
