/**
 * A tap, then the agent answers at once (issue 11: "You chose" arrived before "✅ Selected"): the card's settled
 * redraw reaches the page before anything the agent says after the decision.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebBridge } from '../../src/web/bridge.js';
import { htmlToText, WebPageClient } from '../../src/web/page-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the card settles on the page before the agent answers the decision', () => {
  it.each([
    ['a choice', 'choice'],
    ['an approval', 'approval'],
  ] as const)('%s: the redrawn card arrives first, then the reply of the agent', async (_name, kind) => {
    const bridge = new WebBridge({ dataDir: ':memory:' });
    await bridge.start();
    cleanups.push(() => bridge.stop());
    const page = await WebPageClient.open(bridge.url);
    cleanups.push(() => page.close());
    const thread = await bridge.createThread('cart');
    // The agent: asks, and says what it heard the moment it hears it.
    const replied =
      kind === 'choice'
        ? bridge
            .requestChoice(thread, { question: 'Approach?', options: ['Integer cents', 'Round the total'] })
            .then((d) =>
              bridge.sendOutput(thread, `You chose: ${d.behavior === 'selected' ? d.label : '-'}.`),
            )
        : bridge
            .requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } })
            .then((d) => bridge.sendOutput(thread, `Heard: ${d.behavior}.`));
    const button = kind === 'choice' ? '2. Round the total' : 'Allow';
    await page.waitFor(() =>
      page.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === button)),
    );
    await page.taps(thread, button);
    await replied;
    await page.waitFor(() => page.texts(thread).some((t) => /^(You chose|Heard)/.test(t)) || undefined);
    await page.waitFor(
      () => page.frames.some((f) => f.type === 'edit' && f.threadId === thread) || undefined,
    );

    const arrivals = page.frames.flatMap((f) =>
      (f.type === 'message' || f.type === 'edit') && f.threadId === thread
        ? [`${f.type === 'edit' ? 'edit: ' : ''}${htmlToText(f.html)}`]
        : [],
    );
    const settled = arrivals.findIndex((a) => /^edit: .*(Selected|Allowed)/s.test(a));
    const reply = arrivals.findIndex((a) => /^(You chose|Heard)/.test(a));
    expect(arrivals[reply]).toMatch(kind === 'choice' ? 'You chose: Round the total.' : 'Heard: allow.');
    expect(settled).toBeGreaterThanOrEqual(0);
    expect(settled).toBeLessThan(reply);
  });
});
