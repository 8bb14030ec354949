import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { demoScript } from '../../src/runner/scripted-script.js';
import { ApprovalChoices } from '../../src/runner/types.js';
import { EventRecorder } from './event-recorder.js';
import { ada, allowOnce, denyWith, describeRunnerContract } from './runner-contract.js';

describeRunnerContract('ScriptedRunner', () => ({
  createRunner: (events) =>
    new ScriptedRunner(events, {
      script: [
        { output: 'Working on it' },
        { permission: { toolName: 'Bash', input: { command: 'echo hello' }, onAllow: 'ran: hello' } },
        { awaitInput: 'repeat' },
      ],
    }),
  prompt: 'say hello',
  expectToolRan: async (events) => void (await events.waitForOutput('ran: hello')),
  expectDenialReached: async (events, reason) => void (await events.waitForOutput(reason)),
  expectAgentReceived: async (events, text) => void (await events.waitForOutput(`You said: ${text}`)),
  selfExit: {
    createRunner: (events) => new ScriptedRunner(events, { script: [{ output: 'bye' }, { exit: 3 }] }),
    prompt: '',
    exitCode: 3,
  },
}));

describe('ScriptedRunner', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('plays the demo: a test run, a choice, two edits, usage, a summary, then chats', async () => {
    const events = new EventRecorder();
    const runner = new ScriptedRunner(events, { script: demoScript(0) });
    await runner.start('demo', 'fix the cart total', ApprovalChoices.ask);

    const bash = await events.waitFor('onPermissionRequest');
    expect(bash.args[0]).toMatchObject({
      toolName: 'Bash',
      toolInput: { command: 'npm test' },
      kind: 'tool',
    });
    expect(events.transcript()).toContain('```ts');
    await runner.respondToPermission('demo', (bash.args[0] as { requestId: string }).requestId, allowOnce);
    await events.waitForOutput('1 failed, 11 passed');

    const choice = await events.waitFor(
      'onPermissionRequest',
      (e) => (e.args[0] as { kind: string }).kind === 'question',
    );
    const question = choice.args[0] as {
      requestId: string;
      question: { question: string; options: { label: string }[] };
    };
    expect(question.question.question).toBe('Which approach should I take?');
    expect(question.question.options.map((o) => o.label)).toEqual([
      'Integer cents',
      'Round the total',
      'Loosen the test',
    ]);
    await runner.respondToChoice('demo', question.requestId, {
      behavior: 'selected',
      index: 0,
      label: 'Integer cents',
      by: { type: 'user', user: ada },
    });
    await events.waitForOutput('You chose: Integer cents.');

    for (const n of [1, 2]) {
      const edits = () =>
        events
          .of('onPermissionRequest')
          .filter((e) => (e.args[0] as { toolName: string }).toolName === 'Edit');
      await events.waitFor('onPermissionRequest', () => edits().length >= n);
      const edit = edits()[n - 1]!.args[0] as { requestId: string; toolInput: { file_path: string } };
      expect(edit.toolInput.file_path).toBe('src/cart.ts');
      const decision =
        n === 1
          ? allowOnce
          : ({ behavior: 'allow', scope: 'tool', by: { type: 'auto', reason: 'Allow Edit' } } as const);
      await runner.respondToPermission('demo', edit.requestId, decision);
    }
    await events.waitForOutput('**Summary**');
    const resolvedBy = events.of('onPermissionResolved').map((e) => e.args[1]);
    expect(resolvedBy).toEqual(['user', 'user', 'user', 'auto']);
    expect(events.of('onMetadata').map((e) => e.args[0])).toEqual(['tokens', 'cost']);

    await events.waitFor('onAwaitingInput');
    await runner.sendInput('demo', 'thanks!');
    await events.waitForOutput('You said: thanks!');
    await events.waitFor('onAwaitingInput', () => events.of('onAwaitingInput').length >= 2);
    expect(await runner.stop('demo')).toBe(0);
    expect(events.of('onExit')).toHaveLength(1);
  });

  it('waits for delay steps on the injected clock', async () => {
    vi.useFakeTimers();
    const events = new EventRecorder();
    const runner = new ScriptedRunner(events, {
      script: [{ delayMs: 60_000 }, { output: 'a minute later' }],
    });
    await runner.start('s', '', 0);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(events.transcript()).not.toContain('a minute later');
    await vi.advanceTimersByTimeAsync(1);
    expect(events.transcript()).toContain('a minute later');
    expect(events.of('onExit')[0]?.args[0]).toBe(0);
  });

  it('follows the permission mode, and reports a timeout as "no one answered"', async () => {
    const events = new EventRecorder();
    const runner = new ScriptedRunner(events, {
      script: [
        { permission: { toolName: 'Bash', input: { command: 'ls' }, onAllow: 'listed' } },
        { awaitInput: true },
        { permission: { toolName: 'Bash', input: { command: 'rm -rf build' } } },
        { awaitInput: true },
      ],
    });
    await runner.start('s', '', ApprovalChoices.bypass);
    await events.waitForOutput('listed\n(auto-approved by the permission mode)');
    expect(events.of('onPermissionRequest')).toHaveLength(0);
    await events.waitFor('onAwaitingInput');
    runner.updatePermissionMode('s', ApprovalChoices.ask);
    await runner.sendInput('s', 'now clean up');
    const request = await events.waitFor('onPermissionRequest');
    expect(request.args[0]).toMatchObject({ toolInput: { command: 'rm -rf build' } });
    await runner.respondToPermission('s', (request.args[0] as { requestId: string }).requestId, {
      behavior: 'timeout',
    });
    await events.waitForOutput('No one answered, so I skipped Bash.');
    expect(events.of('onPermissionResolved')[0]?.args.slice(1)).toEqual([
      'timeout',
      false,
      'No one answered the approval request in time',
    ]);
    await runner.stop('s');
  });

  it('stopping while a request waits cancels it and exits once', async () => {
    const events = new EventRecorder();
    const runner = new ScriptedRunner(events, {
      script: [{ permission: { toolName: 'Bash', input: { command: 'ls' } } }, { output: 'never shown' }],
    });
    await runner.start('s', '', 0);
    const request = await events.waitFor('onPermissionRequest');
    const { requestId } = request.args[0] as { requestId: string };
    await runner.stop('s');
    expect(await runner.respondToPermission('s', requestId, denyWith('late'))).toBe(false);
    expect(events.of('onPermissionResolved')[0]?.args.slice(0, 3)).toEqual([requestId, 'cancelled', false]);
    expect(events.transcript()).not.toContain('never shown');
    expect(events.of('onExit')).toHaveLength(1);
    await expect(runner.stop('nope')).rejects.toMatchObject({ code: 'NOT_STARTED' });
  });
});
