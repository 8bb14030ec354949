/**
 * End to end, offline: the real Claude Code binary (through the Agent SDK) talks to FakeAnthropicServer, which
 * scripts a Bash tool call; the approval card appears in a FakeTelegramServer topic through the real grammY
 * client; a simulated person taps Allow and the command really runs — or denies with a reason, and the model
 * receives that reason in the tool result. Both paths: `supervise()` + ClaudeRunner, and `tetherCanUseTool`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tetherCanUseTool } from '../../src/runner/claude/can-use-tool.js';
import { ClaudeRunner } from '../../src/runner/claude/claude-runner.js';
import { loadClaudeAgentSdk } from '../../src/runner/claude/load-sdk.js';
import { supervise } from '../../src/runner/supervise.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
import { claudeBinary } from '../support/claude-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  OWNER,
  say,
  startFake,
  tap,
  waitForButton,
} from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(): Promise<{
  tg: FakeWorld;
  bridge: TelegramBridge;
  model: FakeAnthropicServer;
  dir: string;
  env: Record<string, string>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-e2e-'));
  const marker = join(dir, 'ran-by-claude');
  const model = await FakeAnthropicServer.start({
    toolCall: { name: 'Bash', input: { command: `touch ${marker}`, description: 'Create the marker file' } },
    finalText: 'All done.',
  });
  const tg = await startFake();
  const bridge = bridgeOn(tg);
  await bridge.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => model.close());
  cleanups.push(() => tg.fake.stop());
  cleanups.push(() => bridge.stop());
  const env = {
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'offline-test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HOME: dir,
    TMPDIR: dir,
  };
  return { tg, bridge, model, dir, env };
}

function topicText(tg: FakeWorld, threadId: string): string {
  return botMessages(tg, threadId)
    .map((m) => m.text)
    .join('\n---\n');
}

describe.skipIf(claudeBinary() === undefined)('Claude Code under Telegram supervision, offline', () => {
  it('supervise(): the card appears in the topic, a tap on Allow really runs the command', async () => {
    const { tg, bridge, model, dir, env } = await world();
    const session = await supervise({
      bridges: bridge,
      prompt: 'Create the marker file',
      cwd: dir,
      runner: (events) => new ClaudeRunner(events, { cwd: dir, env, oneShot: true, heartbeatMs: 0 }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    const card = await waitForButton(tg, threadId, 'Allow', REAL_PROCESS_WAIT_MS);
    expect(card.text).toContain('Permission request: Bash');
    expect(card.text).toContain('ran-by-claude');
    expect(existsSync(join(dir, 'ran-by-claude'))).toBe(false);
    await tap(tg, threadId, 'Allow');
    expect(await session.done).toBe(0);
    expect(existsSync(join(dir, 'ran-by-claude'))).toBe(true);
    expect(model.toolResults().at(-1)?.is_error).toBe(false);
    await tg.fake.waitFor(() => /All done\.[\s\S]*Status: done/.test(topicText(tg, threadId)), {
      what: 'the final answer and status',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    const decided = botMessages(tg, threadId).find((m) => m.text.includes('Permission request: Bash'));
    expect(decided?.text).toMatch(/Allowed — olivia via telegram/);
    expect(decided?.buttons).toEqual([]);
  });

  it('supervise(): "Deny with reason" sends the reason to the model and the command does not run', async () => {
    const { tg, bridge, model, dir, env } = await world();
    const session = await supervise({
      bridges: bridge,
      prompt: 'Create the marker file',
      cwd: dir,
      runner: (events) => new ClaudeRunner(events, { cwd: dir, env, oneShot: true, heartbeatMs: 0 }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    await tap(tg, threadId, 'Deny with reason', OWNER, REAL_PROCESS_WAIT_MS);
    await tg.fake.waitFor(() => /reply in this thread with the reason/.test(topicText(tg, threadId)), {
      what: 'the reason prompt',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    await say(tg, threadId, 'not on this machine, use the sandbox');
    await session.done;
    expect(existsSync(join(dir, 'ran-by-claude'))).toBe(false);
    const result = model.toolResults().at(-1);
    expect(result?.is_error).toBe(true);
    expect(result?.content).toContain('not on this machine, use the sandbox');
  });

  it('tetherCanUseTool: the five-line library path against the real SDK', async () => {
    const { tg, bridge, model, dir, env } = await world();
    const sdk = await loadClaudeAgentSdk();
    const threadId = await bridge.createThread('Library path', { directory: dir });
    const run = (async () => {
      for await (const _message of sdk.query({
        prompt: 'Create the marker file',
        options: { cwd: dir, env, permissionMode: 'default', canUseTool: tetherCanUseTool(bridge, threadId) },
      })) {
        // drain
      }
    })();
    await waitForButton(tg, threadId, 'Deny', REAL_PROCESS_WAIT_MS);
    await say(tg, threadId, 'deny: ask me tomorrow');
    await run;
    expect(existsSync(join(dir, 'ran-by-claude'))).toBe(false);
    expect(model.toolResults().at(-1)).toMatchObject({ is_error: true });
    expect(model.toolResults().at(-1)?.content).toContain('ask me tomorrow');
    expect(bridge.auditLog({ threadId }).map((e) => e.action)).toContain('approval.deny');
  });
});
