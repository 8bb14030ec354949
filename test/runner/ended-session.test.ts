import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { SESSION_ENDED, supervise } from '../../src/runner/supervise.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

describe('after the agent ends', () => {
  it('a typed message is answered "this session has ended", and so is /stop', async () => {
    const bridge = new MemoryBridge();
    bridges.push(bridge);
    const session = await supervise({
      bridges: bridge,
      prompt: 'say hi',
      runner: (events) => new ScriptedRunner(events, { script: [{ output: 'hi' }, { exit: 0 }] }),
    });
    expect(await session.done).toBe(0);
    const threadId = session.threads[0]?.threadId ?? '';
    await bridge.userSays(threadId, 'one more thing');
    const ended = SESSION_ENDED.replace(/_/g, '');
    expect(bridge.texts(threadId).at(-1)).toBe(ended);
    await bridge.userSays(threadId, '/stop');
    expect(bridge.texts(threadId).at(-1)).toBe(ended);
  });
});
