import { describe, expect, it } from 'vitest';
import { missingSdkError } from '../../src/cli/bridge-factory.js';
import { UsageError } from '../../src/cli/errors.js';
import {
  mergeSettings,
  requireTelegram,
  settingsFromEnv,
  settingsFromFlags,
} from '../../src/cli/settings.js';

describe('settings: flags > environment > config file', () => {
  const file = {
    platform: 'web' as const,
    telegram: { token: '1:file', forumGroupId: -100, allowedUserIds: [1] },
  };

  it('each field comes from the highest layer that sets it', () => {
    const env = settingsFromEnv({ TELEGRAM_BOT_TOKEN: '2:env', TELEGRAM_ALLOWED_USER_IDS: '7, 8' });
    const flags = settingsFromFlags({ telegramToken: '3:flag', platform: 'telegram' });
    const merged = mergeSettings(file, env, flags);
    expect(merged.platform).toBe('telegram');
    expect(requireTelegram(merged)).toEqual({ token: '3:flag', forumGroupId: -100, allowedUserIds: [7, 8] });
    expect(mergeSettings(file, env).telegram?.token).toBe('2:env');
  });

  it('empty environment variables count as unset', () => {
    expect(settingsFromEnv({ TELEGRAM_BOT_TOKEN: '', SLACK_CHANNEL_ID: '  ' })).toEqual({});
  });

  it('a malformed flag is a usage error naming the flag', () => {
    expect(() => settingsFromFlags({ telegramGroupId: '12' })).toThrow(UsageError);
    expect(() => settingsFromFlags({ telegramGroupId: '12' })).toThrow(
      /--telegram-group-id: should be negative/,
    );
    expect(() => settingsFromFlags({ slackBotToken: 'xapp-1' })).toThrow(
      /--slack-bot-token: should start with xoxb-/,
    );
  });

  it('AGENT_TETHER_HOME sets the data directory', () => {
    expect(settingsFromEnv({ AGENT_TETHER_HOME: '/srv/tether' }).dataDir).toBe('/srv/tether');
  });
});

describe('missingSdkError', () => {
  it('names the install command when the platform SDK is missing, and only then', () => {
    const missing = Object.assign(new Error("Cannot find package 'grammy' imported from /x/bridge.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(missingSdkError('telegram', missing)?.message).toMatch(
      /npm install grammy @grammyjs\/auto-retry$/,
    );
    const other = Object.assign(new Error("Cannot find package 'left-pad'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(missingSdkError('telegram', other)).toBeUndefined();
    const slack = Object.assign(new Error("Cannot find module '@slack/socket-mode/dist/index.js'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    expect(missingSdkError('slack', slack)?.message).toContain(
      'npm install @slack/web-api @slack/socket-mode',
    );
  });
});
