/**
 * `doctor`'s Discord checks with @discordjs/rest (loaded only when Discord is configured): the token
 * (GET /users/@me) and the channel.
 * @module
 */
import { missingSdkError } from '../bridge-factory.js';
import type { TetherConfig } from '../config.js';
import { type CheckLine, failed, messageOf, passed } from './check-line.js';

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** `doctor`'s Discord lines. */
export async function checkDiscord(discord: NonNullable<TetherConfig['discord']>): Promise<CheckLine[]> {
  const { token, channelId, api } = discord;
  if (token === undefined) {
    return [
      failed(
        'Discord bot token: not set: run `agent-tether init --platform discord`, or set DISCORD_BOT_TOKEN',
      ),
    ];
  }
  let REST: typeof import('@discordjs/rest').REST;
  try {
    ({ REST } = await import('@discordjs/rest'));
  } catch (error) {
    return [failed(`Discord: ${messageOf(missingSdkError('discord', error) ?? error)}`)];
  }
  const rest = new REST({ retries: 0, timeout: 15_000, ...(api === undefined ? {} : { api }) }).setToken(
    token,
  );
  const lines: CheckLine[] = [];
  try {
    const me = (await rest.get('/users/@me')) as { username?: string };
    lines.push(passed(`Discord bot token: valid, the bot is ${me.username ?? '?'}`));
  } catch (error) {
    const status = statusOf(error);
    lines.push(
      failed(
        status === 401
          ? 'Discord bot token: Discord refused it (401 Unauthorized): reset it in the Developer Portal (Bot → Reset Token), then run `agent-tether init --platform discord`'
          : `Discord bot token: could not check it (${messageOf(error)}): check the network and try again`,
      ),
    );
    return lines;
  }
  if (channelId !== undefined) {
    try {
      await rest.get(`/channels/${channelId}`);
      lines.push(passed(`Discord channel ${channelId}: the bot can see it`));
    } catch (error) {
      lines.push(
        failed(
          `Discord channel ${channelId}: the bot cannot see it (${statusOf(error) ?? messageOf(error)}): invite the bot to the server with the View Channel and Send Messages permissions, and check DISCORD_CHANNEL_ID`,
        ),
      );
    }
  }
  return lines;
}
