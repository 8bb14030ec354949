import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MEMORY_DEFAULT_USER, MemoryBridge } from './memory-bridge.js';
import { MemoryStore } from './store/memory.js';
import { SqliteStore } from './store/sqlite.js';
import type { ApprovalResponseDetails, ChatUser, Handlers } from './types.js';

const alice = MEMORY_DEFAULT_USER;
const bob: ChatUser = { id: 'user-2', name: 'bob', platform: 'memory' };
const mallory: ChatUser = { id: 'evil', name: 'mallory', platform: 'memory' };

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

async function started(options: ConstructorParameters<typeof MemoryBridge>[0] = {}): Promise<MemoryBridge> {
  const bridge = new MemoryBridge(options);
  bridges.push(bridge);
  await bridge.start();
  return bridge;
}

function recorder() {
  const responses: { requestId: string; approved: boolean; details: ApprovalResponseDetails }[] = [];
  const inputs: string[] = [];
  const handlers: Handlers = {
    onApprovalResponse: (_t, requestId, approved, details) => {
      responses.push({ requestId, approved, details });
    },
    onInput: (_t, text) => {
      inputs.push(text);
    },
  };
  return { responses, inputs, handlers };
}

describe('MemoryBridge: approvals as a person answers them', () => {
  it('shows a card with the seed buttons and edits it after a tap', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo', { directory: '/home/me/app' });
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'npm test', description: 'Run tests' },
    });
    await bridge.settle();
    const card = bridge.messages(thread).at(-1);
    expect(card?.text).toContain('Permission request: Bash');
    expect(card?.text).toContain('npm test');
    expect(card?.buttons.flat()).toEqual([
      'Allow',
      'Deny',
      'Deny with reason',
      'Allow Bash 30m',
      'Allow all 30m',
      'Allow dir 30m',
      'Always allow npm test',
    ]);
    const answer = await bridge.userTaps(thread, 'Allow');
    expect(answer.text).toMatch(/allowed by alice/);
    expect(await decision).toEqual({ behavior: 'allow', scope: 'once', by: { type: 'user', user: alice } });
    expect(card?.buttons).toEqual([]);
    expect(card?.text).toMatch(/Allowed — alice via memory/);
  });

  it('resolves exactly once: a second tap and a late text learn who decided', async () => {
    const { responses, inputs, handlers } = recorder();
    const bridge = await started({ handlers, allowedUserIds: [alice.id, bob.id] });
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await bridge.settle();
    const payload = bridge.messages(thread).at(-1)?.payloads[0]?.[1] ?? '';
    const [first, second] = await Promise.all([
      bridge.userTaps(thread, 'Allow', alice),
      bridge.userTaps(thread, { payload }, bob),
    ]);
    expect(first.text).toMatch(/allowed by alice/);
    expect(second.text).toMatch(/Already resolved: allowed by alice/);
    expect((await decision).behavior).toBe('allow');
    expect(responses).toHaveLength(1);
    await bridge.userSays(thread, 'deny');
    expect(inputs).toEqual(['deny']);
    expect(responses).toHaveLength(1);
  });

  it('"Deny with reason" takes the next message of that person as the reason', async () => {
    const { responses, handlers } = recorder();
    const bridge = await started({ handlers });
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Write',
      input: { file_path: '/etc/hosts' },
    });
    await bridge.settle();
    await bridge.userTaps(thread, 'Deny with reason');
    expect(bridge.texts(thread).at(-1)).toMatch(/alice, reply in this thread with the reason/);
    await bridge.userSays(thread, 'never touch /etc');
    expect(await decision).toMatchObject({ behavior: 'deny', reason: 'never touch /etc' });
    expect(responses[0]?.details.reason).toBe('never touch /etc');
  });

  it('"allow all" by text starts a timer: the next request is auto-approved and noticed in one batched message', async () => {
    vi.useFakeTimers();
    const { responses, handlers } = recorder();
    const bridge = await started({ handlers });
    const thread = await bridge.createThread('Repo');
    const first = bridge.requestApproval(thread, { toolName: 'Edit', input: { file_path: 'a.ts' } });
    await vi.advanceTimersByTimeAsync(10);
    await bridge.userSays(thread, 'allow all');
    expect(await first).toMatchObject({ behavior: 'allow', scope: 'all' });
    const before = bridge.messages(thread).length;
    const auto = await Promise.all([
      bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } }),
      bridge.requestApproval(thread, { toolName: 'Read', input: { file_path: 'b.ts' } }),
    ]);
    expect(auto.map((d) => d.behavior === 'allow' && d.by)).toEqual([
      { type: 'auto', reason: 'Allow All' },
      { type: 'auto', reason: 'Allow All' },
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(bridge.messages(thread).length).toBe(before);
    await vi.advanceTimersByTimeAsync(600);
    const notice = bridge.texts(thread).at(-1);
    expect(notice).toContain('Auto-approved 2 tools');
    expect(notice).toContain('Bash');
    expect(responses.filter((r) => r.approved)).toHaveLength(3);
    // Task is never auto-approved, even under "allow all".
    void bridge.requestApproval(thread, { toolName: 'Task', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(10);
    expect(bridge.messages(thread).at(-1)?.buttons.flat()).toContain('Allow');
  });

  it('"Allow dir" trusts other threads inside the directory, not a sibling with a longer name', async () => {
    const bridge = await started();
    const app = await bridge.createThread('App', { directory: '/home/me/app' });
    const sub = await bridge.createThread('App sub', { directory: '/home/me/app/packages/ui' });
    const sibling = await bridge.createThread('App2', { directory: '/home/me/app2' });
    const first = bridge.requestApproval(app, { toolName: 'Bash', input: { command: 'make' } });
    await bridge.settle();
    await bridge.userTaps(app, 'Allow dir 30m');
    expect(await first).toMatchObject({ behavior: 'allow', scope: 'dir' });
    expect(await bridge.requestApproval(sub, { toolName: 'Bash', input: { command: 'make' } })).toMatchObject(
      {
        by: { type: 'auto', reason: 'Allow dir app' },
      },
    );
    void bridge.requestApproval(sibling, { toolName: 'Bash', input: { command: 'make' } });
    await bridge.settle();
    expect(bridge.messages(sibling).at(-1)?.buttons.flat()).toContain('Allow');
  });

  it('a timeout is a deny, shown on the card', async () => {
    vi.useFakeTimers();
    const bridge = await started({ approvalTimeoutMs: 60_000 });
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await vi.advanceTimersByTimeAsync(60_001);
    expect(await decision).toEqual({ behavior: 'timeout' });
    expect(bridge.messages(thread).at(-1)?.text).toMatch(/Timed out/);
    const late = await bridge.userTaps(thread, {
      payload: bridge.messages(thread).at(-1)?.payloads[0]?.[0] ?? 'x',
    });
    expect(late.text).toMatch(/no longer active|Already resolved/);
  });

  it('an aborted request cancels its card', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    const controller = new AbortController();
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'ls' },
      signal: controller.signal,
    });
    await bridge.settle();
    controller.abort();
    expect(await decision).toEqual({ behavior: 'timeout', cancelled: true });
    await bridge.settle();
    expect(bridge.messages(thread).at(-1)?.text).toMatch(/Cancelled/);
  });

  it('"Show all" posts the untruncated input', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    const content = `${'x'.repeat(3000)}END-MARK`;
    void bridge.requestApproval(thread, { toolName: 'Write', input: { file_path: 'big.txt', content } });
    await bridge.settle();
    expect(bridge.messages(thread).at(-1)?.text).not.toContain('END-MARK');
    await bridge.userTaps(thread, 'Show all');
    expect(bridge.texts(thread).join('\n')).toContain('END-MARK');
  });

  it('choices by button, number and label', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    const options = ['Refactor first', 'Patch it'];
    const byTap = bridge.requestChoice(thread, { question: 'How?', options });
    await bridge.settle();
    await bridge.userTaps(thread, '2. Patch it');
    expect(await byTap).toMatchObject({ behavior: 'selected', index: 1, label: 'Patch it' });
    const byNumber = bridge.requestChoice(thread, { question: 'How?', options });
    await bridge.settle();
    await bridge.userSays(thread, '1');
    expect(await byNumber).toMatchObject({ index: 0 });
    const byLabel = bridge.requestChoice(thread, { question: 'How?', options });
    await bridge.settle();
    await bridge.userSays(thread, 'patch IT');
    expect(await byLabel).toMatchObject({ index: 1 });
  });
});

