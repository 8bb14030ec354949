/**
 * Several hosts, one Discord bot: the host holding the gateway dies (SIGKILL, no clean close); the host taking the
 * connection over RESUMEs its session from the shared store (`rememberGatewaySession`), so what people wrote in
 * between is delivered — once — instead of lost to a fresh IDENTIFY.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { FakeDiscordServer } from '../../src/discord/fake/index.js';
import { DiscordBridge } from '../../src/discord/index.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { owner } from './discord-harness.js';

describe('Discord takeover between hosts', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the host taking over resumes the dead host’s gateway session: messages written in between arrive once', async () => {
    const fake = new FakeDiscordServer({ timeScale: 0.3, heartbeatIntervalMs: 1000 });
    await fake.start();
    cleanups.push(() => fake.stop());
    const channelId = fake.createTextChannel({ name: 'agents' });
    const dataDir = mkdtempSync(join(tmpdir(), 'tether-discord-hosts-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const laptop = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'gateway-host.ts'),
        fake.apiUrl,
        fake.token,
        channelId,
        dataDir,
        owner.id,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void laptop.kill('SIGKILL'));
    const thread = await new Promise<string>((resolve, reject) => {
      let out = '';
      laptop.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      laptop.once('exit', (code) => reject(new Error(`the laptop host exited (${code})`)));
    });
    fake.userSays({ channelId: thread, author: owner, content: 'seen by the laptop' });
    await fake.waitFor(() => fake.identifies === 1, { what: 'the laptop connected' });
    // The laptop dies without closing its gateway session; people keep writing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    laptop.kill('SIGKILL');
    await new Promise((resolve) => laptop.once('exit', resolve));
    fake.userSays({ channelId: thread, author: owner, content: 'one' });
    fake.userSays({ channelId: thread, author: owner, content: 'two' });

    const inputs: string[] = [];
    const store = SqliteStore.open(dataDir);
    const desktop = new DiscordBridge({
      token: fake.token,
      api: fake.apiUrl,
      channelId,
      fastIdentify: true,
      store,
      allowedUserIds: [owner.id],
      rememberGatewaySession: true,
      handlers: { onInput: (_thread, text) => void inputs.push(text) },
    });
    cleanups.push(() => store.close());
    cleanups.push(() => desktop.stop());
    await desktop.start();
    await fake.waitFor(() => inputs.length >= 2, {
      what: 'the messages written in between',
      timeoutMs: REAL_PROCESS_WAIT_MS,
    });
    fake.userSays({ channelId: thread, author: owner, content: 'three' });
    await fake.waitFor(() => inputs.length >= 3, { what: 'a message after the takeover' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(inputs).toEqual(['one', 'two', 'three']);
    expect(fake.identifies).toBe(1);
    expect(fake.resumeLog.at(-1)?.replayed).toBeGreaterThanOrEqual(2);
  });
});
