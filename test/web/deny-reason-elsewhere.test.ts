/**
 * Two tabs on the web page: tab A taps "Deny with reason", tab B taps Allow, then tab A types the reason. The
 * reason must not become input for the agent; tab A is told the request was already decided.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ThreadId } from '../../src/core/types.js';
import { WebBridge } from '../../src/web/bridge.js';
import { WebPageClient } from '../../src/web/page-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a deny reason typed after the request was settled elsewhere', () => {
  it('is not sent to the agent, and the person is told why', async () => {
    const inputs: { threadId: ThreadId; text: string }[] = [];
    const bridge = new WebBridge({
      dataDir: ':memory:',
      handlers: { onInput: (threadId, text) => void inputs.push({ threadId, text }) },
    });
    await bridge.start();
    cleanups.push(() => bridge.stop());
    const tabA = await WebPageClient.open(bridge.url);
    const tabB = await WebPageClient.open(bridge.url);
    cleanups.push(
      () => tabA.close(),
      () => tabB.close(),
    );
    const thread = await bridge.createThread('deploy');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf build' } });
    const hasButton = (page: WebPageClient, label: string) =>
      page.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === label));
    await tabA.waitFor(() => hasButton(tabA, 'Deny with reason'));
    await tabB.waitFor(() => hasButton(tabB, 'Allow'));

    await tabA.taps(thread, 'Deny with reason');
    await tabA.waitFor(() =>
      tabA.texts(thread).some((t) => t.includes('reply in this thread with the reason')),
    );
    await tabB.taps(thread, 'Allow');
    expect((await decision).behavior).toBe('allow');
    // Tab A is told at once, before typing anything: the prompt is closed.
    const closed = await tabA.waitFor(() =>
      tabA.texts(thread).find((t) => t.includes('no reason is needed')),
    );
    expect(closed).toMatch(
      /no reason is needed any more: the request was allowed by .*not sent to the agent/,
    );

    await tabA.says(thread, 'too risky on a Friday');
    const told = await tabA.waitFor(() => tabA.texts(thread).find((t) => t.includes('already decided')));
    expect(told).toMatch(/already decided \(allowed by you \(web page\)\).*not used.*not sent to the agent/);
    expect(inputs).toEqual([]);

    // The next message is ordinary input again.
    await tabA.says(thread, 'carry on');
    await tabA.waitFor(() => inputs.length > 0 || undefined);
    expect(inputs).toEqual([{ threadId: thread, text: 'carry on' }]);
  });

  it('when the request times out, the prompt closes and what the person writes next goes to the agent', async () => {
    const inputs: string[] = [];
    const bridge = new WebBridge({
      dataDir: ':memory:',
      handlers: { onInput: (_threadId, text) => void inputs.push(text) },
    });
    await bridge.start();
    cleanups.push(() => bridge.stop());
    const tab = await WebPageClient.open(bridge.url);
    cleanups.push(() => tab.close());
    const thread = await bridge.createThread('deploy');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'make deploy' },
      timeoutMs: 1500,
    });
    await tab.waitFor(() =>
      tab.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === 'Deny with reason')),
    );
    await tab.taps(thread, 'Deny with reason');
    expect((await decision).behavior).toBe('timeout');
    const closed = await tab.waitFor(() => tab.texts(thread).find((t) => t.includes('no reason is needed')));
    expect(closed).toContain('the request was timed out. What you write next goes to the agent.');
    await tab.says(thread, 'ok, try again later');
    await tab.waitFor(() => inputs.length > 0 || undefined);
    expect(inputs).toEqual(['ok, try again later']);
  });
});
