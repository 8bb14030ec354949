/**
 * The contract every runner passes: run `describeRunnerContract(name, setup)` from a test file.
 * @module
 */

import { describe, expect, it } from 'vitest';
import type { ApprovalDecision, ChatUser } from '../../src/core/types.js';
import type { Runner } from '../../src/runner/types.js';
import { EventRecorder } from './event-recorder.js';

/** A person answering on a phone. */
export const ada: ChatUser = { id: '42', name: 'Ada', platform: 'telegram' };

/** Ada taps "Allow". */
export const allowOnce: ApprovalDecision = {
  behavior: 'allow',
  scope: 'once',
  by: { type: 'user', user: ada },
};

/** Ada denies with a reason. */
export function denyWith(reason: string): ApprovalDecision {
  return { behavior: 'deny', reason, by: { type: 'user', user: ada } };
}

/** How a runner under test is made and how its agent's side effects are observed. */
export interface RunnerContractSetup {
  /** A runner whose agent, given `prompt`, emits output and asks permission to run a Bash command. */
  createRunner(events: EventRecorder): Runner;
  /** The first prompt. */
  readonly prompt: string;
  /** After an allow: the tool really ran (file written, output shown, …). */
  expectToolRan(events: EventRecorder): Promise<void>;
  /** After a deny with `reason`: the agent received the reason. */
  expectDenialReached(events: EventRecorder, reason: string): Promise<void>;
  /** After `sendInput(text)`: the agent received it. */
  expectAgentReceived(events: EventRecorder, text: string): Promise<void>;
  /** A session that ends on its own, and the exit code it reports. */
  readonly selfExit: {
    createRunner(events: EventRecorder): Runner;
    readonly prompt: string;
    /** What a person does to make the agent finish (nothing for agents that finish by themselves). */
    drive?(runner: Runner, sessionId: string, events: EventRecorder): Promise<void>;
    readonly exitCode: number;
  };
  /** Called after each test (close fakes, remove scratch dirs). */
  cleanup?(): Promise<void>;
}

/**
 * Registers the runner contract tests for `name`.
 * @param setup - Makes runners and observes their agents.
 */
export function describeRunnerContract(
  name: string,
  setup: () => RunnerContractSetup | Promise<RunnerContractSetup>,
  options: { concurrent?: boolean } = {},
): void {
  /** Run `body` with a fresh setup; whatever it started is stopped and cleaned up afterwards. */
  const session = async (
    body: (s: RunnerContractSetup, track: (runner: Runner, sessionId: string) => Runner) => Promise<void>,
  ) => {
    const s = await setup();
    const running: { runner: Runner; sessionId: string }[] = [];
    try {
      await body(s, (runner, sessionId) => {
        running.push({ runner, sessionId });
        return runner;
      });
    } finally {
      await Promise.allSettled(running.map(({ runner, sessionId }) => runner.stop(sessionId)));
      await s.cleanup?.();
    }
  };
  const suite = options.concurrent === true ? describe.concurrent : describe;

  suite(`Runner contract: ${name}`, () => {
    it('shows a header then output, runs an allowed tool, passes input on, and exits once when stopped', () =>
      session(async (s, track) => {
        const events = new EventRecorder();
        const runner = track(s.createRunner(events), 's1');
        await runner.start('s1', s.prompt, 0);

        const firstOutput = await events.waitFor('onOutput');
        const header = events.of('onHeader')[0];
        expect(header, 'a header comes first').toBeDefined();
        expect(events.events.indexOf(header!)).toBeLessThan(events.events.indexOf(firstOutput));
        expect(header?.sessionId).toBe('s1');

        const request = await events.waitFor('onPermissionRequest');
        const { requestId, toolName, toolInput } = request.args[0] as {
          requestId: string;
          toolName: string;
          toolInput: Record<string, unknown>;
        };
        expect(toolName).toBe('Bash');
        expect(typeof toolInput.command).toBe('string');

        expect(await runner.respondToPermission('s1', requestId, allowOnce)).toBe(true);
        const resolved = await events.waitFor('onPermissionResolved', (e) => e.args[0] === requestId);
        expect(resolved.args.slice(1, 3)).toEqual(['user', true]);
        expect(
          await runner.respondToPermission('s1', requestId, denyWith('too late')),
          'answered once only',
        ).toBe(false);
        await s.expectToolRan(events);

        await events.waitFor('onAwaitingInput');
        await runner.sendInput('s1', 'ping 42');
        await s.expectAgentReceived(events, 'ping 42');

        const code = await runner.stop('s1');
        expect(events.of('onExit')).toHaveLength(1);
        expect(events.of('onExit')[0]?.args[0]).toBe(code);
        expect(await runner.stop('s1'), 'stopping again reports the same code').toBe(code);
        expect(events.of('onExit')).toHaveLength(1);
        expect(events.events.at(-1)?.type, 'nothing after the exit').toBe('onExit');
        await expect(runner.sendInput('s1', 'anyone?')).rejects.toMatchObject({ code: 'NOT_STARTED' });
      }));

    it('tells the agent the reason when a person denies', () =>
      session(async (s, track) => {
        const events = new EventRecorder();
        const runner = track(s.createRunner(events), 's2');
        await runner.start('s2', s.prompt, 0);
        const request = await events.waitFor('onPermissionRequest');
        const { requestId } = request.args[0] as { requestId: string };

        expect(await runner.respondToPermission('s2', requestId, denyWith('not on a Friday'))).toBe(true);
        const resolved = await events.waitFor('onPermissionResolved');
        expect(resolved.args.slice(0, 4)).toEqual([requestId, 'user', false, 'not on a Friday']);
        await s.expectDenialReached(events, 'not on a Friday');
      }));

    it('reports the exit code of an agent that ends on its own', () =>
      session(async (s, track) => {
        const events = new EventRecorder();
        const runner = track(s.selfExit.createRunner(events), 's3');
        await runner.start('s3', s.selfExit.prompt, 0);
        await s.selfExit.drive?.(runner, 's3', events);

        const exit = await events.waitFor('onExit');
        expect(exit.args[0]).toBe(s.selfExit.exitCode);
        expect(await runner.stop('s3')).toBe(s.selfExit.exitCode);
        expect(events.of('onExit')).toHaveLength(1);
        const heartbeats = events.of('onHeartbeat');
        expect(heartbeats.at(-1)?.args[1], 'the last heartbeat says done').toBe(true);
      }));
  });
}
