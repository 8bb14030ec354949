/**
 * Hardening (issue 10, item 14): the library's `new WebBridge()` keeps its state in memory as the CLI's does (a
 * page that cannot outlive its process should not leave a database behind); given a `dataDir` or `store`, a
 * restarted web bridge shows what it restored: each thread says it was restored, and each request still open
 * shows its card again, with buttons that answer it.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../../src/core/store/data-dir.js';
import type { ApprovalResponseDetails } from '../../src/core/types.js';
import { WebBridge } from '../../src/web/bridge.js';
import { WebPageClient } from '../../src/web/page-client.js';

const TOKEN = 'restore-test-token-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tether-web-restore-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function started(bridge: WebBridge): Promise<WebBridge> {
  cleanups.push(() => bridge.stop());
  await bridge.start();
  return bridge;
}

async function pageOf(bridge: WebBridge): Promise<WebPageClient> {
  const page = await WebPageClient.open(bridge.url);
  cleanups.push(() => page.close());
  return page;
}

describe('WebBridge state across a restart', () => {
  it('new WebBridge() keeps its state in memory: nothing is written to the data directory', async () => {
    const home = tempDir();
    const before = process.env.AGENT_TETHER_HOME;
    process.env.AGENT_TETHER_HOME = home;
    cleanups.push(() => {
      if (before === undefined) delete process.env.AGENT_TETHER_HOME;
      else process.env.AGENT_TETHER_HOME = before;
    });
    const bridge = await started(new WebBridge());
    const thread = await bridge.createThread('scratch');
    await bridge.sendApprovalRequest(thread, { requestId: 'r1', toolName: 'Bash', input: { command: 'ls' } });
    await bridge.stop();
    expect(existsSync(join(home, DATABASE_FILE_NAME))).toBe(false);
    expect(readdirSync(home)).toEqual([]);
    // A stopped in-memory bridge starts again with its threads (the same object keeps them).
    await bridge.start();
    expect(bridge.listThreads().map((t) => t.name)).toEqual(['scratch']);
  });

  it('with a dataDir, a restarted bridge says each thread was restored and re-shows its open card, whose Allow answers', async () => {
    const dataDir = tempDir();
    const first = await started(new WebBridge({ dataDir, accessToken: TOKEN }));
    const thread = await first.createThread('deploy');
    const quiet = await first.createThread('notes');
    await first.sendOutput(thread, 'Building the release');
    await first.sendApprovalRequest(thread, {
      requestId: 'deploy-1',
      toolName: 'Bash',
      input: { command: 'npm publish' },
    });
    await first.stop();

    const answers: { requestId: string; approved: boolean; details: ApprovalResponseDetails }[] = [];
    const second = await started(
      new WebBridge({
        dataDir,
        accessToken: TOKEN,
        handlers: {
          onApprovalResponse: (_threadId, requestId, approved, details) => {
            answers.push({ requestId, approved, details });
          },
        },
      }),
    );
    const page = await pageOf(second);
    expect(page.threads().map((t) => t.name)).toEqual(['deploy', 'notes']);
    for (const id of [thread, quiet]) {
      expect(page.texts(id)[0]).toMatch(/Restored after a restart/);
    }
    const card = page.texts(thread).find((text) => text.includes('Permission request: Bash'));
    expect(card).toContain('npm publish');
    expect(page.texts(quiet)).toHaveLength(1);

    const tap = await page.taps(thread, 'Allow');
    expect(tap.alert).toBe(false);
    expect(answers).toMatchObject([{ requestId: 'deploy-1', approved: true }]);
    await page.waitFor(() => page.texts(thread).some((text) => text.includes('✅ Allowed — you (web page)')));
    // The card shows the outcome and offers nothing any more.
    const decided = page.messages(thread).find((m) => m.html.includes('npm publish'));
    expect(decided?.buttons.flat()).toEqual([]);
  });

  it('a restart does not confuse message ids: settling a restored request edits only its re-shown card', async () => {
    const dataDir = tempDir();
    const first = await started(new WebBridge({ dataDir, accessToken: TOKEN }));
    const thread = await first.createThread('ids');
    await first.sendApprovalRequest(thread, {
      requestId: 'old',
      toolName: 'Bash',
      input: { command: 'make' },
    });
    await first.stop();

    const second = await started(new WebBridge({ dataDir, accessToken: TOKEN }));
    await second.sendOutput(thread, 'first line after the restart');
    await second.resolveRequest('old', { behavior: 'deny', by: { type: 'auto', reason: 'test' } });
    const page = await pageOf(second);
    await page.waitFor(() => page.texts(thread).some((t) => t.includes('make') && /Denied/.test(t)));
    expect(page.texts(thread).filter((t) => t.includes('first line after the restart'))).toHaveLength(1);
  });
});
