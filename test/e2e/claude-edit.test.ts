/**
 * Edit, then approve, end to end and offline: the real Claude Code binary (through the Agent SDK) asks to run a
 * Bash command scripted by FakeAnthropicServer; the person taps Edit in a FakeTelegramServer topic, replies with a
 * corrected command, sees the change as a diff on a new card, taps Allow — and the edited command is what runs.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeRunner } from '../../src/runner/claude/claude-runner.js';
import { supervise } from '../../src/runner/supervise.js';
import { FakeAnthropicServer } from '../../src/testing/fake-anthropic.js';
import { claudeBinary } from '../support/claude-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, say, startFake, tap, waitForButton } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(claudeBinary() === undefined)('Edit, then approve, with the real Claude Code', () => {
  it('the edited command is the one Claude Code runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-edit-'));
    const original = join(dir, 'original-marker');
    const edited = join(dir, 'edited-marker');
    const model = await FakeAnthropicServer.start({
      toolCall: { name: 'Bash', input: { command: `touch ${original}`, description: 'Create a marker' } },
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
    const session = await supervise({
      bridges: bridge,
      prompt: 'Create the marker file',
      cwd: dir,
      runner: (events) => new ClaudeRunner(events, { cwd: dir, env, oneShot: true, heartbeatMs: 0 }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    const card = await waitForButton(tg, threadId, 'Edit', REAL_PROCESS_WAIT_MS);
    expect(card.text).toContain('original-marker');
    await tap(tg, threadId, 'Edit');
    await tg.fake.waitFor(
      () =>
        botMessages(tg, threadId).some((m) =>
          m.text.includes('reply in this thread with the corrected command'),
        ),
      { what: 'the edit prompt', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    say(tg, threadId, `touch ${edited}`);
    const confirm = await tg.fake.waitFor(
      () =>
        botMessages(tg, threadId).find(
          (m) => m.text.includes('Edited') && m.buttons.flat().includes('Allow'),
        ),
      { what: 'the card showing the edit', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(confirm.text).toContain(`-touch ${original}`);
    expect(confirm.text).toContain(`+touch ${edited}`);
    // The first card no longer offers Allow: only the edited command can be approved.
    const first = botMessages(tg, threadId).find((m) => m.messageId === card.messageId);
    expect(first?.buttons).toEqual([]);
    expect(existsSync(edited)).toBe(false);
    await tap(tg, threadId, 'Allow');
    expect(await session.done).toBe(0);
    expect(existsSync(edited)).toBe(true);
    expect(existsSync(original)).toBe(false);
    expect(bridge.auditLog({ threadId }).map((e) => e.action)).toEqual(
      expect.arrayContaining(['approval.edited', 'approval.allow']),
    );
  }, 120_000);
});
