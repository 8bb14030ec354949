import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeRunner } from '../../src/runner/claude/claude-runner.js';
import { loadClaudeAgentSdk } from '../../src/runner/claude/load-sdk.js';
import { RunnerUnavailableError } from '../../src/runner/errors.js';
import { type FakeAnthropicScript, FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
import { claudeBinary } from '../support/claude-binary.js';
import { EventRecorder, waitUntil } from './event-recorder.js';
import { ada, describeRunnerContract } from './runner-contract.js';

const hasBinary = claudeBinary() !== undefined;
if (!hasBinary) {
  console.warn(
    'Skipping the ClaudeRunner end-to-end tests: the native binary (@anthropic-ai/claude-agent-sdk-linux-x64) is not installed.',
  );
}

/** A scratch HOME/TMPDIR/cwd and a fake Messages API: real Claude Code, offline. */
async function offlineClaude(script: FakeAnthropicScript) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-claude-'));
  const fake = await FakeAnthropicServer.start(script);
  const env = {
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: dir,
    TMPDIR: dir,
  };
  return {
    dir,
    fake,
    runner: (events: EventRecorder, oneShot = false) =>
      new ClaudeRunner(events, { cwd: dir, env, oneShot, heartbeatMs: 0, stopGraceMs: 3000 }),
    async cleanup() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!hasBinary)('ClaudeRunner with the real Claude Code against FakeAnthropicServer', () => {
  describeRunnerContract(
    'ClaudeRunner',
    async () => {
      const marker = (dir: string) => join(dir, 'marker');
      let markerPath = '';
      const claude = await offlineClaude({
        toolCall: { name: 'Bash', input: { command: 'echo ran > marker', description: 'Leave a marker' } },
        finalText: 'The marker is written.',
      });
      markerPath = marker(claude.dir);
      return {
        createRunner: (events) => claude.runner(events),
        prompt: 'Leave a marker file, please.',
        expectToolRan: async (events) => {
          await waitUntil(() => existsSync(markerPath), 'the Bash command wrote the marker file');
          // The person reads what the agent does, not a bare "[tool: Bash]" marker.
          expect(events.transcript()).toContain('🔧 Bash `echo ran > marker`');
          expect(events.transcript()).not.toContain('[tool:');
        },
        expectDenialReached: async (_events, reason) => {
          await waitUntil(
            () => claude.fake.toolResults().some((r) => r.is_error && r.content.includes(reason)),
            `the model received a tool_result error "${reason}"`,
          );
          expect(existsSync(markerPath), 'a denied command does not run').toBe(false);
        },
        expectAgentReceived: async (events, text) => {
          await events.waitForOutput(`Echo: ${text}`);
          expect(claude.fake.userTexts()).toContain(text);
        },
        selfExit: {
          createRunner: (events) => {
            claude.fake.script = { reply: () => 'Hi!' };
            return claude.runner(events, true);
          },
          prompt: 'Just say hi.',
          exitCode: 0,
        },
        cleanup: () => claude.cleanup(),
      };
    },
    { concurrent: true },
  );

  describe('ClaudeRunner specifics', () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
    });

    it('shows AskUserQuestion as a choice and sends the picked answer back to the model', async () => {
      const claude = await offlineClaude({
        toolCall: {
          name: 'AskUserQuestion',
          input: {
            questions: [
              {
                question: 'Which approach should I take?',
                header: 'Approach',
                multiSelect: false,
                options: [
                  { label: 'Integer cents', description: 'Exact' },
                  { label: 'Round at the end', description: 'Simple' },
                ],
              },
            ],
          },
        },
        finalText: 'Going with it.',
      });
      const events = new EventRecorder();
      const runner = claude.runner(events);
      cleanup = async () => {
        await runner.stop('q').catch(() => undefined);
        await claude.cleanup();
      };
      await runner.start('q', 'Fix the cart total', 0);

      const request = await events.waitFor('onPermissionRequest');
      const asked = request.args[0] as {
        requestId: string;
        kind: string;
        question: { options: { label: string }[] };
      };
      expect(asked.kind).toBe('question');
      expect(asked.question).toMatchObject({ question: 'Which approach should I take?', header: 'Approach' });
      expect(asked.question.options.map((o) => o.label)).toEqual(['Integer cents', 'Round at the end']);

      const answered = await runner.respondToChoice('q', asked.requestId, {
        behavior: 'selected',
        index: 1,
        label: 'Round at the end',
        by: { type: 'user', user: ada },
      });
      expect(answered).toBe(true);
      await waitUntil(
        () => claude.fake.toolResults().some((r) => !r.is_error && r.content.includes('Round at the end')),
        'the model received the answer',
      );
      await events.waitForOutput('Going with it.');
      await events.waitFor('onMetadata', (e) => e.args[0] === 'duration');
      const header = events.of('onHeader')[0]?.args[0] as { title: string; cwd: string; approval: string };
      expect(header.title).toMatch(/^Claude Code /);
      expect(header.approval).toBe('default');
      expect(events.of('onMetadata').map((e) => e.args[0])).toEqual(
        expect.arrayContaining(['usage', 'cost', 'duration']),
      );
    });
  });
});

describe('ClaudeRunner without the SDK', () => {
  it('says how to install the Agent SDK when it is missing', async () => {
    const missing = '@anthropic-ai/not-installed-agent-sdk';
    const error = await loadClaudeAgentSdk(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerUnavailableError);
    expect(error).toMatchObject({ code: 'RUNNER_UNAVAILABLE', runnerType: 'claude' });
    expect((error as Error).message).toContain('npm install @anthropic-ai/claude-agent-sdk');

    const events = new EventRecorder();
    const runner = new ClaudeRunner(events, { loadSdk: () => loadClaudeAgentSdk(missing) });
    await expect(runner.start('s', 'hi', 0)).rejects.toBeInstanceOf(RunnerUnavailableError);
    expect(events.events).toEqual([]);
  });
});
