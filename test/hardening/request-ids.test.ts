/**
 * Hardening (issue 10, item 3): request ids chosen by an agent are not global keys. The example JSON-lines agent
 * always asks with the id `run-echo`; run twice on one data dir, the second run must still show its card. And an
 * internal error while asking is never a silent deny: the person sees it and the agent is told the truth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import type { StoredPending } from '../../src/core/store/types.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { supervise } from '../../src/runner/supervise.js';
import { botMessages, bridgeOn, type FakeWorld, say, startFake, tap } from '../telegram/telegram-world.js';

/** Waits for events of real processes: generous, it costs nothing when things go well. */
const PROCESS_WAIT = { timeoutMs: 60_000 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const seen = (tg: FakeWorld, threadId: string) =>
  botMessages(tg, threadId)
    .map((m) => m.text)
    .join('\n');

function exampleAgent() {
  return (events: ConstructorParameters<typeof SubprocessRunner>[0]) =>
    new SubprocessRunner(events, {
      command: process.execPath,
      args: [path.resolve('examples/jsonl-agent.mjs')],
    });
}

describe('agent-chosen request ids', { timeout: 150_000 }, () => {
  it('a second run of the same agent on the same data dir still shows its card and runs when allowed', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tether-ids-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());

    for (const run of [1, 2]) {
      const store = SqliteStore.open(dataDir);
      const bridge = bridgeOn(tg, { store });
      await bridge.start();
      const session = await supervise({ bridges: bridge, prompt: `run ${run}`, runner: exampleAgent() });
      const threadId = session.threads[0]?.threadId ?? '';
      const card = await tg.fake.waitFor(
        () => [...botMessages(tg, threadId)].reverse().find((m) => m.buttons.flat().includes('Allow')),
        { ...PROCESS_WAIT, what: `the card of run ${run}` },
      );
      expect(card.text).toContain('echo hello');
      await tap(tg, threadId, 'Allow');
      await tg.fake.waitFor(() => /\$ echo hello\s+hello/.test(seen(tg, threadId)), {
        ...PROCESS_WAIT,
        what: `the command output of run ${run}`,
      });
      expect(seen(tg, threadId)).not.toMatch(/No one answered/);
      say(tg, threadId, 'exit 0');
      expect(await session.done).toBe(0);
      await bridge.stop();
      store.close();
    }
  });

  it('an internal error while asking is shown to the person and the agent is told the truth, not "nobody answered"', async () => {
    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());
    /** A store whose disk fails once, when the approval request is recorded. */
    class FailingOnceStore extends MemoryStore {
      failed = false;
      override putPending(pending: StoredPending): void {
        if (!this.failed) {
          this.failed = true;
          throw new Error('disk I/O error');
        }
        super.putPending(pending);
      }
    }
    const bridge = bridgeOn(tg, { store: new FailingOnceStore() });
    await bridge.start();
    cleanups.push(() => bridge.stop());
    const session = await supervise({ bridges: bridge, prompt: 'say hello', runner: exampleAgent() });
    const threadId = session.threads[0]?.threadId ?? '';
    await tg.fake.waitFor(
      () => /could not show the Bash request \(disk I\/O error\)/.test(seen(tg, threadId)),
      {
        ...PROCESS_WAIT,
        what: 'the person told the request could not be shown',
      },
    );
    await tg.fake.waitFor(
      () => /Not running `?echo hello`?: agent-tether could not show/.test(seen(tg, threadId)),
      {
        ...PROCESS_WAIT,
        what: 'the agent told the truth',
      },
    );
    expect(seen(tg, threadId)).not.toMatch(/No one answered/);
    say(tg, threadId, 'exit 0');
    expect(await session.done).toBe(0);
  });
});
