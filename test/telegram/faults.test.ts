import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/core/store/index.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  OWNER,
  ScaledClock,
  SECOND,
  startFake,
  waitForButton,
} from './telegram-world.js';

let world: FakeWorld | undefined;
const bridges: TelegramBridge[] = [];

afterEach(async () => {
  for (const bridge of bridges.splice(0)) await bridge.stop();
  await world?.fake.stop();
  world = undefined;
});

/** Markers `<tag>-<n>` visible in a thread, in reading order (each message as it looks now). */
function visibleMarkers(w: FakeWorld, threadId: string, tag: string): number[] {
  const text = botMessages(w, threadId)
    .map((m) => m.text)
    .join('\n');
  return [...text.matchAll(new RegExp(`${tag}-(\\d+)\\b`, 'g'))].map((m) => Number(m[1]));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fault matrix', () => {
  it("a 429 storm under Telegram's limits loses, duplicates and reorders nothing", async () => {
    const scale = 0.01;
    world = await startFake({ rateLimits: {}, timeScale: scale });
    const bridge = bridgeOn(world, { clock: new ScaledClock(scale), clockScale: scale });
    bridges.push(bridge);
    await bridge.start();
    const [a, b] = [await bridge.createThread('Storm A'), await bridge.createThread('Storm B')];
    const filler = 'lorem ipsum '.repeat(120);
    const sends: Promise<void>[] = [];
    for (const i of range(30)) {
      sends.push(bridge.sendOutput(a, `A-${i} ${filler}`));
      sends.push(bridge.sendOutput(b, `B-${i} ${filler}`));
      if (i % 10 === 9) sends.push(bridge.sendStatus(a, 'running', `checkpoint ${i}`));
    }
    await Promise.all(sends);
    expect(visibleMarkers(world, a, 'A')).toEqual(range(30));
    expect(visibleMarkers(world, b, 'B')).toEqual(range(30));
    expect(world.fake.calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
  });

  it('5xx, dropped connections, 429s and slow responses: every output visible once, in order', async () => {
    world = await startFake();
    const bridge = bridgeOn(world);
    bridges.push(bridge);
    await bridge.start();
    const thread = await bridge.createThread('Faults');
    await bridge.sendOutput(thread, 'F-0 before the faults');
    const w = world;
    w.fake.inject({ method: 'sendMessage', kind: 'status', status: 500 });
    w.fake.inject({ method: 'sendMessage', kind: 'drop' });
    w.fake.inject({ method: 'sendMessage', kind: 'ratelimit', retryAfter: 0.05, times: 2 });
    w.fake.inject({ method: 'sendMessage', kind: 'status', status: 502 });
    w.fake.inject({ method: 'editMessageText', kind: 'drop' });
    w.fake.inject({ method: 'editMessageText', kind: 'delay', ms: 200, times: 2 });
    const sends = range(12).map((i) =>
      i % 4 === 3
        ? bridge.sendStatus(thread, 'running', `F-${i + 1} status`)
        : bridge.sendOutput(thread, `F-${i + 1} ${'x'.repeat(i * 300)}`),
    );
    await Promise.all(sends);
    expect(visibleMarkers(w, thread, 'F')).toEqual(range(13));
    const failed = w.fake.calls.filter((c) => c.status !== 200 && c.method !== 'getUpdates');
    expect(failed.map((c) => c.status)).toEqual(expect.arrayContaining([0, 429, 429, 500, 502]));
  });

  it('restart mid-approval, a failing card edit and a double tap: the decision is delivered exactly once', async () => {
    world = await startFake();
    const w = world;
    const dir = mkdtempSync(join(tmpdir(), 'tether-telegram-faults-'));
    const responses: string[] = [];
    const decisions: string[] = [];
    const handlers = {
      onApprovalResponse: (_t: string, requestId: string) => {
        responses.push(requestId);
      },
    };
    try {
      const firstStore = SqliteStore.open(dir);
      const first = bridgeOn(w, { store: firstStore, handlers });
      await first.start();
      const thread = await first.createThread('Restart');
      await first.sendApprovalRequest(thread, {
        requestId: 'r-1',
        toolName: 'Bash',
        description: 'make release',
      });
      const card = await waitForButton(w, thread, 'Allow');
      await first.stop();
      firstStore.close();
      // While the bridge is down, the person taps twice (two devices); the updates wait at Telegram.
      w.fake.inject({ method: 'editMessageText', kind: 'status', status: 500 });
      const taps = [
        w.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER, chatId: w.chatId }),
        w.fake.userTaps({ message: card.messageId, button: 'Deny', from: SECOND, chatId: w.chatId }),
      ];
      const store = SqliteStore.open(dir);
      const second = bridgeOn(w, { store, handlers, allowedUserIds: [OWNER.id, SECOND.id] });
      await second.start();
      bridges.push(second);
      second.onDecision((_t, requestId) => decisions.push(requestId));
      const answers = await Promise.all(taps);
      expect(answers.map((a) => a?.text)).toEqual([
        'allowed by olivia via telegram',
        'Already resolved: allowed by olivia via telegram',
      ]);
      await w.fake.waitFor(() => botMessages(w, thread)[0]?.buttons.length === 0, {
        what: 'the decided card',
      });
      expect(botMessages(w, thread)[0]?.text).toContain('Allowed — olivia via telegram');
      await w.fake.waitFor(() => responses.length >= 1, { what: 'onApprovalResponse' });
      expect(decisions).toEqual(['r-1']);
      expect(responses).toEqual(['r-1']);
      await second.stop();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
