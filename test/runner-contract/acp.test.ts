import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPermissionOption } from '../../src/core/types.js';
import { AcpRunner, splitCommandLine } from '../../src/runner/acp/acp-runner.js';
import { RunnerUnavailableError } from '../../src/runner/errors.js';
import { EventRecorder, waitUntil } from './event-recorder.js';
import { ada, allowOnce, describeRunnerContract } from './runner-contract.js';

const testAgent = join(import.meta.dirname, '../support/acp-test-agent.mjs');

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'tether-acp-'));
  return {
    dir,
    runner: (events: EventRecorder, oneShot = false) =>
      new AcpRunner(events, {
        command: process.execPath,
        args: [testAgent],
        cwd: dir,
        oneShot,
        heartbeatMs: 0,
        stopGraceMs: 2000,
      }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

describeRunnerContract(
  'AcpRunner (an ACP agent written with the SDK)',
  () => {
    const s = scratch();
    const marker = join(s.dir, 'marker');
    return {
      createRunner: (events) => s.runner(events),
      prompt: 'Leave a marker file, please.',
      expectToolRan: async (events) => {
        await waitUntil(() => existsSync(marker), 'the allowed command wrote the marker');
        await events.waitForOutput('The marker is written.');
      },
      expectDenialReached: async (events, reason) => {
        await events.waitForOutput('Not run: reject-once');
        await events.waitForOutput(`Echo: I denied that: ${reason}`);
        expect(existsSync(marker), 'a rejected command does not run').toBe(false);
      },
      expectAgentReceived: async (events, text) => {
        await events.waitForOutput(`Echo: ${text}`);
      },
      selfExit: { createRunner: (events) => s.runner(events), prompt: 'exit 3', exitCode: 3 },
      cleanup: s.cleanup,
    };
  },
  { concurrent: true },
);

describe('AcpRunner specifics', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  function started(oneShot = false) {
    const s = scratch();
    const events = new EventRecorder();
    const runner = s.runner(events, oneShot);
    cleanups.push(s.cleanup, () => runner.stop('a').catch(() => undefined));
    return { events, runner, dir: s.dir };
  }

  it("offers the agent's own options on the request, and each kind goes back as the agent's option id", async () => {
    const { events, runner } = started();
    await runner.start('a', 'ask', 0);
    const header = events.of('onHeader')[0]?.args[0];
    expect(header).toMatchObject({ title: 'ACP Test Agent 1.0.0', provider: 'ACP', approval: 'default' });
    const kinds = ['allow_once', 'allow_always', 'reject_once', 'reject_always'] as const;
    for (const [i, kind] of kinds.entries()) {
      const request = await events.waitFor(
        'onPermissionRequest',
        (e) => events.of('onPermissionRequest').indexOf(e) === i,
      );
      const asked = request.args[0] as {
        requestId: string;
        toolName: string;
        toolInput: Record<string, unknown>;
        options: AgentPermissionOption[];
      };
      expect(asked.toolName).toBe('Bash');
      expect(asked.toolInput).toEqual({ command: 'rm -rf build' });
      expect(asked.options.map((o) => [o.label, o.kind])).toEqual([
        ['Allow', 'allow_once'],
        ['Allow for this session', 'allow_always'],
        ['Reject', 'reject_once'],
        ['Never', 'reject_always'],
      ]);
      const option = asked.options.find((o) => o.kind === kind) as AgentPermissionOption;
      const by = { type: 'user', user: ada } as const;
      const decision = kind.startsWith('allow')
        ? ({ behavior: 'allow', scope: 'once', by, option } as const)
        : ({ behavior: 'deny', by, option } as const);
      expect(await runner.respondToPermission('a', asked.requestId, decision)).toBe(true);
      await events.waitForOutput(`Selected: ${option.id}`);
      await waitUntil(() => events.of('onAwaitingInput').length === i + 1, 'the turn ended');
      if (i < kinds.length - 1) await runner.sendInput('a', 'ask');
    }
  });

  it('a plain allow (a timer, a typed yes) picks allow_once, never allow_always; a timeout picks reject_once', async () => {
    const { events, runner } = started();
    await runner.start('a', 'ask', 0);
    let request = await events.waitFor('onPermissionRequest');
    await runner.respondToPermission('a', (request.args[0] as { requestId: string }).requestId, {
      behavior: 'allow',
      scope: 'all',
      by: { type: 'auto', reason: 'Allow all' },
    });
    await events.waitForOutput('Selected: allow-once');
    await events.waitFor('onAwaitingInput');
    await runner.sendInput('a', 'ask');
    request = await events.waitFor('onPermissionRequest', (e) => e !== request);
    await runner.respondToPermission('a', (request.args[0] as { requestId: string }).requestId, {
      behavior: 'timeout',
    });
    await events.waitForOutput('Selected: reject-once');
  });

  it('streams chunks into one message, shows tool calls as activity lines and plans as a plan', async () => {
    const { events, runner } = started();
    await runner.start('a', 'marker please', 0);
    const request = await events.waitFor('onPermissionRequest');
    expect(events.of('onOutput').map((e) => e.args[1])).toEqual([
      'Working on it.',
      '🔧 Bash `echo ran > marker`',
    ]);
    expect((request.args[0] as { toolInput: unknown }).toolInput).toEqual({
      command: 'echo ran > marker',
      description: 'Leave a marker',
    });
    await runner.respondToPermission('a', (request.args[0] as { requestId: string }).requestId, allowOnce);
    await events.waitFor('onAwaitingInput');
    await runner.sendInput('a', 'plan');
    const plan = await events.waitForOutput('Plan');
    expect(plan.args[1]).toBe(
      ['📋 **Plan**', '✅ Read the \\*failing\\* test', '⏳ Fix the bug', '⬜ Run the suite'].join('\n'),
    );
  });

  it('/stop while a permission waits: the request is withdrawn (cancelled) and the agent ends', async () => {
    const { events, runner, dir } = started();
    await runner.start('a', 'marker please', 0);
    const request = await events.waitFor('onPermissionRequest');
    const { requestId } = request.args[0] as { requestId: string };
    const code = await runner.stop('a');
    expect(events.of('onPermissionResolved')[0]?.args.slice(0, 3)).toEqual([requestId, 'cancelled', false]);
    expect(events.of('onExit')).toHaveLength(1);
    expect(events.of('onExit')[0]?.args[0]).toBe(code);
    expect(existsSync(join(dir, 'marker'))).toBe(false);
    expect(existsSync(join(dir, 'cancel-received')), 'the agent got session/cancel').toBe(true);
    expect(await runner.respondToPermission('a', requestId, allowOnce)).toBe(false);
  });

  it('input during a turn is sent as the next prompt', async () => {
    const { events, runner } = started();
    await runner.start('a', 'ask', 0);
    const request = await events.waitFor('onPermissionRequest');
    await runner.sendInput('a', 'queued words');
    await runner.respondToPermission('a', (request.args[0] as { requestId: string }).requestId, allowOnce);
    await events.waitForOutput('Echo: queued words');
    expect(events.transcript().indexOf('Selected: allow-once')).toBeLessThan(
      events.transcript().indexOf('Echo: queued words'),
    );
  });

  it('a command that is not there, or that does not speak ACP, fails start with a clear error', async () => {
    const events = new EventRecorder();
    const missing = new AcpRunner(events, { command: 'no-such-acp-agent-xyz', args: ['--acp'] });
    await expect(missing.start('m', 'hi', 0)).rejects.toBeInstanceOf(RunnerUnavailableError);
    const notAcp = new AcpRunner(events, {
      command: process.execPath,
      args: ['-e', 'process.stdin.resume(); console.log("hello")'],
      startTimeoutMs: 3000,
      stopGraceMs: 500,
    });
    const error = await notAcp.start('n', 'hi', 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerUnavailableError);
    expect((error as Error).message).toContain('speaks ACP over stdio');
  });

  it('splitCommandLine keeps quoted words together and runs no shell', () => {
    expect(splitCommandLine('gemini --acp')).toEqual(['gemini', '--acp']);
    expect(splitCommandLine(`"my agent" --flag 'a b' $(rm -rf x)`)).toEqual([
      'my agent',
      '--flag',
      'a b',
      '$(rm',
      '-rf',
      'x)',
    ]);
  });
});
