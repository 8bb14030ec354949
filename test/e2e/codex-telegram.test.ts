/**
 * End to end, offline: the real Codex CLI (`codex app-server`) talks to FakeOpenAIServer, which scripts a
 * shell command; the approval card appears in a FakeTelegramServer topic through the real grammY client; a
 * simulated person taps Allow and the command really runs, or Deny and it does not (the model sees the
 * rejection), or sends /stop while the command runs and the turn is interrupted.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CodexRunner } from '../../src/runner/codex/codex-runner.js';
import { supervise } from '../../src/runner/supervise.js';
import { FakeOpenAIServer } from '../../src/testing/fake-openai.js';
import { codexBinary } from '../support/codex-binary.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, type FakeWorld, say, startFake, tap } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(cmd: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-codex-e2e-'));
  const project = join(dir, 'project');
  mkdirSync(project);
  const model = await FakeOpenAIServer.start({ toolCall: { arguments: { cmd } }, finalText: 'All done.' });
  const tg = await startFake();
  const bridge = bridgeOn(tg);
  await bridge.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => model.close());
  cleanups.push(() => tg.fake.stop());
  cleanups.push(() => bridge.stop());
  const session = await supervise({
    bridges: bridge,
    prompt: 'Do the thing',
    cwd: project,
    runner: (events) =>
      new CodexRunner(events, {
        cwd: project,
        env: model.codexEnvironment(dir),
        oneShot: true,
        heartbeatMs: 0,
      }),
  });
  cleanups.push(() => session.stop().catch(() => undefined));
  const threadId = session.threads[0]?.threadId ?? '';
  return { tg, model, project, session, threadId };
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

describe.skipIf(codexBinary() === undefined)('Codex under Telegram supervision, offline', () => {
  it('the card shows the command in the topic; Allow runs it and the model sees its output', async () => {
    const { tg, model, project, session, threadId } = await world('echo hello > out.txt');
    const card = await cardWith(tg, threadId, 'Allow');
    expect(card.text).toContain('Permission request: Bash');
    expect(card.text).toContain('echo hello > out.txt');
    expect(card.text).toContain(project);
    expect(existsSync(join(project, 'out.txt'))).toBe(false);
    await cardWith(tg, threadId, 'Allow');
    await tap(tg, threadId, 'Allow');
    expect(await session.done).toBe(0);
    expect(existsSync(join(project, 'out.txt'))).toBe(true);
    expect(model.toolOutputs()[0]?.output).toContain('exited with code 0');
    await tg.fake.waitFor(() => /All done\.[\s\S]*Status: done/.test(topicText(tg, threadId)), {
      what: 'the final answer and status',
    });
    const decided = botMessages(tg, threadId).find((m) => m.text.includes('Permission request: Bash'));
    expect(decided?.text).toMatch(/Allowed — olivia via telegram/);
  });

  it('Deny: the command does not run and the model is told it was rejected', async () => {
    const { tg, model, project, session, threadId } = await world('echo hello > out.txt');
    await cardWith(tg, threadId, 'Deny');
    await tap(tg, threadId, 'Deny');
    expect(await session.done).toBe(0);
    expect(existsSync(join(project, 'out.txt'))).toBe(false);
    expect(model.toolOutputs()[0]?.output).toContain('rejected by user');
  });

  it('/stop interrupts the running turn: the command is cut off and the model never hears back', async () => {
    const { tg, model, project, session, threadId } = await world(
      'touch started && sleep 30 && touch finished',
    );
    await cardWith(tg, threadId, 'Allow');
    await tap(tg, threadId, 'Allow');
    await tg.fake.waitFor(() => existsSync(join(project, 'started')) || undefined, {
      what: 'the command to start',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    say(tg, threadId, '/stop');
    await session.done;
    await tg.fake.waitFor(() => /Stopping the agent/.test(topicText(tg, threadId)) || undefined, {
      what: 'the stop confirmation',
    });
    expect(model.toolOutputs(), 'the interrupted command reported nothing to the model').toEqual([]);
    expect(existsSync(join(project, 'finished'))).toBe(false);
  });
});
