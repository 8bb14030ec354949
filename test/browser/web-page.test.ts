/**
 * The web page in a real browser: Debian's Chromium driven by playwright-core. A person opens the bridge's
 * URL on a phone-sized screen, watches output arrive, taps Allow and a choice, types to the agent, and the
 * page survives the bridge restarting. Skipped (with a message) only when /usr/bin/chromium is missing.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/core/store/memory.js';
import type { ChatUser } from '../../src/core/types.js';
import { WebBridge } from '../../src/web/bridge.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

const ARTIFACTS = 'test-artifacts';
if (!hasChromium) {
  console.warn(`test/browser/web-page.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!hasChromium)(`web page in Chromium (needs ${CHROMIUM})`, () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  const bridges: WebBridge[] = [];
  const inputs: { threadId: string; text: string; user: ChatUser }[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    await Promise.allSettled(bridges.splice(0).map((b) => b.stop()));
    inputs.length = 0;
    pageErrors.length = 0;
  });

  async function startBridge(options: { store?: MemoryStore; port?: number; accessToken?: string } = {}) {
    const bridge = new WebBridge({
      dataDir: ':memory:',
      ...options,
      handlers: {
        onInput: (threadId, text, user) => void inputs.push({ threadId, text, user }),
        onStatusRequest: () => 'All agents nominal',
      },
    });
    bridges.push(bridge);
    await bridge.start();
    return bridge;
  }

  async function openPhone(url: string): Promise<Page> {
    context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(url);
    await page.waitForURL((u) => u.pathname === '/' && !u.search.includes('token'));
    await page.locator('#conn.online').waitFor();
    return page;
  }

  it('shows output, takes an Allow tap, a choice tap and typed text, on a 375px screen', async () => {
    const bridge = await startBridge();
    const page = await openPhone(bridge.url);
    expect(page.url()).not.toContain('token');

    const thread = await bridge.createThread('my-repo');
    await bridge.sendStatus(thread, 'running');
    await bridge.sendOutput(thread, 'Running the **test suite** now');
    await page.getByText('Running the test suite now').waitFor();
    expect(await page.locator('.msg.bot strong').last().textContent()).toBe('test suite');
    await page.getByRole('button', { name: /🔄 working my-repo/ }).waitFor();

    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
    await page.getByRole('button', { name: 'Allow', exact: true }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/web-page-approval.png` });
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    const result = await decision;
    expect(result.behavior).toBe('allow');
    expect(result.behavior === 'allow' && result.by.type === 'user' && result.by.user.platform).toBe('web');
    await page.getByText(/Allowed — you \(web page\)/).waitFor();
    await page.locator('.toast').first().waitFor();
    expect(await page.getByRole('button', { name: 'Allow', exact: true }).count()).toBe(0);

    const choice = bridge.requestChoice(thread, {
      question: 'Which database?',
      options: ['SQLite', 'Postgres'],
    });
    await page.getByRole('button', { name: '2. Postgres' }).click();
    expect(await choice).toMatchObject({ behavior: 'selected', label: 'Postgres' });

    await page.locator('#input').fill('add a login page');
    await page.locator('#input').press('Enter');
    await until(() => inputs.length === 1, 'onInput');
    expect(inputs[0]).toMatchObject({
      threadId: thread,
      text: 'add a login page',
      user: { platform: 'web' },
    });
    expect(await page.locator('#input').inputValue()).toBe('');
    await page.locator('.msg.me', { hasText: 'add a login page' }).waitFor();

    await page.getByRole('button', { name: '/status' }).click();
    await page.getByText('All agents nominal').waitFor();

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(375);
    await page.screenshot({ path: `${ARTIFACTS}/web-page-375.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('shows markup in names and output as text, never running it', async () => {
    const bridge = await startBridge();
    const page = await openPhone(bridge.url);
    const thread = await bridge.createThread('<img src=x onerror="window.__pwned=1">');
    await bridge.sendOutput(
      thread,
      'look: <img src=x onerror="window.__pwned=2"> <script>window.__pwned=3</script>',
    );
    await page.getByText('look: <img src=x onerror="window.__pwned=2">').waitFor();
    await page.locator('#input').fill('<b onmouseover="window.__pwned=4">hi</b>');
    await page.locator('#input').press('Enter');
    await page.locator('.msg.me', { hasText: '<b onmouseover' }).waitFor();
    await page
      .getByRole('button', { name: /<img src=x onerror/ })
      .first()
      .waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.messages img, .messages script, .messages b, .threads img').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/web-page-xss.png` });
  });

  it('reconnects after the bridge restarts and keeps working', async () => {
    const store = new MemoryStore();
    const token = 'browser-test-token-0123456789abcdef';
    const first = await startBridge({ store, accessToken: token });
    const port = first.port;
    const page = await openPhone(first.url);
    const thread = await first.createThread('restart-me');
    await first.sendOutput(thread, 'before the restart');
    await page.getByText('before the restart').waitFor();

    await first.stop();
    await page.locator('#conn.offline').waitFor();
    const second = await startBridge({ store, accessToken: token, port });
    await page.locator('#conn.online').waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await second.sendOutput(thread, 'after the restart');
    await page.getByText('after the restart').waitFor();
    await page.locator('#input').fill('still listening?');
    await page.locator('#input').press('Enter');
    await until(() => inputs.some((i) => i.text === 'still listening?'), 'input after reconnect');
    await page.screenshot({ path: `${ARTIFACTS}/web-page-reconnected.png` });
  });
});
