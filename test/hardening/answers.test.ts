/**
 * Hardening (issue 10, items 10, 13 and the first part of 15): a tool-scoped text answer must name the pending
 * request's tool; a button payload only does what its card offered; the thread's confirmation of a typed timer
 * names the configured length, not a hard-coded 30 minutes. Driven as a person on FakeTelegramServer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramBridgeConfig } from '../../src/telegram/index.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  OWNER,
  say,
  startFake,
  waitForButton,
} from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(config: Partial<TelegramBridgeConfig> = {}) {
  const tg = await startFake();
  cleanups.push(() => tg.fake.stop());
  const bridge = bridgeOn(tg, config);
  await bridge.start();
  cleanups.push(() => bridge.stop());
  const threadId = await bridge.createThread('Repo');
  return { tg, bridge, threadId };
}

const seen = (tg: FakeWorld, threadId: string) =>
  botMessages(tg, threadId)
    .map((m) => m.text)
    .join('\n');

describe('typed tool-scoped answers', () => {
  it('"allow Read" while a Bash request waits approves nothing and says which tool is pending', async () => {
    const { tg, bridge, threadId } = await world();
    let settled = false;
    const decision = bridge.requestApproval(threadId, {
      toolName: 'Bash',
      input: { command: 'rm -rf build' },
    });
    void decision.then(() => {
      settled = true;
    });
    await waitForButton(tg, threadId, 'Allow');
    say(tg, threadId, 'allow Read');
    await tg.fake.waitFor(() => /pending request is for Bash, not Read/.test(seen(tg, threadId)), {
      what: 'the refusal',
    });
    expect(settled).toBe(false);
    expect(bridge.auditLog().some((e) => e.action === 'approval.allow')).toBe(false);

    say(tg, threadId, 'allow bash');
    const result = await decision;
    expect(result).toMatchObject({ behavior: 'allow', scope: 'tool' });
    await tg.fake.waitFor(() => /Allowed this tool for 30m/.test(seen(tg, threadId)), { what: 'the card' });
    await tg.fake.waitFor(() => /Allow Bash \(30m\) by olivia/.test(seen(tg, threadId)), {
      what: 'the reply',
    });
    // The timer is for Bash (the pending tool), not for what was typed.
    const next = await bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'ls' } });
    expect(next).toMatchObject({ behavior: 'allow', by: { type: 'auto' } });
  });

  it('a typed "allow all" on a plan approval (no timer buttons) starts no timer', async () => {
    const { tg, bridge, threadId } = await world();
    const decision = bridge.requestApproval(threadId, { toolName: 'ExitPlanMode', input: { plan: 'Do it' } });
    await waitForButton(tg, threadId, 'Allow');
    say(tg, threadId, 'allow all');
    await tg.fake.waitFor(() => /can never be auto-approved: nothing was approved/.test(seen(tg, threadId)), {
      what: 'the refusal',
    });
    say(tg, threadId, 'allow');
    expect(await decision).toMatchObject({ behavior: 'allow', scope: 'once' });
  });

  it('the thread confirms a typed "allow all" with the configured timer length', async () => {
    const { tg, bridge, threadId } = await world({ autoApproveDurationMs: 5 * 60_000 });
    const decision = bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
    await waitForButton(tg, threadId, 'Allow all 5m');
    say(tg, threadId, 'allow all');
    expect(await decision).toMatchObject({ behavior: 'allow', scope: 'all' });
    await tg.fake.waitFor(() => /Allow All \(5m\) by olivia/.test(seen(tg, threadId)), { what: 'the reply' });
    await tg.fake.waitFor(() => /Allowed all for 5m/.test(seen(tg, threadId)), { what: 'the card' });
    expect(seen(tg, threadId)).not.toMatch(/30m/);
  });
});

describe('button payloads are bound to the actions their card offered', () => {
  it('an "allow all" payload forged from a plan approval card is refused and starts no timer', async () => {
    const { tg, bridge, threadId } = await world();
    const decision = bridge.requestApproval(threadId, {
      toolName: 'ExitPlanMode',
      input: { plan: 'Ship it' },
    });
    const card = await waitForButton(tg, threadId, 'Allow');
    expect(card.buttons.flat().some((label) => label.startsWith('Allow all'))).toBe(false);
    const allowData = card.buttonData.flat()[card.buttons.flat().indexOf('Allow')] ?? '';
    expect(allowData).toMatch(/^at1:a:/);
    const forged = allowData.replace(/^at1:a:/, 'at1:A:');
    const answer = await tg.fake.userTapsData({
      chatId: tg.chatId,
      messageId: card.messageId,
      data: forged,
      from: OWNER,
    });
    expect(answer?.text).toMatch(/does not offer that action/);
    expect(bridge.auditLog().some((e) => e.action === 'tap.not_offered')).toBe(true);
    // Still pending: the real Allow decides it, once.
    await tg.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER, chatId: tg.chatId });
    expect(await decision).toMatchObject({ behavior: 'allow', scope: 'once' });
    const later = bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'rm -rf ~' } });
    await waitForButton(tg, threadId, 'Deny');
    say(tg, threadId, 'deny');
    expect(await later).toMatchObject({ behavior: 'deny' });
  });
});
