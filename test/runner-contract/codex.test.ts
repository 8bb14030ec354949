import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CodexRunner } from '../../src/runner/codex/codex-runner.js';
import { findCodex } from '../../src/runner/codex/find-codex.js';
import { RunnerUnavailableError } from '../../src/runner/errors.js';
import { type FakeOpenAIScript, FakeOpenAIServer } from '../../src/testing/fake-openai.js';
import { codexBinary } from '../support/codex-binary.js';
import { EventRecorder, waitUntil } from './event-recorder.js';
import { ada, allowOnce, describeRunnerContract } from './runner-contract.js';

const hasBinary = codexBinary() !== undefined;
if (!hasBinary)
  console.warn('Skipping the CodexRunner tests with the real binary: @openai/codex is not installed.');

/** A scratch CODEX_HOME/HOME/TMPDIR/project and a fake Responses API: real Codex, offline. */
async function offlineCodex(script: FakeOpenAIScript) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-codex-'));
  const project = join(dir, 'project');
  mkdirSync(project);
  const fake = await FakeOpenAIServer.start(script);
  const env = fake.codexEnvironment(dir);
  return {
    dir,
    project,
    fake,
    runner: (events: EventRecorder, oneShot = false) =>
      new CodexRunner(events, { cwd: project, env, oneShot, heartbeatMs: 0, stopGraceMs: 3000 }),
    async cleanup() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!hasBinary)('CodexRunner with the real Codex against FakeOpenAIServer', () => {
  describeRunnerContract(
    'CodexRunner',
    async () => {
      const codex = await offlineCodex({
        toolCall: { arguments: { cmd: 'echo ran > marker' } },
        finalText: 'The marker is written.',
      });
      const marker = join(codex.project, 'marker');
      return {
        createRunner: (events) => codex.runner(events),
        prompt: 'Leave a marker file, please.',
        expectToolRan: async () => {
          await waitUntil(() => existsSync(marker), 'the command wrote the marker file', 30_000);
          await waitUntil(() => codex.fake.toolOutputs().length > 0, 'the model received the output', 30_000);
          expect(codex.fake.toolOutputs()[0]?.output).toContain('exited with code 0');
        },
        expectDenialReached: async (_events, reason) => {
          await waitUntil(
            () => codex.fake.toolOutputs().some((o) => o.output.includes('rejected by user')),
            'the model received the rejection',
            30_000,
          );
          await waitUntil(
            () => codex.fake.userTexts().some((t) => t.includes(reason)),
            `the model received the reason "${reason}"`,
            30_000,
          );
          expect(existsSync(marker), 'a denied command does not run').toBe(false);
        },
        expectAgentReceived: async (events, text) => {
          await events.waitForOutput(`Echo: ${text}`, 30_000);
          expect(codex.fake.userTexts()).toContain(text);
        },
        selfExit: {
          createRunner: (events) => {
            codex.fake.script = { reply: () => 'Hi!' };
            return codex.runner(events, true);
          },
          prompt: 'Just say hi.',
          exitCode: 0,
        },
        cleanup: () => codex.cleanup(),
      };
    },
    { concurrent: true },
  );

  describe('CodexRunner specifics', () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('shows the command, its directory and a header; stop interrupts a turn waiting for approval', async () => {
      const codex = await offlineCodex({ toolCall: { arguments: { cmd: 'touch never-made' } } });
      const events = new EventRecorder();
      const runner = codex.runner(events);
      cleanup = async () => {
        await runner.stop('c').catch(() => undefined);
        await codex.cleanup();
      };
      await runner.start('c', 'Make a file', 0);
      const request = await events.waitFor('onPermissionRequest');
      const asked = request.args[0] as {
        requestId: string;
        toolName: string;
        toolInput: Record<string, unknown>;
      };
      expect(asked.toolName).toBe('Bash');
      expect(asked.toolInput.command).toContain('touch never-made');
      expect(asked.toolInput.directory).toBe(codex.project);
      const header = events.of('onHeader')[0]?.args[0] as Record<string, unknown>;
      expect(header).toMatchObject({
        title: expect.stringMatching(/^Codex \d/),
        model: 'fake-model',
        approval: 'untrusted',
        cwd: codex.project,
      });
      expect(events.transcript()).toContain('🔧 Bash `touch never-made`');

      expect(await runner.stop('c')).toBe(0);
      const resolved = events.of('onPermissionResolved')[0];
      expect(resolved?.args.slice(0, 3)).toEqual([asked.requestId, 'cancelled', false]);
      expect(existsSync(join(codex.project, 'never-made'))).toBe(false);
      expect(codex.fake.toolOutputs(), 'the model never saw an outcome').toEqual([]);
      expect(await runner.respondToPermission('c', asked.requestId, allowOnce)).toBe(false);
    });

    it('input while a turn waits goes into it; a timer allow answers accept, so the next command asks again', {
      timeout: 90_000,
    }, async () => {
      const codex = await offlineCodex({
        toolCall: { arguments: { cmd: 'echo one > one.txt' } },
        finalText: 'One done.',
        usage: { input_tokens: 30, output_tokens: 5 },
      });
      const events = new EventRecorder();
      const runner = codex.runner(events);
      cleanup = async () => {
        await runner.stop('t').catch(() => undefined);
        await codex.cleanup();
      };
      await runner.start('t', 'Write one', 0);
      const first = await events.waitFor('onPermissionRequest');
      await runner.sendInput('t', 'also mind the tests');
      const id1 = (first.args[0] as { requestId: string }).requestId;
      const allowAll = { behavior: 'allow', scope: 'all', by: { type: 'user', user: ada } } as const;
      expect(await runner.respondToPermission('t', id1, allowAll)).toBe(true);
      // The model's follow-up request carries the command's output and then the steered text.
      await events.waitForOutput('Echo: also mind the tests', 30_000);
      await events.waitFor('onAwaitingInput');
      expect(existsSync(join(codex.project, 'one.txt'))).toBe(true);
      expect(codex.fake.toolOutputs()).toHaveLength(1);
      expect(events.of('onAwaitingInput')).toHaveLength(1);
      const usage = events.of('onMetadata').filter((e) => e.args[0] === 'usage');
      expect(usage.at(-1)?.args[2]).toMatch(/^\d+ input \/ \d+ output tokens$/);

      codex.fake.script = { toolCall: { arguments: { cmd: 'echo two > two.txt' } }, finalText: 'Two done.' };
      await runner.sendInput('t', 'now write two');
      const second = await events.waitFor('onPermissionRequest', (e) => e !== first);
      expect((second.args[0] as { toolInput: { command: string } }).toolInput.command).toContain('two.txt');
    });
  });
});

describe('CodexRunner without Codex', () => {
  it('names the install command when the binary is missing', async () => {
    const error = (() => {
      try {
        return findCodex('/nonexistent/codex');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RunnerUnavailableError);
    expect((error as Error).message).toContain('npm install @openai/codex');
    const events = new EventRecorder();
    const runner = new CodexRunner(events, { codexPath: '/nonexistent/codex' });
    await expect(runner.start('s', 'hi', 0)).rejects.toMatchObject({
      code: 'RUNNER_UNAVAILABLE',
      runnerType: 'codex',
    });
    expect(events.events).toEqual([]);
  });
});
