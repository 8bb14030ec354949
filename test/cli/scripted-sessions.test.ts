/**
 * `demo` and `run --runner scripted` as a newcomer meets them: the demo reacts to the choice made on the page,
 * a script is validated with a clear error, and a script that ends at once waits for someone to see the end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebPageClient } from '../../src/web/page-client.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { type CliProcess, type CliSandbox, createSandbox, killCli, runCli, startCli } from './cli-process.js';

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;

describe('scripted sessions', () => {
  let sandbox: CliSandbox;
  let cli: CliProcess | undefined;
  let page: WebPageClient | undefined;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
    await killCli(cli);
    sandbox.cleanup();
  });

  it('the demo does what the person picked: "Round the total" rounds, it does not switch to cents', async () => {
    cli = startCli(['demo', '--port', '0', '--no-open'], sandbox.env);
    const [url = ''] = await cli.waitForStdout(URL_PATTERN, REAL_PROCESS_WAIT_MS);
    page = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
    const client = page;
    const thread = await client.waitFor(() => client.threads()[0]);
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('npm test')));
    await client.taps(thread.id, 'Allow');
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('Which approach')));
    await client.taps(thread.id, '2. Round the total');
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('roundToCents')));
    await client.taps(thread.id, 'Allow');
    const summary = await client.waitFor(() => client.texts(thread.id).find((t) => t.includes('Summary')));
    expect(summary).toContain('rounded to 2 decimals');
    const everything = client.texts(thread.id).join('\n');
    expect(everything).not.toContain('the sum now uses whole cents');
    expect(everything).not.toContain('priceCents');
  });

  it('an unknown step is refused in one line naming the step and the fix', async () => {
    const script = join(sandbox.dir, 'typo.json');
    writeFileSync(script, JSON.stringify([{ output: 'hi' }, { outptu: 'typo' }, { exit: 0 }]));
    const result = await runCli(['run', '--runner', 'scripted', '--script', script, '--', 'x'], sandbox.env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`The script ${script} is not valid: step 2: not a step`);
    expect(lines[0]).toContain(
      'one of output, permission, choice, plan, delayMs, awaitInput, metadata, exit',
    );

    writeFileSync(script, JSON.stringify([{ output: 'hi', strem: 'stdout' }]));
    const misspelt = await runCli(
      ['run', '--runner', 'scripted', '--script', script, '--', 'x'],
      sandbox.env,
    );
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toMatch(/step 1: Unrecognized key: "strem"/);
  });

  it('a script that ends at once keeps the page until someone opens it, who then sees the end', async () => {
    const script = join(sandbox.dir, 'quick.json');
    writeFileSync(script, JSON.stringify([{ output: 'All done already.' }, { exit: 0 }]));
    cli = startCli(
      ['run', '--runner', 'scripted', '--script', script, '--port', '0', '--no-open', '--', 'quick one'],
      sandbox.env,
    );
    const [url = ''] = await cli.waitForStdout(URL_PATTERN, REAL_PROCESS_WAIT_MS);
    await cli.waitForStdout(/Nobody has the page open yet/, REAL_PROCESS_WAIT_MS);
    expect(cli.child.exitCode).toBeNull();
    page = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
    const client = page;
    const thread = await client.waitFor(() => client.threads().find((t) => t.name === 'quick one'));
    const texts = client.texts(thread.id).join('\n');
    expect(texts).toContain('All done already.');
    expect(await cli.exited).toBe(0);
  });
});
