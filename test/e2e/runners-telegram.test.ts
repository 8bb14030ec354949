/**
 * The same supervised flow as the Claude end-to-end test, with the other runners: the example JSON-lines agent
 * (SubprocessRunner) and the ScriptedRunner, each under a Telegram topic on FakeTelegramServer via grammY.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { supervise } from '../../src/runner/supervise.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  say,
  startFake,
  tap,
  waitForButton,
} from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function telegram() {
  const tg = await startFake();
  const bridge = bridgeOn(tg);
  await bridge.start();
  cleanups.push(() => tg.fake.stop());
  cleanups.push(() => bridge.stop());
  return { tg, bridge };
}

const seen = (tg: FakeWorld, threadId: string) =>
  botMessages(tg, threadId)
    .map((m) => m.text)
    .join('\n');

describe('runners under Telegram supervision', () => {
  it('SubprocessRunner: the example agent asks, the person allows, the command runs; input is echoed; exit code reported', async () => {
    const { tg, bridge } = await telegram();
    const session = await supervise({
      bridges: bridge,
      prompt: 'say hello',
      runner: (events) =>
        new SubprocessRunner(events, {
          command: process.execPath,
          args: [path.resolve('examples/jsonl-agent.mjs')],
        }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    const card = await waitForButton(tg, threadId, 'Allow', REAL_PROCESS_WAIT_MS);
    expect(card.text).toContain('echo hello');
    await tap(tg, threadId, 'Allow');
    await tg.fake.waitFor(() => /hello/.test(seen(tg, threadId).split('echo hello').at(-1) ?? ''), {
      what: 'the command output',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    say(tg, threadId, 'how are you');
    await tg.fake.waitFor(() => seen(tg, threadId).includes('how are you'), {
      what: 'the echo',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    say(tg, threadId, 'exit 3');
    expect(await session.done).toBe(3);
    await tg.fake.waitFor(() => /Status: error — exited with code 3/.test(seen(tg, threadId)), {
      what: 'the final status',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
  });

  it('ScriptedRunner: a denial with a reason reaches the script, and /stop ends the session', async () => {
    const { tg, bridge } = await telegram();
    const session = await supervise({
      bridges: bridge,
      prompt: 'deploy',
      runner: (events) =>
        new ScriptedRunner(events, {
          script: [
            { output: 'About to deploy.' },
            { permission: { toolName: 'Bash', input: { command: 'make deploy' }, onDeny: 'Not deploying' } },
            { awaitInput: 'repeat' },
          ],
        }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    await waitForButton(tg, threadId, 'Deny', REAL_PROCESS_WAIT_MS);
    say(tg, threadId, 'deny: freeze until Monday');
    await tg.fake.waitFor(() => /Not deploying[\s\S]*freeze until Monday/.test(seen(tg, threadId)), {
      what: 'the denial',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    say(tg, threadId, '/stop');
    expect(await session.done).toBe(0);
  });
});
