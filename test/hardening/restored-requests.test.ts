/**
 * Hardening (issue 10, item 7): after the supervisor is killed (SIGKILL) while a person is being asked, and a
 * bridge starts again on the same data dir, the old card must not offer (or show) an approval that runs nothing:
 * it says the session ended, and the audit log says so.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, OWNER, startFake } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a restored request whose requester is gone', () => {
  it('after SIGKILL and a restart, the old card says the session ended and a tap approves nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-restored-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('test/hardening/agents/asks-then-hangs.ts'),
        tg.apiRoot,
        tg.fake.token,
        String(tg.chatId),
        dataDir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await tg.fake.waitFor(() => /asked in \d+/.test(out) && out, {
      timeoutMs: REAL_PROCESS_WAIT_MS,
      what: 'the question',
    });
    const threadId = /asked in (\d+)/.exec(out)?.[1] ?? '';
    const card = await tg.fake.waitFor(
      () => botMessages(tg, threadId).find((m) => m.buttons.flat().includes('Allow')),
      { timeoutMs: REAL_PROCESS_WAIT_MS, what: 'the card' },
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const store = SqliteStore.open(dataDir);
    const bridge = bridgeOn(tg, { store, allowedUserIds: [OWNER.id] });
    await bridge.start();
    cleanups.push(async () => {
      await bridge.stop();
      store.close();
    });
    const ended = await tg.fake.waitFor(
      () => {
        const m = botMessages(tg, threadId).find((x) => x.messageId === card.messageId);
        return m && m.buttons.length === 0 ? m : undefined;
      },
      { what: 'the old card updated', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(ended.text).toMatch(/The session ended before you answered: nothing was run/);
    expect(ended.text).not.toMatch(/Allowed/);
    // A tap on the old Allow (a client that still shows the buttons) approves nothing.
    const allowData = card.buttonData.flat()[card.buttons.flat().indexOf('Allow')] ?? '';
    const answer = await tg.fake.userTapsData({
      chatId: tg.chatId,
      messageId: card.messageId,
      data: allowData,
      from: OWNER,
    });
    expect(answer?.text).toMatch(/Already resolved: The session ended/);
    expect(bridge.auditLog().some((e) => e.action === 'approval.allow')).toBe(false);
    const audit = bridge.auditLog().find((e) => e.action === 'approval.timeout');
    expect(audit?.detail).toMatch(/session ended before you answered/);
  });
});
