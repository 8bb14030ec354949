import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliSandbox, createSandbox, runCli } from './cli-process.js';

/** What a person sees on a failure: exactly one line, no stack frames. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('agent-tether: usage errors and configuration errors', () => {
  let sandbox: CliSandbox;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it('bad flags exit 2 with one line', async () => {
    const unknown = await runCli(['run', '--bogus', '--', 'x'], sandbox.env);
    expect(unknown.code).toBe(2);
    expectOneLineError(unknown.stderr, /unknown option '--bogus'/);

    const badChoice = await runCli(['run', '--runner', 'gpt', '--', 'x'], sandbox.env);
    expect(badChoice.code).toBe(2);
    expectOneLineError(
      badChoice.stderr,
      /--runner.*Allowed choices are claude, codex, acp, subprocess, scripted/,
    );
  });

  it('a malformed environment variable and a broken config file each exit 1 with one line naming them', async () => {
    const badEnv = await runCli(['run', '--platform', 'telegram', '--', 'x'], {
      ...sandbox.env,
      TELEGRAM_FORUM_GROUP_ID: 'my-group',
    });
    expect(badEnv.code).toBe(1);
    expectOneLineError(badEnv.stderr, /TELEGRAM_FORUM_GROUP_ID should be a number like -1001234567890/);

    mkdirSync(dirname(sandbox.configPath), { recursive: true });
    writeFileSync(sandbox.configPath, '{ "telegram": { "tokn": "x" } }');
    const badFile = await runCli(['run', '--platform', 'telegram', '--', 'x'], sandbox.env);
    expect(badFile.code).toBe(1);
    expectOneLineError(badFile.stderr, /config\.json is invalid at "telegram".*tokn/);
  });

  it('a missing setting says how to provide it', async () => {
    const result = await runCli(['run', '--platform', 'slack', '--', 'x'], sandbox.env);
    expect(result.code).toBe(1);
    expectOneLineError(
      result.stderr,
      /slack needs a bot token.*agent-tether init --platform slack.*SLACK_BOT_TOKEN/,
    );
  });
});
