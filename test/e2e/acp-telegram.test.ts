/**
 * End to end, offline: ACP agents under Telegram supervision through the real grammY client and
 * FakeTelegramServer. The real Gemini CLI (`gemini --acp`) against FakeGeminiServer: the card shows the
 * command with the agent's own options; Allow runs it; Reject does not, and the model is told. And the SDK-built
 * test agent: the option the person taps is the one the agent receives.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AcpRunner } from '../../src/runner/acp/acp-runner.js';
import { supervise } from '../../src/runner/supervise.js';
import { FakeGeminiServer } from '../../src/testing/fake-gemini.js';
import { geminiEntry } from '../support/gemini-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, type FakeWorld, startFake, tap } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function telegram() {
  const dir = mkdtempSync(join(tmpdir(), 'tether-acp-e2e-'));
  const project = join(dir, 'project');
  mkdirSync(project);
  const tg = await startFake();
  const bridge = bridgeOn(tg);
  await bridge.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => tg.fake.stop());
  cleanups.push(() => bridge.stop());
  return { dir, project, tg, bridge };
}

/** The newest message with a button labelled `label`; real agents start slowly on a loaded machine. */
function cardWith(tg: FakeWorld, threadId: string, label: string) {
  return tg.fake.waitFor(
    () => [...botMessages(tg, threadId)].reverse().find((m) => m.buttons.flat().includes(label)),
    { what: `a card with the button "${label}"`, timeoutMs: REAL_PROCESS_WAIT_MS },
  );
}

const topicText = (tg: FakeWorld, threadId: string) =>
  botMessages(tg, threadId)
    .map((m) => m.text)
    .join('\n---\n');

const entry = geminiEntry();

describe.skipIf(entry === undefined)('Gemini CLI (ACP) under Telegram supervision, offline', () => {
  async function gemini() {
    const { dir, project, tg, bridge } = await telegram();
    const model = await FakeGeminiServer.start({
      toolCall: {
        name: 'run_shell_command',
        args: { command: 'echo hi > out.txt', description: 'Write out.txt' },
      },
      finalText: 'All done.',
    });
    cleanups.push(() => model.close());
    const session = await supervise({
      bridges: bridge,
      prompt: 'Write hi to out.txt',
      cwd: project,
      runner: (events) =>
        new AcpRunner(events, {
          command: process.execPath,
          args: [entry ?? '', '--acp'],
          cwd: project,
          env: model.geminiEnvironment(dir),
          oneShot: true,
          heartbeatMs: 0,
          stopGraceMs: 2000,
        }),
    });
    cleanups.push(() => session.stop().catch(() => undefined));
    return { tg, model, project, session, threadId: session.threads[0]?.threadId ?? '' };
  }

  it("the card shows the command with Gemini's own options; Allow runs it", async () => {
    const { tg, model, project, session, threadId } = await gemini();
    const card = await tg.fake.waitFor(
      () => botMessages(tg, threadId).find((m) => m.buttons.flat().includes('Allow for this session')),
      { what: "the card with Gemini's options", timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(card.text).toContain('Permission request: Bash');
    expect(card.text).toContain('echo hi > out.txt');
    expect(card.buttons.slice(0, 2)).toEqual([['Allow for this session', 'Allow'], ['Reject']]);
    expect(existsSync(join(project, 'out.txt'))).toBe(false);
    await cardWith(tg, threadId, 'Allow');
    await tap(tg, threadId, 'Allow');
    await session.done;
    expect(existsSync(join(project, 'out.txt'))).toBe(true);
    expect(model.functionResponses()[0]?.response).toHaveProperty('output');
    await tg.fake.waitFor(() => /All done\./.test(topicText(tg, threadId)) || undefined, {
      what: 'the answer',
    });
    expect(topicText(tg, threadId)).toMatch(/✅ Allow — olivia via telegram/);
  });

  it('Reject: the command does not run and the model is told it was canceled', async () => {
    const { tg, model, project, session, threadId } = await gemini();
    await tg.fake.waitFor(() => botMessages(tg, threadId).find((m) => m.buttons.flat().includes('Reject')), {
      what: 'the card',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    await cardWith(tg, threadId, 'Reject');
    await tap(tg, threadId, 'Reject');
    await session.done;
    expect(existsSync(join(project, 'out.txt'))).toBe(false);
    expect(JSON.stringify(model.functionResponses()[0]?.response)).toContain('canceled by the user');
    expect(topicText(tg, threadId)).toMatch(/❌ Reject — olivia via telegram/);
  });
});

describe('An SDK-built ACP agent under Telegram supervision', () => {
  it('the option the person taps ("Allow for this session") is the one the agent receives', async () => {
    const { project, tg, bridge } = await telegram();
    const session = await supervise({
      bridges: bridge,
      prompt: 'ask',
      cwd: project,
      runner: (events) =>
        new AcpRunner(events, {
          command: process.execPath,
          args: [join(import.meta.dirname, '../support/acp-test-agent.mjs')],
          cwd: project,
          oneShot: true,
          heartbeatMs: 0,
        }),
    });
    cleanups.push(() => session.stop().catch(() => undefined));
    const threadId = session.threads[0]?.threadId ?? '';
    const card = await cardWith(tg, threadId, 'Allow for this session');
    expect(card.buttons).toEqual([
      ['Allow', 'Allow for this session'],
      ['Reject', 'Never'],
      ['Allow Bash 30m', 'Allow all 30m', 'Allow dir 30m'],
      ['Always allow rm -rf build'],
    ]);
    await cardWith(tg, threadId, 'Allow for this session');
    await tap(tg, threadId, 'Allow for this session');
    expect(await session.done).toBe(0);
    await tg.fake.waitFor(() => /Selected: allow-always/.test(topicText(tg, threadId)) || undefined, {
      what: "the agent's answer",
    });
  });
});
