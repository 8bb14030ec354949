/**
 * `agent-tether run --runner codex` (and the doctor lines of the agent runners), driven as a person would:
 * the CLI process, the web page, the real Codex binary against FakeOpenAIServer.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAIServer } from '../../src/testing/fake-openai.js';
import { WebPageClient } from '../../src/web/page-client.js';
import { codexBinary } from '../support/codex-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import {
  type CliProcess,
  type CliSandbox,
  createSandbox,
  killCli,
  RUN_ON_WEB,
  runCli,
  startCli,
} from './cli-process.js';

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/;
const ACP_TEST_AGENT = join(import.meta.dirname, '../support/acp-test-agent.mjs');

describe('agent-tether run with the agent runners', () => {
  let sandbox: CliSandbox;
  let cli: CliProcess | undefined;
  let page: WebPageClient | undefined;
  let model: FakeOpenAIServer | undefined;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
    await killCli(cli);
    await model?.close();
    sandbox.cleanup();
  });

  it.skipIf(codexBinary() === undefined)(
    'codex: the person allows the command on the page, Codex runs it, the CLI exits 0',
    async () => {
      model = await FakeOpenAIServer.start({
        toolCall: { arguments: { cmd: 'echo hi > hi.txt' } },
        finalText: 'Wrote it.',
      });
      const project = join(sandbox.dir, 'project');
      mkdirSync(project);
      const env: NodeJS.ProcessEnv = { ...sandbox.env };
      for (const [key, value] of Object.entries(model.codexEnvironment(join(sandbox.dir, 'codex')))) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
      cli = startCli(
        [...RUN_ON_WEB, '--runner', 'codex', '--one-shot', '--cwd', project, '--no-open', '--', 'write hi'],
        env,
      );
      const [url = ''] = await cli.waitForStdout(URL_PATTERN);
      page = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
      const client = page;
      const thread = await client.waitFor(() => client.threads().find((t) => t.name === 'write hi'));
      await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('echo hi > hi.txt')));
      await client.taps(thread.id, 'Allow');
      await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('Wrote it.')));
      expect(await cli.exited).toBe(0);
      expect(existsSync(join(project, 'hi.txt'))).toBe(true);
      expect(cli.stdout()).toContain('Supervising "write hi" (codex) on web');
    },
    60_000,
  );

  it('acp: --agent-cmd runs the ACP agent; the card shows its own options; the tapped one reaches it', async () => {
    const project = join(sandbox.dir, 'project');
    mkdirSync(project);
    const agentCmd = `"${process.execPath}" "${ACP_TEST_AGENT}"`;
    cli = startCli(
      [
        ...RUN_ON_WEB,
        '--runner',
        'acp',
        '--agent-cmd',
        agentCmd,
        '--one-shot',
        '--cwd',
        project,
        '--no-open',
        '--',
        'ask',
      ],
      sandbox.env,
    );
    const [url = ''] = await cli.waitForStdout(URL_PATTERN);
    page = await WebPageClient.open(url, { timeoutMs: REAL_PROCESS_WAIT_MS });
    const client = page;
    const thread = await client.waitFor(() => client.threads().find((t) => t.name === 'ask'));
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('rm -rf build')));
    await client.taps(thread.id, 'Never');
    await client.waitFor(() => client.texts(thread.id).some((t) => t.includes('Selected: reject-always')));
    expect(await cli.exited).toBe(0);
  });

  it('run --runner acp without --agent-cmd says how to give it', async () => {
    const result = await runCli(['run', '--runner', 'acp', '--', 'hi'], sandbox.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--agent-cmd "gemini --acp"');
  });

  it('doctor --agent-cmd checks that the command answers ACP, and names the fix when it does not', async () => {
    const good = await runCli(
      ['doctor', '--agent-cmd', `"${process.execPath}" "${ACP_TEST_AGENT}"`],
      sandbox.env,
    );
    expect(good.stdout).toMatch(/^✓ ACP agent `.*`: ACP Test Agent 1\.0\.0 answered/m);
    const bad = await runCli(['doctor', '--agent-cmd', 'no-such-acp-agent-xyz --acp'], sandbox.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^✗ ACP agent `no-such-acp-agent-xyz --acp`: .*ENOENT.*speaks ACP over stdio/m,
    );
  });

  it('run --runner codex without a prompt says how to give one', async () => {
    const result = await runCli(['run', '--runner', 'codex'], sandbox.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('agent-tether run --runner codex -- "fix the failing test"');
  });

  it('doctor reports whether the Codex CLI is there', async () => {
    const result = await runCli(['doctor'], sandbox.env);
    if (codexBinary() === undefined)
      expect(result.stdout).toMatch(/^– Codex CLI: not installed.*npm install @openai\/codex$/m);
    else expect(result.stdout).toMatch(/^✓ Codex CLI: .*codex \(`run --runner codex` works\)$/m);
  });
});
