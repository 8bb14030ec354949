/**
 * `agent-tether doctor`: check the config and every configured platform; print ✓/✗ lines, each failure
 * with its fix; exit 1 if anything failed.
 * @module
 */

import { defaultDataDir } from '../../core/store/data-dir.js';
import { checkAcpCommand } from '../checks/acp.js';
import { type CheckLine, failed, formatCheckLine, messageOf, note, passed } from '../checks/check-line.js';
import { checkDiscord } from '../checks/discord.js';
import { checkClaudeSdk, checkCodex, checkConfigFile, checkStoreDirectory } from '../checks/local.js';
import { checkRedis } from '../checks/redis.js';
import { checkServe } from '../checks/serve.js';
import { checkSlack } from '../checks/slack.js';
import { checkTelegram } from '../checks/telegram.js';
import type { TetherConfig } from '../config.js';
import { configFilePath, readConfigFile } from '../config-file.js';
import { redisUrlProblem } from '../redis-url.js';
import { mergeSettings, settingsFromEnv, settingsFromFlags } from '../settings.js';
import type { CommandContext } from './context.js';

/** Options of `agent-tether doctor`. */
export interface DoctorOptions {
  /** The config file. */
  readonly config?: string;
  /** Telegram Bot API root to check against. */
  readonly telegramApiRoot?: string;
  /** Slack Web API URL to check against. */
  readonly slackApiUrl?: string;
  /** Discord REST API URL to check against. */
  readonly discordApi?: string;
  /** An ACP agent command to check (`--agent-cmd "gemini --acp"`). */
  readonly agentCmd?: string;
  /** The Redis several hosts share. @defaultValue the config's `redis.url` */
  readonly redis?: string;
}

const isSet = (section: object | undefined) =>
  section !== undefined && Object.values(section).some((value) => value !== undefined);

async function platformLines(settings: TetherConfig): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const chosen = settings.platform;
  const telegram = settings.telegram;
  const slack = settings.slack;
  const discord = settings.discord;
  const configured = {
    telegram: chosen === 'telegram' || isSet({ ...telegram, apiRoot: undefined }),
    slack: chosen === 'slack' || isSet({ ...slack, apiUrl: undefined }),
    discord: chosen === 'discord' || isSet({ ...discord, api: undefined }),
  };
  if (configured.telegram) lines.push(...(await checkTelegram(telegram ?? {})));
  if (configured.slack) lines.push(...(await checkSlack(slack ?? {})));
  if (configured.discord) lines.push(...(await checkDiscord(discord ?? {})));
  lines.push(passed('Web page: ready, no account needed (`agent-tether demo` to try it)'));
  if (!configured.telegram && !configured.slack && !configured.discord) {
    lines.push(note('No chat platform configured: `agent-tether init` sets up Telegram, Slack or Discord'));
  }
  return lines;
}

/**
 * Run every check and print the report.
 * @returns 1 if any check failed, else 0.
 */
export async function doctorCommand(options: DoctorOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const lines: CheckLine[] = [];
  const print = (more: readonly CheckLine[]) => {
    for (const line of more) io.out(formatCheckLine(line));
    lines.push(...more);
  };
  let settings: TetherConfig | undefined;
  try {
    const flags = settingsFromFlags({ ...options });
    const file = readConfigFile(configFilePath(options.config, io.env));
    if (options.config !== undefined && !file.exists) {
      // A file named on the command line must exist: checking defaults instead would hide a typo.
      print([
        failed(
          `Config file ${file.path}: does not exist: check the path, or write it with \`agent-tether init --config ${file.path}\``,
        ),
      ]);
      return finish(lines, io);
    }
    print(checkConfigFile(file));
    settings = mergeSettings(file.config, settingsFromEnv(io.env), flags);
  } catch (error) {
    print([failed(messageOf(error))]);
  }
  if (settings !== undefined) {
    print([checkStoreDirectory(settings.dataDir, io.env)]);
    print(await platformLines(settings));
    print(await checkServe(settings.dataDir ?? defaultDataDir(io.env), io.env));
    const redis = options.redis ?? settings.redis?.url;
    const problem = options.redis === undefined ? undefined : redisUrlProblem(options.redis);
    if (problem !== undefined) print([failed(`--redis ${problem}`)]);
    else if (redis !== undefined) print(await checkRedis(redis));
  }
  print([...checkClaudeSdk(io.env), checkCodex(io.env)]);
  if (options.agentCmd !== undefined) print([await checkAcpCommand(options.agentCmd)]);
  return finish(lines, io);
}

/** Print the summary line; 1 if any check failed, else 0. */
function finish(lines: readonly CheckLine[], io: CommandContext['io']): number {
  const failures = lines.filter((line) => line.status === 'fail').length;
  io.out('');
  io.out(
    failures === 0
      ? 'All checks passed.'
      : `${failures} check${failures === 1 ? '' : 's'} failed: see the fixes above.`,
  );
  return failures === 0 ? 0 : 1;
}
