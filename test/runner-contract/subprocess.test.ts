import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerUnavailableError } from '../../src/runner/errors.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { EventRecorder } from './event-recorder.js';
import { describeRunnerContract } from './runner-contract.js';

const agentPath = fileURLToPath(new URL('../../examples/jsonl-agent.mjs', import.meta.url));

describeRunnerContract('SubprocessRunner + examples/jsonl-agent.mjs', () => {
  const make = (events: EventRecorder) =>
    new SubprocessRunner(events, { command: process.execPath, args: [agentPath], heartbeatMs: 0 });
  return {
    createRunner: make,
    prompt: 'say hello',
    expectToolRan: async (events) => void (await events.waitForOutput('$ echo hello\nhello')),
    expectDenialReached: async (events, reason) =>
      void (await events.waitForOutput(`Not running \`echo hello\`: ${reason}`)),
    expectAgentReceived: async (events, text) => void (await events.waitForOutput(`You said: ${text}`)),
    selfExit: {
      createRunner: make,
      prompt: '',
      drive: async (runner, sessionId, events) => {
        const request = await events.waitFor('onPermissionRequest');
        await runner.respondToPermission(sessionId, (request.args[0] as { requestId: string }).requestId, {
          behavior: 'timeout',
        });
        await events.waitForOutput('No one answered the approval request in time');
        await runner.sendInput(sessionId, 'exit 3');
      },
      exitCode: 3,
    },
  };
});

/** A runner for an inline agent script. */
function inline(events: EventRecorder, script: string, stopGraceMs?: number): SubprocessRunner {
  return new SubprocessRunner(events, {
    command: process.execPath,
    args: ['-e', script],
    heartbeatMs: 0,
    ...(stopGraceMs === undefined ? {} : { stopGraceMs }),
  });
}

describe('SubprocessRunner', () => {
  const started: { runner: SubprocessRunner; id: string }[] = [];
  afterEach(async () => {
    await Promise.allSettled(started.splice(0).map(({ runner, id }) => runner.stop(id)));
  });

  it('reports malformed lines as protocol errors and keeps going; stderr becomes output', async () => {
    const events = new EventRecorder();
    const runner = inline(
      events,
      `const w = (s) => process.stdout.write(s + '\\n');
       w('this is not json');
       w(JSON.stringify({ type: 'output' }));
       w(JSON.stringify({ type: 'teleport', to: 'mars' }));
       process.stderr.write('warning: low disk\\n');
       w(JSON.stringify({ type: 'metadata', data: { tokens: 12 } }));
       w(JSON.stringify({ type: 'error', message: 'flaky network' }));
       w(JSON.stringify({ type: 'output', text: 'still alive' }));`,
    );
    started.push({ runner, id: 'm' });
    await runner.start('m', '', 0);
    await events.waitFor('onExit');
    const errors = events.of('onError').map((e) => e.args);
    expect(errors.filter(([code]) => code === 'protocol')).toHaveLength(3);
    expect(String(errors[0]?.[1])).toContain('not JSON');
    expect(String(errors[1]?.[1])).toContain('text');
    expect(errors).toContainEqual(['agent', 'flaky network']);
    expect(events.of('onOutput').map((e) => e.args.slice(0, 2))).toEqual(
      expect.arrayContaining([
        ['stderr', 'warning: low disk'],
        ['combined', 'still alive'],
      ]),
    );
    expect(events.of('onMetadata')[0]?.args).toEqual(['tokens', 12, '12']);
    expect(events.of('onExit')[0]?.args).toEqual([0]);
  });

  it('kills an agent that ignores stop, after the grace period', async () => {
    const events = new EventRecorder();
    const runner = inline(
      events,
      `process.on('SIGTERM', () => {}); process.stdin.resume(); setInterval(() => {}, 1000);
       process.stdout.write(JSON.stringify({ type: 'output', text: 'ready' }) + '\\n');`,
      50,
    );
    await runner.start('k', '', 0);
    await events.waitForOutput('ready');
    expect(await runner.stop('k')).toBeNull();
    expect(events.of('onExit')).toHaveLength(1);
  });

  it('cancels requests still pending when the agent exits', async () => {
    const events = new EventRecorder();
    const runner = inline(
      events,
      `process.stdout.write(JSON.stringify({ type: 'permission_request', id: 'p1', tool: 'Write', input: { file_path: 'x' } }) + '\\n');
       setTimeout(() => process.exit(2), 50);`,
    );
    await runner.start('c', '', 0);
    await events.waitFor('onExit');
    expect(events.of('onPermissionResolved')[0]?.args).toEqual([
      'p1',
      'cancelled',
      false,
      'The agent exited',
    ]);
    expect(events.of('onExit')[0]?.args).toEqual([2]);
  });

  it('throws RunnerUnavailableError when the command does not exist', async () => {
    const runner = new SubprocessRunner(new EventRecorder(), { command: 'definitely-not-an-agent-xyz' });
    const error = await runner.start('x', '', 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerUnavailableError);
    expect(error).toMatchObject({ code: 'RUNNER_UNAVAILABLE' });
    expect(String((error as Error).message)).toContain('definitely-not-an-agent-xyz');
  });
});
