import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';

describe('agent-tether init (Telegram, against the fake Bot API)', () => {
  let sandbox: CliSandbox;
  let fake: FakeTelegramServer;
  let apiRoot: string;
  let cli: CliProcess | undefined;
  beforeEach(async () => {
    sandbox = createSandbox();
    fake = new FakeTelegramServer({ token: TOKEN, botUsername: 'tether_test_bot' });
    apiRoot = await fake.start();
  });
  afterEach(async () => {
    await killCli(cli);
    await fake.stop();
    sandbox.cleanup();
  });

  it('--non-interactive checks the token and the group, then writes a private config', async () => {
    const groupId = fake.createForumGroup({ title: 'Agents' });
    const result = await runCli(
      [
        'init',
        '--non-interactive',
        '--platform',
        'telegram',
        '--telegram-token',
        TOKEN,
        '--telegram-group-id',
        String(groupId),
        '--telegram-api-root',
        apiRoot,
        '--verbose',
      ],
      sandbox.env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('@tether_test_bot');
    expect(statSync(sandbox.configPath).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(sandbox.configPath)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(sandbox.configPath, 'utf8'))).toEqual({
      platform: 'telegram',
      telegram: { token: TOKEN, forumGroupId: groupId, apiRoot },
    });
    expect(result.stdout + result.stderr).not.toContain(TOKEN.split(':')[1]);
  });

  it('--non-interactive refuses a group without Topics, says how to fix it, writes nothing', async () => {
    const groupId = fake.createForumGroup({ title: 'Plain group', isForum: false });
    const result = await runCli(
      [
        'init',
        '--non-interactive',
        '--platform',
        'telegram',
        '--telegram-group-id',
        String(groupId),
        '--telegram-api-root',
        apiRoot,
      ],
      { ...sandbox.env, TELEGRAM_BOT_TOKEN: TOKEN },
    );
    expect(result.code).toBe(1);
    const errorLines = result.stderr.trim().split('\n');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/not a forum: enable Topics.*nothing was written/);
    expect(() => statSync(sandbox.configPath)).toThrow();
    expect(result.stdout + result.stderr).not.toContain(TOKEN.split(':')[1]);
  });

  it('interactive: asks for the token, finds the group from a message written in it, offers the writer as the only user', async () => {
    const groupId = fake.createForumGroup({ title: 'Agents' });
    cli = startCli(['init', '--platform', 'telegram', '--telegram-api-root', apiRoot], sandbox.env);
    await cli.waitForStdout(/Telegram bot token/);
    cli.type(TOKEN);
    await cli.waitForStdout(/Waiting for it/);
    fake.userSays({
      chatId: groupId,
      from: { id: 4242, first_name: 'Ada', username: 'ada' },
      text: '/start',
    });
    await cli.waitForStdout(/Let only @ada \(id 4242\) answer/);
    cli.type('y');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('may manage topics');
    expect(JSON.parse(readFileSync(sandbox.configPath, 'utf8'))).toMatchObject({
      platform: 'telegram',
      telegram: { token: TOKEN, forumGroupId: groupId, allowedUserIds: [4242] },
    });
  });
});
