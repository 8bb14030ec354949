/**
 * A newcomer's first commands, run as a process the way they typed them: what the terminal says and the exit
 * code the shell sees.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTelegramServer } from '../../src/telegram/fake/index.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

/** The web page's default port (`DEFAULT_WEB_PORT`), as the URL shows it. */
const DEFAULT_PORT = '8787';
const URL_PATTERN = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)/;

describe('the first ten minutes with the CLI', () => {
  let sandbox: CliSandbox;
  const running: CliProcess[] = [];
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(async () => {
    for (const cli of running.splice(0)) await killCli(cli);
    sandbox.cleanup();
  });
  const start = (args: string[], env: NodeJS.ProcessEnv = sandbox.env) => {
    const cli = startCli(args, env);
    running.push(cli);
    return cli;
  };

  it('bare `agent-tether` prints the help and exits 0', async () => {
    const result = await runCli([], sandbox.env);
    expect(result.stdout + result.stderr).toContain('Usage: agent-tether');
    expect(result.stdout + result.stderr).toContain('demo');
    expect(result.code).toBe(0);
  });

  it('`doctor --config missing.json` fails: a named config file that does not exist is an error', async () => {
    const missing = join(sandbox.dir, 'missing.json');
    const result = await runCli(['doctor', '--config', missing], {
      ...sandbox.env,
      ANTHROPIC_API_KEY: 'test',
    });
    expect(result.stdout).toContain(`✗ Config file ${missing}: does not exist`);
    expect(result.stdout).toContain(`agent-tether init --config ${missing}`);
    expect(result.stdout).not.toContain('All checks passed');
    expect(result.code).toBe(1);
  });

  it('`doctor` checks Claude credentials and says how to get them', async () => {
    const without = await runCli(['doctor'], sandbox.env);
    expect(without.stdout).toMatch(
      /^✗ Claude credentials: none found, so `run --runner claude` cannot log in: set ANTHROPIC_API_KEY, or log in once with `claude` then `\/login`/m,
    );
    expect(without.code).toBe(1);
    const withKey = await runCli(['doctor'], { ...sandbox.env, ANTHROPIC_API_KEY: 'test' });
    expect(withKey.stdout).toMatch(/^✓ Claude credentials: ANTHROPIC_API_KEY is set/m);
    expect(withKey.stdout).toContain('All checks passed.');
    expect(withKey.code).toBe(0);
  });

  it('`run --runner claude` without credentials says so in the terminal, in one line, before starting', async () => {
    const result = await runCli(['run', '--no-open', '--', 'fix the failing test'], sandbox.env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: Claude Code has no credentials, so it cannot log in: set ANTHROPIC_API_KEY/,
    );
    expect(result.stdout).not.toContain('Open the page');
  });

  it('Ctrl-C ends `run` with exit code 130, as shells expect', async () => {
    const cli = start(['run', '--runner', 'scripted', '--port', '0', '--no-open', '--', 'demo']);
    await cli.waitForStdout(/Supervising "demo"/, REAL_PROCESS_WAIT_MS);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stdout()).not.toContain('Press Ctrl-C');
  });

  it('Ctrl-C on the demo does not answer "Press Ctrl-C to quit"', async () => {
    const demo = start(['demo', '--port', '0', '--no-open']);
    await demo.waitForStdout(/Press Ctrl-C to quit\./, REAL_PROCESS_WAIT_MS);
    const before = demo.stdout();
    demo.child.kill('SIGINT');
    await demo.exited;
    expect(demo.stdout().slice(before.length)).not.toContain('Press Ctrl-C');
  });

  it('`run` serves the page at the same address every time; a taken port falls back with a message', async () => {
    const script = join(sandbox.dir, 'wait.json');
    writeFileSync(script, JSON.stringify([{ output: 'waiting' }, { awaitInput: true }, { exit: 0 }]));
    const args = ['run', '--runner', 'scripted', '--script', script, '--no-open', '--', 'stable'];
    const first = start(args);
    const [, port1, token1] = await first.waitForStdout(URL_PATTERN, REAL_PROCESS_WAIT_MS);
    // Nothing else of this suite uses the default port (every other test asks for --port 0); only something outside
    // it could hold 8787, and then the first run says so too.
    if (port1 !== DEFAULT_PORT) await first.waitForStderr(new RegExp(`Port ${DEFAULT_PORT} is in use`));
    // While the first still holds the port, a second run says so and uses another port, with the same token.
    const second = start(args);
    const [, port2, token2] = await second.waitForStdout(URL_PATTERN, REAL_PROCESS_WAIT_MS);
    expect(port2).not.toBe(port1);
    expect(token2).toBe(token1);
    if (port1 === DEFAULT_PORT) await second.waitForStderr(new RegExp(`Port ${DEFAULT_PORT} is in use`));
    first.child.kill('SIGINT');
    await first.exited;
    second.child.kill('SIGINT');
    await second.exited;
    // The next run gets the first address back: a bookmark or a scanned QR code still works.
    const third = start(args);
    const [url3 = '', , token3] = await third.waitForStdout(URL_PATTERN, REAL_PROCESS_WAIT_MS);
    expect(token3).toBe(token1);
    if (port1 === DEFAULT_PORT) expect(url3).toContain(`:${DEFAULT_PORT}/`);
  });

  it('an unreachable Telegram server is "cannot reach <host>" with the fix, not a token problem', async () => {
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
    const result = await runCli(['doctor', '--telegram-api-root', 'http://127.0.0.1:9'], {
      ...sandbox.env,
      ANTHROPIC_API_KEY: 'test',
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_FORUM_GROUP_ID: '-1001234567890',
    });
    expect(result.stdout).toMatch(
      /^✗ Telegram: telegram: cannot reach 127\.0\.0\.1:9 \(ECONNREFUSED\): check the internet connection or proxy; for a self-hosted Bot API server, give its address \(--telegram-api-root or apiRoot\)$/m,
    );
    expect(result.stdout).not.toContain('bot token');
    expect(result.code).toBe(1);
  });

  it('`run` takes --telegram-api-root (a self-hosted Bot API server, here the fake)', async () => {
    await using fake = new FakeTelegramServer({ rateLimits: false });
    const apiRoot = await fake.start();
    const groupId = fake.createForumGroup({ title: 'Agents' });
    const script = join(sandbox.dir, 'hello.json');
    writeFileSync(script, JSON.stringify([{ output: 'Hello from the agent' }, { exit: 0 }]));
    const result = await runCli(
      [
        'run',
        '--platform',
        'telegram',
        '--telegram-api-root',
        apiRoot,
        '--runner',
        'scripted',
        '--script',
        script,
        '--',
        'hi',
      ],
      { ...sandbox.env, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_FORUM_GROUP_ID: String(groupId) },
    );
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const topic = fake.topics(groupId).find((t) => t.name === 'hi');
    expect(fake.topicMessages(groupId, topic?.id).some((m) => m.text.includes('Hello from the agent'))).toBe(
      true,
    );
  });

  it('`init` with a wrong token from a flag: said once, names the flag, shows no token; a missing group names --telegram-group-id', async () => {
    await using fake = new FakeTelegramServer({ rateLimits: false });
    const apiRoot = await fake.start();
    const groupId = fake.createForumGroup({ title: 'Agents' });
    const wrong = '999999:WRONG-secret-part-of-the-token';
    const init = (...flags: string[]) =>
      runCli(
        ['init', '--non-interactive', '--platform', 'telegram', '--telegram-api-root', apiRoot, ...flags],
        {
          ...sandbox.env,
          TELEGRAM_BOT_TOKEN: '',
          TELEGRAM_FORUM_GROUP_ID: '',
        },
      );
    const rejected = await init('--telegram-token', wrong, '--telegram-group-id', String(groupId));
    expect(rejected.code).toBe(1);
    const all = rejected.stdout + rejected.stderr;
    expect(all.match(/rejected the bot token/g)).toHaveLength(1);
    expect(rejected.stderr.trim()).toMatch(
      /rejected the bot token: check --telegram-token from @BotFather.*nothing was written/,
    );
    expect(all).not.toContain('TELEGRAM_BOT_TOKEN');
    expect(all).not.toContain('WRONG-secret');
    expect(all).not.toContain('[redacted]');

    const noGroup = await init('--telegram-token', fake.token);
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr.trim()).toMatch(
      /telegram needs the forum group id \(-100…\): pass --telegram-group-id, or set TELEGRAM_FORUM_GROUP_ID$/,
    );
  });

  it('`init --config FILE`: the "Next:" hint keeps --config, and updating an existing file says so', async () => {
    const file = join(sandbox.dir, 'my config.json');
    const args = ['init', '--non-interactive', '--offline', '--platform', 'web', '--config', file];
    const first = await runCli(args, sandbox.env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✓ Wrote ${file}`);
    expect(first.stdout).toContain(`Next: \`agent-tether doctor --config '${file}'\``);
    expect(first.stdout).toContain(`\`agent-tether run --config '${file}' -- "your prompt"\``);
    const again = await runCli(args, sandbox.env);
    expect(again.stdout).toContain(`✓ Updated ${file}`);
    expect(again.stdout).toContain('other settings kept');
  });
});
