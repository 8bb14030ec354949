/**
 * A request settled through a bridge that was never started (another process's bridge on the same store, or one
 * built only to answer): the decision is stored and reported even though this bridge cannot edit the card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../memory-bridge.js';
import { MemoryStore } from '../store/memory.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

describe('settling on a bridge that was never started', () => {
  it('stores the decision and settles, though it cannot redraw the card', async () => {
    const store = new MemoryStore();
    const shown = new MemoryBridge({ store });
    const idle = new MemoryBridge({ store });
    bridges.push(shown, idle);
    await shown.start();
    const thread = await shown.createThread('Repo');
    void shown.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'npm test' },
      requestId: 'r-1',
    });
    await shown.settle();
    const result = await idle.resolveRequest('r-1', {
      behavior: 'deny',
      by: { type: 'auto', reason: 'test' },
      reason: 'no',
    });
    expect(result).toMatchObject({ settled: true });
    expect(store.getPending('r-1')?.decisionJson).toContain('"deny"');
  });
});
