/**
 * The demo on the web page, watched in the order things arrive (issue 11, cosmetics): who decided is named the
 * way the person knows themselves, the header uses the CLI's words, an auto-approve notice comes before the
 * agent asks for input, and "awaiting input" is said once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { demoScript } from '../../src/runner/scripted-script.js';
import { supervise } from '../../src/runner/supervise.js';
import { WebBridge } from '../../src/web/bridge.js';
import { htmlToText, WebPageClient } from '../../src/web/page-client.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the demo on the web page, in arrival order', () => {
  it('names the person, uses the CLI words, and tells things in the order they happened', async () => {
    const bridge = new WebBridge({ dataDir: ':memory:' });
    await bridge.start();
    cleanups.push(() => bridge.stop());
    const page = await WebPageClient.open(bridge.url);
    cleanups.push(() => page.close());
    const session = await supervise({
      bridges: bridge,
      prompt: 'Fix the cart total',
      runner: (events) => new ScriptedRunner(events, { script: demoScript(0), title: 'demo agent' }),
    });
    cleanups.push(async () => {
      await page.says(thread, '/stop');
      await session.done;
    });
    const thread = session.threads[0]?.threadId ?? '';
    const button = (label: string) => () =>
      page.messages(thread).some((m) => m.buttons.flat().some((b) => b.label === label)) || undefined;

    await page.waitFor(button('Allow'));
    await page.taps(thread, 'Allow');
    await page.waitFor(button('1. Integer cents'));
    await page.taps(thread, '1. Integer cents');
    await page.waitFor(button('Allow Edit 30m'));
    await page.taps(thread, 'Allow Edit 30m');
    await page.waitFor(() => page.texts(thread).some((t) => t.includes('awaiting input')) || undefined);
    // Give a late notice the time it would take to arrive.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    // What arrived, in order: a new message as itself, an edit as "edit: <text>".
    const arrivals = page.frames.flatMap((f) =>
      (f.type === 'message' || f.type === 'edit') && f.threadId === thread
        ? [`${f.type === 'edit' ? 'edit: ' : ''}${htmlToText(f.html)}`]
        : [],
    );
    const at = (pattern: RegExp) => arrivals.findIndex((a) => pattern.test(a));
    const texts = page.texts(thread).join('\n');

    expect(texts).toContain('Approval: ask');
    expect(texts).not.toContain('Permission mode');
    expect(texts).toMatch(/Allowed — you \(web page\)/);
    expect(texts).not.toContain('web user');
    // The choice card shows the pick before the agent says "You chose" (its place among the messages is taken when
    // the decision is made, see reserveOutcomeCards); on the page the card sits above it.
    expect(at(/^edit: ❓ Approach/)).toBeGreaterThanOrEqual(0);
    expect(at(/^edit: ❓ Approach/)).toBeLessThan(at(/^You chose/));
    const shown = page.texts(thread);
    const card = shown.findIndex((t) => t.startsWith('❓ Approach'));
    expect(shown[card]).toMatch(/Integer cents/);
    expect(card).toBeLessThan(shown.findIndex((t) => t.startsWith('You chose')));
    expect(at(/Edit — auto-approved/)).toBeGreaterThanOrEqual(0);
    expect(at(/Edit — auto-approved/)).toBeLessThan(at(/awaiting input/));
    expect(arrivals.filter((a) => a.includes('awaiting input'))).toHaveLength(1);
  });
});
