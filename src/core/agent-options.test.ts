/**
 * A card that shows the agent's own answers (ACP permission options) instead of Allow / Deny: the person
 * sees the agent's labels, the decision names the option tapped, and our timers still decide first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_DEFAULT_USER, MemoryBridge } from './memory-bridge.js';
import type { AgentPermissionOption } from './types.js';

const alice = MEMORY_DEFAULT_USER;
const options: AgentPermissionOption[] = [
  { id: 'proceed_always', label: 'Allow for this session', kind: 'allow_always' },
  { id: 'proceed_once', label: 'Allow', kind: 'allow_once' },
  { id: 'cancel', label: 'Reject', kind: 'reject_once' },
  {
    id: 'never',
    label: 'Always reject <b>x</b> [link](http://evil.example) and more words than fit',
    kind: 'reject_always',
  },
];

const bridges: MemoryBridge[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.stop()));
});

async function started(): Promise<MemoryBridge> {
  const bridge = new MemoryBridge();
  bridges.push(bridge);
  await bridge.start();
  return bridge;
}

describe("Approval cards with the agent's own options", () => {
  it("shows the agent's options (allow row, reject row) plus our timers, and the tap names the option", async () => {
    const bridge = await started();
    const thread = await bridge.createThread('ACP');
    const decision = bridge.requestApproval(thread, {
      toolName: 'run_shell_command',
      input: { command: 'rm -rf build' },
      options,
    });
    await bridge.settle();
    const card = bridge.messages(thread).at(-1);
    expect(card?.buttons).toEqual([
      ['Allow for this session', 'Allow'],
      ['Reject', 'Always reject <b>x</b> [link](http://ev…'],
      ['Allow run_shell_command 30m', 'Allow all 30m'],
      ['Always allow rm -rf build'],
    ]);
    await bridge.userTaps(thread, 'Allow for this session');
    expect(await decision).toEqual({
      behavior: 'allow',
      scope: 'once',
      by: { type: 'user', user: alice },
      option: options[0],
    });
    expect(card?.text).toContain('✅ Allow for this session — alice via memory');
    expect(card?.buttons).toEqual([]);
  });

  it('a reject option denies and names the option; a typed "no" denies without one', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('ACP');
    const first = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' }, options });
    await bridge.settle();
    await bridge.userTaps(thread, 'Reject');
    expect(await first).toMatchObject({ behavior: 'deny', option: { id: 'cancel', kind: 'reject_once' } });
    expect(bridge.messages(thread).at(-1)?.text).toContain('❌ Reject — alice via memory');

    const second = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' }, options });
    await bridge.settle();
    await bridge.userSays(thread, 'no');
    const denied = await second;
    expect(denied.behavior).toBe('deny');
    expect('option' in denied).toBe(false);
  });

  it('"Allow all 30m" on such a card lets the next request through without a card, with no option', async () => {
    const bridge = await started();
    const thread = await bridge.createThread('ACP');
    const first = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' }, options });
    await bridge.settle();
    await bridge.userTaps(thread, 'Allow all 30m');
    expect(await first).toMatchObject({ behavior: 'allow', scope: 'all' });
    const cards = bridge.messages(thread).length;
    const second = await bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'pwd' },
      options,
    });
    expect(second).toMatchObject({ behavior: 'allow', scope: 'once', by: { type: 'auto' } });
    expect('option' in second).toBe(false);
    await bridge.settle();
    expect(
      bridge
        .messages(thread)
        .slice(cards)
        .some((m) => m.buttons.length > 0),
    ).toBe(false);
  });
});
