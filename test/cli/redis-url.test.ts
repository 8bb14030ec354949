/**
 * The Redis URL as people type it: `status` and `doctor` never print its password, wherever the URL carries it
 * (ioredis also reads `?password=`), and a URL that cannot be parsed (a password with an unescaped `/`) is one line
 * naming the option and the fix, before anything connects. No Redis needed: nothing listens on port 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliSandbox, createSandbox, runCli } from './cli-process.js';

describe('the --redis URL', { timeout: 60_000 }, () => {
  const boxes: CliSandbox[] = [];
  const sandbox = () => {
    const box = createSandbox();
    boxes.push(box);
    return box;
  };
  afterEach(() => {
    for (const box of boxes.splice(0)) box.cleanup();
  });

  it('status and doctor hide a password given as a query parameter', async () => {
    const box = sandbox();
    const url = 'redis://127.0.0.1:1/?username=app&password=hunter2';
    const status = await runCli(['status', '--redis', url], box.env, { preferBuilt: true });
    expect(`${status.stdout}${status.stderr}`).toMatch(
      /redis:\/\/127\.0\.0\.1:1\/\?username=\*\*\*&password=\*\*\*/,
    );
    expect(`${status.stdout}${status.stderr}`).not.toContain('hunter2');
    const doctor = await runCli(['doctor', '--redis', url], box.env, { preferBuilt: true });
    expect(`${doctor.stdout}${doctor.stderr}`).toMatch(
      /Redis at redis:\/\/127\.0\.0\.1:1\/\?username=\*\*\*&password=\*\*\*/,
    );
    expect(`${doctor.stdout}${doctor.stderr}`).not.toContain('hunter2');
  });

  it('serve with a URL that cannot be parsed says which option and how to fix it, in one line', async () => {
    const box = sandbox();
    const result = await runCli(
      ['serve', '--redis', 'redis://:hun/ter2@127.0.0.1:1', '--host-name', 'laptop'],
      box.env,
      {
        preferBuilt: true,
      },
    );
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--redis/);
    expect(lines[0]).toMatch(/percent-encode special characters in the password/);
    expect(lines[0]).not.toMatch(/Unexpected error|ter2/);
  });

  it("the config's redis.url is checked the same way", async () => {
    const box = sandbox();
    mkdirSync(dirname(box.configPath), { recursive: true });
    writeFileSync(box.configPath, JSON.stringify({ redis: { url: 'redis://:hun/ter2@127.0.0.1:1' } }), {
      mode: 0o600,
    });
    const result = await runCli(['serve', '--host-name', 'laptop'], box.env, { preferBuilt: true });
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/redis\.url/);
    expect(lines[0]).toMatch(/percent-encode special characters in the password/);
    expect(lines[0]).not.toMatch(/Unexpected error|ter2/);
    const status = await runCli(['status'], box.env, { preferBuilt: true });
    expect(`${status.stdout}${status.stderr}`).toMatch(/percent-encode special characters in the password/);
    expect(`${status.stdout}${status.stderr}`).not.toMatch(/Unexpected error|ter2/);
  });
});
