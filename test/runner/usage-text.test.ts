import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { supervise } from '../../src/runner/supervise.js';
import { eventually } from '../contract/bridge-contract.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

describe('/usage', () => {
  it('reads as numbers a person understands, not raw JSON', async () => {
    const bridge = new MemoryBridge();
    bridges.push(bridge);
    const session = await supervise({
      bridges: bridge,
      prompt: 'work',
      runner: (events) =>
        new ScriptedRunner(events, {
          script: [
            { metadata: { tokens: { input: 1843, output: 612, cache_read: 20000 }, cost: 0.0214 } },
            { awaitInput: true },
          ],
        }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    await eventually(() => expect(bridge.texts(threadId).join('\n')).toContain('awaiting input'));
    await bridge.userSays(threadId, '/usage');
    const answer = bridge.texts(threadId).at(-1) ?? '';
    expect(answer).toBe('tokens: 1,843 input · 612 output · 20,000 cache read\ncost: $0.0214');
    expect(answer).not.toContain('{');
    await session.stop();
  });
});
