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

    await tabA.says(thread, 'too risky on a Friday');
    const told = await tabA.waitFor(() => tabA.texts(thread).find((t) => t.includes('already decided')));
    expect(told).toMatch(/already decided \(allowed by web user via web\).*not used.*not sent to the agent/);
    expect(inputs).toEqual([]);

    // The next message is ordinary input again.
    await tabA.says(thread, 'carry on');
    await tabA.waitFor(() => inputs.length > 0 || undefined);
    expect(inputs).toEqual([{ threadId: thread, text: 'carry on' }]);
  });
});
