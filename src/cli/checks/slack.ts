/**
 * `doctor`'s Slack checks with @slack/web-api (loaded only when Slack is configured): the bot token
 * (auth.test), the app-level token (apps.connections.open, what Socket Mode needs) and the channel.
 * @module
 */
import { missingSdkError } from '../bridge-factory.js';
import type { TetherConfig } from '../config.js';
import { type CheckLine, failed, messageOf, passed } from './check-line.js';

function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : messageOf(error);
}

/** `doctor`'s Slack lines. */
export async function checkSlack(slack: NonNullable<TetherConfig['slack']>): Promise<CheckLine[]> {
  const { botToken, appToken, channelId, apiUrl } = slack;
  let WebClient: typeof import('@slack/web-api').WebClient;
  try {
    ({ WebClient } = await import('@slack/web-api'));
  } catch (error) {
    return [failed(`Slack: ${messageOf(missingSdkError('slack', error) ?? error)}`)];
  }
  const client = (token: string) =>
    new WebClient(token, {
      ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl }),
      retryConfig: { retries: 0 },
      timeout: 15_000,
    });
  const lines: CheckLine[] = [];
  let botOk = false;
  if (botToken === undefined) {
    lines.push(
      failed('Slack bot token: not set: run `agent-tether init --platform slack`, or set SLACK_BOT_TOKEN'),
    );
  } else {
    try {
      const auth = await client(botToken).auth.test();
      botOk = true;
      lines.push(
        passed(
          `Slack bot token: valid, the bot is ${auth.user ?? auth.user_id ?? '?'} in ${auth.team ?? '?'}`,
        ),
      );
    } catch (error) {
      lines.push(
        failed(
          `Slack bot token: Slack refused it (${slackErrorCode(error)}): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page`,
        ),
      );
    }
  }
  if (appToken === undefined) {
    lines.push(
      failed(
        'Slack app-level token: not set: run `agent-tether init --platform slack`, or set SLACK_APP_TOKEN',
      ),
    );
  } else {
    try {
      await client(appToken).apps.connections.open();
      lines.push(passed('Slack app-level token: valid, Socket Mode can connect'));
    } catch (error) {
      lines.push(
        failed(
          `Slack app-level token: Slack refused it (${slackErrorCode(error)}): enable Socket Mode and create an app-level token with connections:write (Basic Information → App-Level Tokens)`,
        ),
      );
    }
  }
  if (channelId === undefined) {
    lines.push(failed('Slack channel: not set: set SLACK_CHANNEL_ID to the channel id (C…)'));
  } else if (botOk && botToken !== undefined) {
    try {
      await client(botToken).conversations.info({ channel: channelId });
      lines.push(passed(`Slack channel ${channelId}: the bot can see it`));
    } catch (error) {
      lines.push(
        failed(
          `Slack channel ${channelId}: ${slackErrorCode(error)}: invite the bot to the channel (/invite @your-bot) and check SLACK_CHANNEL_ID`,
        ),
      );
    }
  }
  return lines;
}
