/**
 * The main job, end to end: the real `agent-tether demo` process, and a person on a phone-sized Chromium who
 * opens the printed URL, watches the agent, taps Allow on `npm test`, picks an approach, trusts Edit for 30
 * minutes (the second edit is then auto-approved), and talks to the agent. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, type CliSandbox, createSandbox, killCli, startCli } from '../cli/cli-process.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

const ARTIFACTS = 'test-artifacts';

describe.skipIf(!hasChromium)(`agent-tether demo in Chromium (needs ${CHROMIUM})`, () => {
  let browser: Browser;
  let sandbox: CliSandbox;
  let cli: CliProcess | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = createSandbox();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await killCli(cli);
    sandbox?.cleanup();
  });

  it('a person approves, chooses, sets a timer and chats through the demo page', async () => {
    cli = startCli(['demo', '--port', '0', '--no-open'], sandbox.env);
    const [url = ''] = await cli.waitForStdout(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/);
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(url);
    await page.waitForURL((u) => u.pathname === '/' && !u.search.includes('token'));

    await page.getByText('failing test', { exact: false }).first().waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    const allow = page.getByRole('button', { name: 'Allow', exact: true });
    await allow.waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await expect(page.getByText('npm test').first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/demo-approval.png` });
    await allow.click();
    await page.getByText(/1 failed, 11 passed/).waitFor({ timeout: REAL_PROCESS_WAIT_MS });

    const cents = page.getByRole('button', { name: /1\. Integer cents/ });
    await cents.waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await cents.click();
    await page
      .getByText(/Selected: Integer cents/)
      .first()
      .waitFor();

    const allowEdit = page.getByRole('button', { name: /Allow Edit 30m/ });
    await allowEdit.waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await allowEdit.click();
    await page.getByText(/the sum now uses whole cents/).waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    // The second edit needs no tap: the timer approved it and a batched notice says so.
    await page.getByText(/auto-approved \(Allow Edit\)/).waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await page.getByText(/Anything else\?/).waitFor({ timeout: REAL_PROCESS_WAIT_MS });

    await page.locator('#input').fill('thanks, ship it');
    await page.locator('#input').press('Enter');
    await page
      .locator('.msg.bot', { hasText: 'thanks, ship it' })
      .first()
      .waitFor({ timeout: REAL_PROCESS_WAIT_MS });
    await page.getByRole('button', { name: '/usage' }).click();
    await page.getByText(/cost/).first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/demo-finished.png`, fullPage: true });
    expect(errors).toEqual([]);

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    await context.close();
  });
});
