/**
 * Hardening (issue 10, item 2): an agent that prints 60 MB as fast as it can leaves the supervisor's memory flat.
 * The subprocess runner stops reading the agent's pipes while 1,000 of its events wait for a slow consumer and
 * resumes at 100; the outbox keeps a bounded backlog, so the thread gets "… N lines omitted …" and the newest
 * lines. Live heap is sampled after a forced garbage collection: the bound is about what is retained.
 *
 * Without the runner's back-pressure this test fails: the events queue up behind the consumer (measured: 25 MB
 * peak growth without it, 5.7 MB with it, on a loaded 2-core machine).
 */
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { ApprovalChoices, type RunnerEvents } from '../../src/runner/types.js';
import { JumpClock } from '../support/jump-clock.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, startFake } from '../telegram/telegram-world.js';

const FLOOD_BYTES = 60_000_000;
const LINE_BYTES = 1000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function liveHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('an agent flooding its output', () => {
  it('60 MB printed as fast as possible: heap stays flat, the thread says what it omitted and shows the newest lines', async () => {
    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());
    // Telegram's real limits (20 messages a minute in a group) while the agent floods; fast-forwarded afterwards.
    const clock = new JumpClock();
    const bridge = bridgeOn(tg, { clock });
    cleanups.push(async () => {
      // Stopping waits for the backlog: let Telegram time run on meanwhile.
      const fastForward = setInterval(() => clock.advance(60_000), 1);
      await bridge.stop();
      clearInterval(fastForward);
    });
    await bridge.start();
    const thread = await bridge.createThread('flood');

    let lines = 0;
    let lastLine = '';
    let lastShown: Promise<void> = Promise.resolve();
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((r) => {
      exited = r;
    });
    const noop = () => undefined;
    // A consumer slower than the agent: it hands each line to the bridge, and after every 1,000 it waits 100 ms
    // (as a batched writer flushing to disk or to a store does) before it takes the next.
    const events: RunnerEvents = {
      onOutput: async (_session, _stream, text) => {
        lines++;
        lastLine = text;
        lastShown = bridge.sendOutput(thread, text);
        if (lines % 1000 === 0) await new Promise((r) => setTimeout(r, 100));
      },
      onError: noop,
      onExit: (_session, code) => exited(code),
      onAwaitingInput: noop,
      onMetadata: noop,
      onHeartbeat: noop,
      onHeader: noop,
      onPermissionRequest: noop,
      onPermissionResolved: noop,
    };
    const runner = new SubprocessRunner(events, {
      command: process.execPath,
      args: [resolve('test/hardening/agents/floods.mjs'), String(FLOOD_BYTES), String(LINE_BYTES)],
      heartbeatMs: 0,
    });
    cleanups.push(async () => {
      await runner.stop('flood').catch(() => undefined);
    });

    const baseline = liveHeap();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, liveHeap() - baseline);
    }, 500);
    cleanups.push(() => clearInterval(sampler));
    await runner.start('flood', 'go', ApprovalChoices.ask);
    const code = await Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the flooding agent did not finish')), REAL_PROCESS_WAIT_MS),
      ),
    ]);
    clearInterval(sampler);
    peak = Math.max(peak, liveHeap() - baseline);

    expect(code).toBe(0);
    // Nothing was lost on the way in: every line reached the consumer, in order.
    expect(lines).toBeGreaterThan(FLOOD_BYTES / LINE_BYTES);
    expect(lastLine).toMatch(/^the last line: \d+ lines/);
    // Memory: what the supervisor holds stays far below what the agent printed.
    expect(peak, `peak live heap growth ${(peak / 1e6).toFixed(1)} MB`).toBeLessThan(FLOOD_BYTES / 5);

    // Telegram time runs on until the backlog is shown.
    let shownAll = false;
    void lastShown.then(() => {
      shownAll = true;
    });
    while (!shownAll) {
      clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 1));
    }
    const shown = botMessages(tg, thread).map((m) => m.text);
    expect(shown.some((text) => /… [\d,]+ lines omitted …/.test(text))).toBe(true);
    expect(shown.at(-1)).toMatch(/the last line: \d+ lines/);
    expect(shown.join('\n')).toContain(`flood line ${lines - 2} `);
  }, 180_000);
});
