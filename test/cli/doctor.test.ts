import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { type CliSandbox, createSandbox, runCli } from './cli-process.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const WRONG_TOKEN = '123456789:ZZZdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9';
const SECRET_PARTS = [TOKEN.split(':')[1] ?? '', WRONG_TOKEN.split(':')[1] ?? ''];

function writeConfig(path: string, config: object, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(config));
  chmodSync(path, mode);
}

describe('agent-tether doctor (Telegram, against the fake Bot API)', () => {
  let sandbox: CliSandbox;
  let fake: FakeTelegramServer;
  let apiRoot: string;
  let groupId: number;
  beforeEach(async () => {
    sandbox = createSandbox();
    fake = new FakeTelegramServer({ token: TOKEN, botUsername: 'tether_test_bot' });
    apiRoot = await fake.start();
    groupId = fake.createForumGroup({ title: 'Agents' });
  });
  afterEach(async () => {
    await fake.stop();
    sandbox.cleanup();
  });

  it('reports a token Telegram refuses, with its fix, and exits 1 (env wins over the file)', async () => {
    writeConfig(sandbox.configPath, { telegram: { token: TOKEN, forumGroupId: groupId } });
    const result = await runCli(['doctor', '--telegram-api-root', apiRoot, '--verbose'], {
      ...sandbox.env,
      TELEGRAM_BOT_TOKEN: WRONG_TOKEN,
      ANTHROPIC_API_KEY: 'test',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^✗ Telegram bot token: Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN/m,
    );
    expect(result.stdout).toMatch(/^✓ Config file .*config\.json: valid$/m);
    expect(result.stdout).toMatch(/^✓ Store directory .*: writable$/m);
    expect(result.stdout).toContain('1 check failed');
    for (const secret of SECRET_PARTS) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('passes with a good token and forum group; flags a config file others can read', async () => {
    writeConfig(sandbox.configPath, { telegram: { token: TOKEN, forumGroupId: groupId, apiRoot } }, 0o644);
    const result = await runCli(['doctor'], sandbox.env);
    expect(result.stdout).toMatch(/^✓ Telegram bot token: valid, the bot is @tether_test_bot$/m);
    expect(result.stdout).toMatch(
      /^✓ Telegram forum group -\d+: a forum, and @tether_test_bot may manage its topics$/m,
    );
    expect(result.stdout).toMatch(/^✗ Config file .* can be read by other users \(mode 644\).*chmod 600/m);
    expect(result.code).toBe(1);
  });

  it('never prints a token, even when a bridge logs at debug level (run --verbose on Telegram)', async () => {
    const script = join(sandbox.dir, 'script.json');
    writeFileSync(script, JSON.stringify([{ output: 'Hello from the agent' }, { exit: 0 }]));
    writeConfig(sandbox.configPath, {
      platform: 'telegram',
      telegram: { token: TOKEN, forumGroupId: groupId, apiRoot },
    });
    const result = await runCli(
      ['--verbose', 'run', '--runner', 'scripted', '--script', script, '--', 'hello'],
      {
        ...sandbox.env,
        LOG_LEVEL: 'trace',
      },
    );
    expect(result.code).toBe(0);
    expect(fake.topics(groupId).map((t) => t.name)).toContain('hello');
    expect(result.stderr.length).toBeGreaterThan(0);
    for (const secret of SECRET_PARTS) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
