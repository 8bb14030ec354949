/**
 * A store that fails at the wrong moment must not leave an agent waiting for a decision a person already gave:
 * a shared store (Redis) that times out a settle it then applies, and an audit write that fails once a decision is
 * recorded. Driven as a person on FakeTelegramServer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TetherError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/core/store/memory.js';
import type { AuditEntry } from '../../src/core/store/types.js';
import { bridgeOn, startFake, tap, waitForButton } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store whose next settle is recorded but reported as timed out (a Redis call answered too late). */
class LateSettleStore extends MemoryStore {
  lateOnce = true;
  override resolvePending(requestId: string, decisionJson: string, at: number): boolean {
    const resolved = super.resolvePending(requestId, decisionJson, at);
    if (this.lateOnce) {
      this.lateOnce = false;
      throw new TetherError('STORE', 'Redis did not answer in 10000 ms');
    }
    return resolved;
  }
}

/** A store whose audit log refuses the decision's record once. */
class AuditHiccupStore extends MemoryStore {
  failDecisionAudit = true;
  override audit(entry: AuditEntry): void {
    if (this.failDecisionAudit && entry.action.startsWith('approval.')) {
      this.failDecisionAudit = false;
      throw new TetherError('STORE', 'the lease moved: writes refused');
    }
    super.audit(entry);
  }
}

async function world(store: MemoryStore) {
  const tg = await startFake();
  cleanups.push(() => tg.fake.stop());
  const bridge = bridgeOn(tg, { store });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  const threadId = await bridge.createThread('Repo');
  return { tg, bridge, threadId };
}

describe('a store hiccup while a decision is recorded', () => {
  it('a settle the store applied after reporting a timeout: the next tap delivers the recorded decision', async () => {
    const { tg, bridge, threadId } = await world(new LateSettleStore());
    let decided: unknown;
    const decision = bridge
      .requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } })
      .then((d) => {
        decided = d;
        return d;
      });
    await waitForButton(tg, threadId, 'Allow');
    // The first tap is answered (the platform hears back) but failed to record, as far as this process knows.
    const first = await tap(tg, threadId, 'Allow');
    expect(first).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(decided).toBeUndefined();
    // The person taps again.
    await tap(tg, threadId, 'Allow');
    expect(await decision).toMatchObject({ behavior: 'allow' });
  });

  it('an audit write that fails once the decision is recorded does not keep it from the agent', async () => {
    const { tg, bridge, threadId } = await world(new AuditHiccupStore());
    const decision = bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
    await waitForButton(tg, threadId, 'Allow');
    await tap(tg, threadId, 'Allow');
    expect(await decision).toMatchObject({ behavior: 'allow' });
  });
});