describe('MemoryBridge: commands, input and authorization', () => {
  it('routes /help, /status, /stop, /usage, custom commands and a catch-all; ! works too', async () => {
    const seen: string[] = [];
    const bridge = await started({
      handlers: {
        onStatusRequest: () => 'agent busy',
        onStopRequest: (threadId) => {
          seen.push(`stop:${threadId}`);
          return undefined;
        },
        onUsageRequest: () => '1,234 tokens ($0.02)',
        onCommand: (_t, command, args) => `catch-all ${command} ${args}`,
      },
      commands: { deploy: { description: 'Deploy the app', handler: ({ args }) => `deploying ${args}` } },
    });
    const thread = await bridge.createThread('Repo');
    await bridge.userSays(thread, '/help');
    expect(bridge.texts(thread).at(-1)).toMatch(
      /\/deploy — Deploy the app[\s\S]*\/help[\s\S]*\/status[\s\S]*\/stop[\s\S]*\/usage/,
    );
    await bridge.userSays(thread, '/status');
    expect(bridge.texts(thread).at(-1)).toBe('agent busy');
    await bridge.userSays(thread, '!stop');
    expect(seen).toEqual([`stop:${thread}`]);
    expect(bridge.texts(thread).at(-1)).toMatch(/Stop requested/);
    await bridge.userSays(thread, '/usage');
    expect(bridge.texts(thread).at(-1)).toContain('1,234 tokens');
    await bridge.userSays(thread, '/deploy prod');
    expect(bridge.texts(thread).at(-1)).toBe('deploying prod');
    await bridge.userSays(thread, '/frobnicate now');
    expect(bridge.texts(thread).at(-1)).toBe('catch-all frobnicate now');
    await bridge.userSays(undefined, '/status');
    expect(bridge.generalMessages().at(-1)).toBe('agent busy');
  });

  it('disabled built-ins become unknown commands', async () => {
    const bridge = await started({ disabledCommands: ['usage'] });
    const thread = await bridge.createThread('Repo');
    await bridge.userSays(thread, '/usage');
    expect(bridge.texts(thread).at(-1)).toMatch(/Unknown command: \/usage/);
  });

  it('refuses strangers politely, audits them, and lets them pair with the code', async () => {
    const { inputs, handlers } = recorder();
    const bridge = await started({
      handlers,
      allowedUserIds: [alice.id],
      requirePairing: true,
      pairingCode: '12345678',
    });
    const thread = await bridge.createThread('Repo');
    await bridge.userSays(thread, 'rm -rf /', mallory);
    expect(inputs).toEqual([]);
    expect(bridge.texts(thread).at(-1)).toMatch(/not authorized/);
    expect(bridge.auditLog().some((e) => e.action === 'auth.refused' && e.userId === 'evil')).toBe(true);
    await bridge.userSays(thread, '/pair 00000000', mallory);
    expect(bridge.texts(thread).at(-1)).toMatch(/Wrong pairing code/);
    await bridge.userSays(thread, '/pair 12345678', bob);
    expect(bridge.texts(thread).at(-1)).toMatch(/Paired: bob/);
    await bridge.userSays(thread, 'hello from bob', bob);
    expect(inputs).toEqual(['hello from bob']);
  });

  it('a handler that throws is reported in the thread, never crashes the bridge', async () => {
    const bridge = await started({
      handlers: {
        onInput: () => {
          throw new Error('boom');
        },
      },
    });
    const thread = await bridge.createThread('Repo');
    await bridge.userSays(thread, 'hi');
    expect(bridge.texts(thread).at(-1)).toMatch(/Something went wrong/);
  });
});

