/**
 * The fast path `serve` answers auto-approved hooks with (`Bridge.decideWithoutPerson`): a rule or a running
 * timer decides at once, no card is shown, and what a person later reads is the same as on the card's path —
 * the audit entry, the batched notice in the thread, and the application's `onApprovalResponse` handler.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBridge } from '../memory-bridge.js';
import type { ApprovalResponseDetails } from '../types.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

async function started(): Promise<MemoryBridge> {
  const bridge = new MemoryBridge({
    rules: [
      { effect: 'allow', tool: 'Bash', command: 'echo*' },
      { effect: 'deny', tool: 'Bash', command: 'rm*' },
    ],
    notificationQuietMs: 20,
  });
  bridges.push(bridge);
  await bridge.start();
  return bridge;
}

describe('Bridge.decideWithoutPerson', () => {
  it('allows by a rule with no card: the audit, the batched notice and the handler all see it', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    const heard: { requestId: string; approved: boolean; details: ApprovalResponseDetails }[] = [];
    bridge.use({
      onApprovalResponse: (_thread, requestId, approved, details) => {
        heard.push({ requestId, approved, details });
      },
    });
    const decision = bridge.decideWithoutPerson(thread, { toolName: 'Bash', input: { command: 'echo hi' } });
    expect(decision?.behavior).toBe('allow');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await bridge.settle();
    expect(bridge.texts(thread).some((t) => /Bash/.test(t) && /auto-approved|rule/i.test(t))).toBe(true);
    expect(bridge.messages(thread).every((m) => (m.buttons ?? []).length === 0)).toBe(true);
    expect(heard).toHaveLength(1);
    expect(heard[0]?.approved).toBe(true);
    const audit = bridge.auditLog({ requestId: heard[0]?.requestId ?? '' });
    expect(audit.map((a) => a.action)).toEqual(['approval.allow']);
  });

  it('denies by a deny rule and says so; leaves to a person what no rule or timer decides', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    expect(
      bridge.decideWithoutPerson(thread, { toolName: 'Bash', input: { command: 'rm -rf /' } })?.behavior,
    ).toBe('deny');
    expect(
      bridge.decideWithoutPerson(thread, { toolName: 'Bash', input: { command: 'npm test' } }),
    ).toBeUndefined();
    await bridge.settle();
    expect(bridge.texts(thread).some((t) => t.includes('denied by the rule'))).toBe(true);
  });
});
