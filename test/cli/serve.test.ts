/**
 * `agent-tether serve`, `status`, `run` joining the daemon, and `hooks install`, as a person runs them:
 * real CLI processes against a FakeTelegramServer forum.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const OWNER = { id: 1001, first_name: 'Olivia', username: 'olivia' };
const ENDPOINT = /control endpoint (http:\/\/127\.0\.0\.1:\d+)/;

function writeConfig(path: string, config: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(config));
  chmodSync(path, 0o600);
}

describe('agent-tether serve (Telegram, against the fake Bot API)', { timeout: 180_000 }, () => {
  let sandbox: CliSandbox;
  let fake: FakeTelegramServer;
  let chatId: number;
  const clis: CliProcess[] = [];
  beforeEach(async () => {
    sandbox = createSandbox();
    fake = new FakeTelegramServer({ token: TOKEN, rateLimits: false });
    const apiRoot = await fake.start();
    chatId = fake.createForumGroup({ title: 'Agents' });
    writeConfig(sandbox.configPath, {
      telegram: { token: TOKEN, forumGroupId: chatId, allowedUserIds: [OWNER.id], apiRoot },
      serve: { port: 0 },
    });
  });
  afterEach(async () => {
    for (const cli of clis.splice(0)) await killCli(cli);
    await fake.stop();
    sandbox.cleanup();
  });

  function start(args: string[]): CliProcess {
    const cli = startCli(args, sandbox.env);
    clis.push(cli);
    return cli;
  }

  it('a second serve on the same data dir refuses in one line naming the first; SIGTERM stops cleanly', async () => {
    const serve = start(['serve']);
    const [, url] = await serve.waitForStdout(ENDPOINT, 30_000);
    const second = await runCli(['serve'], sandbox.env);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`already running .*pid ${serve.child.pid}.*${url}`));
    const status = await runCli(['status'], sandbox.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`pid ${serve.child.pid}`);
    expect(status.stdout).toContain('No live sessions.');
    const secret = join(sandbox.env.AGENT_TETHER_HOME ?? '', 'control-secret');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(existsSync(join(sandbox.env.AGENT_TETHER_HOME ?? '', 'serve.json'))).toBe(false);
    const down = await runCli(['status'], sandbox.env);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/serve is not running/);
  });

  it('two `run`s at once on one bot both get their approvals answered (they join serve)', async () => {
    const serve = start(['serve']);
    await serve.waitForStdout(ENDPOINT, 30_000);
    const runs = [1, 2].map((n) =>
      start([
        'run',
        '--runner',
        'subprocess',
        '--name',
        `agent ${n}`,
        '--',
        'node',
        'examples/jsonl-agent.mjs',
      ]),
    );
    for (const run of runs) await run.waitForStdout(/through agent-tether serve/, 30_000);
    for (const n of [1, 2]) {
      const topic = await fake.waitFor(() => fake.topics(chatId).find((t) => t.name === `agent ${n}`), {
        what: `the topic of agent ${n}`,
        timeoutMs: REAL_PROCESS_WAIT_MS,
      });
      const card = await fake.waitFor(
        () =>
          fake.topicMessages(chatId, topic.id).find((m) => m.fromBot && m.buttons.flat().includes('Allow')),
        { what: `the card of agent ${n}`, timeoutMs: REAL_PROCESS_WAIT_MS },
      );
      await fake.userTaps({ chatId, message: card.messageId, button: 'Allow', from: OWNER });
      await fake.waitFor(
        () => fake.topicMessages(chatId, topic.id).some((m) => /echo hello\s+hello/.test(m.text)),
        { what: `agent ${n} ran its command`, timeoutMs: REAL_PROCESS_WAIT_MS },
      );
      fake.userSays({ chatId, topic: topic.id, from: OWNER, text: 'exit 3' });
    }
    for (const run of runs) expect(await run.exited).toBe(3);
    expect(serve.stderr()).not.toMatch(/409|could not deliver/);
  });

  it('hooks install merges only our hooks, idempotently, without the secret; uninstall removes only ours', async () => {
    const settings = join(sandbox.dir, '.claude', 'settings.json');
    const theirs = { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo theirs' }] };
    writeConfig(settings, { model: 'opus', hooks: { PreToolUse: [theirs] } });
    const dry = await runCli(['hooks', 'install', '--dry-run', '--port', '8799'], sandbox.env);
    expect(dry.stdout).toContain('http://127.0.0.1:8799/hooks/claude/PermissionRequest');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({
      model: 'opus',
      hooks: { PreToolUse: [theirs] },
    });
    for (let i = 0; i < 2; i++)
      expect((await runCli(['hooks', 'install', '--port', '8799'], sandbox.env)).code).toBe(0);
    const text = readFileSync(settings, 'utf8');
    const installed = JSON.parse(text);
    expect(installed.model).toBe('opus');
    expect(installed.hooks.PreToolUse).toHaveLength(2);
    expect(installed.hooks.PreToolUse[0]).toEqual(theirs);
    expect(installed.hooks.PermissionRequest[0].hooks[0]).toMatchObject({
      type: 'http',
      headers: { Authorization: 'Bearer $AGENT_TETHER_HOOK_TOKEN' },
      allowedEnvVars: ['AGENT_TETHER_HOOK_TOKEN'],
    });
    const secret = readFileSync(join(sandbox.env.AGENT_TETHER_HOME ?? '', 'control-secret'), 'utf8');
    expect(text).not.toContain(secret);
    expect(statSync(settings).mode & 0o777).toBe(0o600);
    await runCli(['hooks', 'uninstall'], sandbox.env);
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({
      model: 'opus',
      hooks: { PreToolUse: [theirs] },
    });
  });

  it('doctor says when the daemon is down, and when it runs', async () => {
    const down = await runCli(['doctor'], sandbox.env);
    expect(down.stdout).toMatch(/serve: the daemon is down/);
    const serve = start(['serve']);
    await serve.waitForStdout(ENDPOINT, 30_000);
    const up = await runCli(['doctor'], sandbox.env);
    expect(up.stdout).toMatch(new RegExp(`serve: running \\(pid ${serve.child.pid}`));
  });
});

describe('agent-tether serve --print-service', () => {
  it('prints a systemd user unit that runs serve, and a launchd agent on request', async () => {
    const sandbox = createSandbox();
    try {
      const systemd = await runCli(['serve', '--print-service', 'systemd'], sandbox.env);
      expect(systemd.code).toBe(0);
      expect(systemd.stdout).toMatch(/^\[Service\]$/m);
      expect(systemd.stdout).toMatch(/^ExecStart=.* serve$/m);
      expect(systemd.stdout).toContain(`Environment=AGENT_TETHER_HOME=${sandbox.env.AGENT_TETHER_HOME}`);
      const launchd = await runCli(['serve', '--print-service', 'launchd'], sandbox.env);
      expect(launchd.stdout).toContain('<string>serve</string>');
      expect(launchd.stdout).toContain('<key>KeepAlive</key><true/>');
    } finally {
      sandbox.cleanup();
    }
  });
});
