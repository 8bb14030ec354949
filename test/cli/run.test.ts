import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebPageClient } from '../../src/web/page-client.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import {
  type CliProcess,
  type CliSandbox,
  createSandbox,
  killCli,
  RUN_ON_WEB,
  startCli,
} from './cli-process.js';

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;

describe('agent-tether run --platform web', () => {
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

  async function openThread(name: string) {
    if (!cli) throw new Error('no CLI');
    const [url = ''] = await cli.waitForStdout(URL_PATTERN);
    page = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
    const client = page;
    const thread = await client.waitFor(() => client.threads().find((t) => t.name === name));
    return { client, threadId: thread.id };
  }

  it('scripted: the person allows the tool on the page, the agent finishes, the CLI exits 0', async () => {
    const script = join(sandbox.dir, 'script.json');
    writeFileSync(
      script,
      JSON.stringify([
        { output: 'Looking at the failing test.' },
        {
          permission: { toolName: 'Bash', input: { command: 'npm test' }, onAllow: 'Tests ran: all green.' },
        },
        { exit: 0 },
      ]),
    );
    cli = startCli(
      [...RUN_ON_WEB, '--runner', 'scripted', '--script', script, '--no-open', '--', 'fix it'],
      sandbox.env,
    );
    const { client, threadId } = await openThread('fix it');
    await client.waitFor(() => client.texts(threadId).some((t) => t.includes('npm test')));
    await client.taps(threadId, 'Allow');
    await client.waitFor(() => client.texts(threadId).some((t) => t.includes('all green')));
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('The agent exited with code 0');
  });

  it('subprocess: runs the JSON-lines agent, the exit code is the agent’s', async () => {
    cli = startCli(
      [...RUN_ON_WEB, '--runner', 'subprocess', '--no-open', '--', 'node', 'examples/jsonl-agent.mjs'],
      sandbox.env,
    );
    const { client, threadId } = await openThread('node examples/jsonl-agent.mjs');
    await client.waitFor(() => client.texts(threadId).some((t) => t.includes('echo hello')));
    await client.taps(threadId, 'Allow');
    await client.waitFor(() => client.texts(threadId).some((t) => /\$ echo hello\s+hello/.test(t)));
    await client.says(threadId, 'exit 3');
    expect(await cli.exited).toBe(3);
  });

  it('Ctrl-C stops the agent and exits 130, as shells expect', async () => {
    cli = startCli([...RUN_ON_WEB, '--runner', 'scripted', '--no-open', '--', 'demo please'], sandbox.env);
    await cli.waitForStdout(/Ctrl-C stops the agent/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain('Stopping the agent');
  });
});
