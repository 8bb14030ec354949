import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory.js';
import type { StoredPending } from './types.js';

const request = (requestId: string, createdAt: number): StoredPending => ({
  requestId,
  threadId: 't1',
  platform: 'web',
  kind: 'approval',
  requestJson: '{}',
  cardJson: '[]',
  createdAt,
});

describe('MemoryStore retention', () => {
  it('keeps the newest resolved requests and every open one; older decisions are forgotten', () => {
    const store = new MemoryStore({ retainResolved: 3 });
    store.putPending(request('open', 0));
    for (let i = 1; i <= 10; i++) {
      store.putPending(request(`r${i}`, i));
      store.resolvePending(`r${i}`, '{"behavior":"deny"}', i);
    }
    expect(store.getPending('open')).toBeDefined();
    expect(store.listPending().map((p) => p.requestId)).toEqual(['open']);
    expect(['r7', 'r8', 'r9', 'r10'].map((id) => store.getPending(id)?.decisionJson !== undefined)).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('keeps the newest audit entries, oldest first', () => {
    const store = new MemoryStore({ retainAudit: 4 });
    for (let i = 1; i <= 11; i++) store.audit({ at: i, platform: 'web', action: `a${i}` });
    expect(store.listAudit().map((e) => e.action)).toEqual(['a8', 'a9', 'a10', 'a11']);
    expect(store.listAudit({ limit: 2 }).map((e) => e.action)).toEqual(['a10', 'a11']);
  });

  it('a flood of decisions leaves the memory footprint flat (default retention)', () => {
    const store = new MemoryStore();
    for (let i = 0; i < 20_000; i++) {
      store.putPending(request(`r${i}`, i));
      store.resolvePending(`r${i}`, '{"behavior":"deny"}', i);
      store.audit({ at: i, platform: 'web', action: 'approval.deny', requestId: `r${i}` });
    }
    expect(store.getPending('r0')).toBeUndefined();
    expect(store.getPending('r19999')).toBeDefined();
    expect(store.listAudit().length).toBe(10_000);
  });
});