describe('MemoryBridge: threads, status, typing, lifecycle', () => {
  it('picks unique names for many threads of one name without listing every thread', async () => {
    const store = new MemoryStore();
    const listThreads = vi.spyOn(store, 'listThreads');
    const bridge = await started({ store });
    const listedAtStart = listThreads.mock.calls.length;
    const ids = [];
    for (let i = 0; i < 200; i++) ids.push(await bridge.createThread('Repo'));
    const names = ids.map((id) => bridge.getThread(id)?.name);
    expect(new Set(names).size).toBe(200);
    expect(names.slice(0, 3)).toEqual(['Repo', 'Repo 2', 'Repo 3']);
    expect(listThreads.mock.calls.length).toBe(listedAtStart);
  });

  it('keeps unique thread names across restarts and removeThread clears everything', async () => {
    const store = new MemoryStore();
    const first = await started({ store });
    await first.createThread('Repo');
    await first.stop();
    const second = await started({ store });
    const again = await second.createThread('Repo');
    expect(second.getThread(again)?.name).toBe('Repo 2');
    second.requestApproval(again, { toolName: 'Bash', input: { command: 'ls' } }).catch(() => undefined);
    await second.settle();
    await second.userSays(again, 'allow all');
    await second.removeThread(again);
    expect(store.getThread(`memory:${again}`)).toBeUndefined();
    expect(store.listTimers(`memory:${again}`)).toEqual([]);
    expect(store.listPending(`memory:${again}`)).toEqual([]);
  });

  it('debounces error statuses', async () => {
    vi.useFakeTimers();
    const bridge = await started({ errorDebounceMs: 10_000 });
    const thread = await bridge.createThread('Repo');
    await bridge.sendStatus(thread, 'error', 'first');
    await bridge.sendStatus(thread, 'error', 'second');
    await vi.advanceTimersByTimeAsync(10);
    await bridge.sendStatus(thread, 'running');
    await vi.advanceTimersByTimeAsync(10_000);
    await bridge.sendStatus(thread, 'error', 'third');
    await vi.advanceTimersByTimeAsync(10);
    expect(bridge.texts(thread)).toEqual([
      '❌ Status: error — first',
      '🔄 Status: running',
      '❌ Status: error — third',
    ]);
  });

  it('renews typing until output arrives', async () => {
    vi.useFakeTimers();
    const bridge = await started();
    const thread = await bridge.createThread('Repo');
    bridge.sendTyping(thread);
    await vi.advanceTimersByTimeAsync(4500 * 3 + 10);
    expect(bridge.calls.filter((c) => c.kind === 'typing')).toHaveLength(4);
    const output = bridge.sendOutput(thread, 'done');
    await vi.advanceTimersByTimeAsync(20_000);
    await output;
    expect(bridge.isTyping(thread)).toBe(false);
    expect(bridge.calls.filter((c) => c.kind === 'typing')).toHaveLength(4);
  });

  it('coalesces a burst of output into few messages, in order, and streams by editing', async () => {
    const bridge = await started({ messageLimit: 200 });
    const thread = await bridge.createThread('Repo');
    await Promise.all(Array.from({ length: 50 }, (_, i) => bridge.sendOutput(thread, `line ${i}`)));
    const texts = bridge.texts(thread);
    expect(texts.join('\n').match(/line \d+/g)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
    expect(texts.every((t) => t.length <= 200)).toBe(true);
    expect(bridge.calls.filter((c) => c.kind === 'post').length).toBeLessThan(10);
    await bridge.sendOutput(thread, 'streamed');
    expect(bridge.texts(thread).length).toBe(texts.length);
    expect(bridge.texts(thread).at(-1)).toMatch(/streamed$/);
  });

  it('start is idempotent, stop resolves waitUntilStopped, await using stops', async () => {
    const bridge = new MemoryBridge();
    await Promise.all([bridge.start(), bridge.start()]);
    expect(bridge.running).toBe(true);
    const stopped = bridge.waitUntilStopped();
    await bridge.stop();
    await stopped;
    await bridge.stop();
    expect(bridge.running).toBe(false);
    let inner: MemoryBridge | undefined;
    {
      await using scoped = new MemoryBridge();
      await scoped.start();
      inner = scoped;
    }
    expect(inner?.running).toBe(false);
  });

  it('sending before start or to an unknown thread says how to fix it', async () => {
    const bridge = new MemoryBridge();
    await expect(bridge.createThread('x')).rejects.toThrow(/await bridge.start\(\) first/);
    await bridge.start();
    bridges.push(bridge);
    await expect(bridge.sendOutput('nope', 'x')).rejects.toThrow(/createThread\(\) first/);
  });
});

describe('restart mid-approval (SQLite)', () => {
  it('a card tapped after a restart resolves its request exactly once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tether-restart-'));
    try {
      const { responses, handlers } = recorder();
      const before = await started({ store: SqliteStore.open(dir), handlers });
      const thread = await before.createThread('Repo');
      void before.sendApprovalRequest(thread, {
        requestId: 'req-restart',
        toolName: 'Bash',
        description: '{"command":"make deploy"}',
      });
      await before.settle();
      const payload = before.messages(thread).at(-1)?.payloads[0]?.[0] ?? '';
      await before.stop();
      before.store.close();

      const after = await started({ store: SqliteStore.open(dir), handlers });
      expect(after.getThread(thread)?.name).toBe('Repo');
      const answer = await after.userTaps(thread, { payload });
      expect(answer.text).toMatch(/allowed by alice/);
      const again = await after.userTaps(thread, { payload });
      expect(again.text).toMatch(/Already resolved/);
      expect(responses.map((r) => [r.requestId, r.approved])).toEqual([['req-restart', true]]);
      expect(after.auditLog({ requestId: 'req-restart' }).map((e) => e.action)).toContain('approval.allow');
      await after.stop();
      after.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
