/**
 * `init`'s Telegram discovery: find the forum group's id by asking the person to write in the group, then
 * reading the bot's updates (getUpdates), so nobody has to dig ids out of Telegram by hand.
 * @module
 */
import type { UserFromGetMe } from '@grammyjs/types';
import type { Api } from 'grammy';
import { messageOf } from './checks/check-line.js';
import { CliError } from './errors.js';
import type { CliIo } from './terminal.js';

/** A group found from a person's message. */
export interface DiscoveredGroup {
  readonly chatId: number;
  readonly title: string;
  /** Who wrote the message (offered as the only allowed user). */
  readonly from?: { readonly id: number; readonly name: string };
}

/** How long to wait for the person's message. @defaultValue 5 minutes */
export const DISCOVERY_TIMEOUT_MS = 5 * 60_000;

/**
 * Wait for a message in a forum supergroup the bot is in, and return that group. Updates read are
 * acknowledged, so the bridge does not see them again.
 * @throws CliError when nothing arrives in time, or the bot has a webhook (getUpdates is refused).
 */
export async function discoverForumGroup(
  api: Api,
  me: UserFromGetMe,
  io: CliIo,
  timeoutMs = DISCOVERY_TIMEOUT_MS,
): Promise<DiscoveredGroup> {
  io.out(
    `Add @${me.username} to your Telegram group with Topics turned on, make it an administrator with the "Manage topics" right,`,
  );
  io.out(`then send a message in the group (for example /start@${me.username}). Waiting for it…`);
  const deadline = Date.now() + timeoutMs;
  let offset: number | undefined;
  while (Date.now() < deadline) {
    const timeout = Math.max(0, Math.min(20, Math.floor((deadline - Date.now()) / 1000)));
    let updates: Awaited<ReturnType<Api['getUpdates']>>;
    try {
      updates = await api.getUpdates({
        ...(offset === undefined ? {} : { offset }),
        timeout,
        allowed_updates: ['message', 'my_chat_member'],
      });
    } catch (error) {
      throw new CliError(
        `Cannot read the bot's messages (${messageOf(error)}): if the bot has a webhook, delete it (deleteWebhook) or pass --telegram-group-id`,
        { cause: error },
      );
    }
    for (const update of updates) {
      offset = update.update_id + 1;
      const message = update.message;
      if (message === undefined || message.chat.type !== 'supergroup') continue;
      if (!message.chat.is_forum) {
        io.out(
          `  ✗ "${message.chat.title}" has no Topics: turn them on (group settings → Topics), then write again.`,
        );
        continue;
      }
      // Acknowledge what was read so the bridge starts after it.
      await api.getUpdates({ offset, timeout: 0 }).catch(() => undefined);
      const from = message.from;
      return {
        chatId: message.chat.id,
        title: message.chat.title,
        ...(from && !from.is_bot
          ? { from: { id: from.id, name: from.username ? `@${from.username}` : from.first_name } }
          : {}),
      };
    }
  }
  throw new CliError(
    'No message arrived from a forum group in time: check the bot is in the group, then run `agent-tether init` again (or pass --telegram-group-id)',
  );
}
