/**
 * Files an agent makes reach the chat: a JSON-lines agent (SubprocessRunner) writes a PNG and a log into its
 * directory and sends `file` messages; the person sees a photo and a document in the Telegram topic, with their
 * bytes. A file outside the agent's directory is refused with an error line, never sent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { supervise } from '../../src/runner/supervise.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import { botMessages, bridgeOn, startFake } from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('files an agent makes', () => {
  it('arrive in the topic as a photo and a document; a file outside the directory is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-files-'));
    const outside = join(mkdtempSync(join(tmpdir(), 'outside-')), 'secret.txt');
    writeFileSync(outside, 'never sent');
    const agent = join(dir, 'agent.mjs');
    writeFileSync(
      agent,
      `import { writeFileSync } from 'node:fs';
const say = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
writeFileSync('chart.png', Buffer.from('${PNG.toString('hex')}', 'hex'));
writeFileSync('build.log', 'compiled 3 files\\n');
say({ type: 'file', path: 'chart.png', caption: 'The chart' });
say({ type: 'file', path: 'build.log' });
say({ type: 'file', path: ${JSON.stringify(outside)} });
say({ type: 'exit', code: 0 });
`,
    );
    const tg = await startFake();
    const bridge = bridgeOn(tg);
    await bridge.start();
    cleanups.push(() => tg.fake.stop());
    cleanups.push(() => bridge.stop());
    const session = await supervise({
      bridges: bridge,
      prompt: 'draw',
      cwd: dir,
      runner: (events) =>
        new SubprocessRunner(events, { command: process.execPath, args: [agent], cwd: dir }),
    });
    const threadId = session.threads[0]?.threadId ?? '';
    await session.done;
    const files = await tg.fake.waitFor(
      () => {
        const found = botMessages(tg, threadId).filter((m) => m.document);
        return found.length === 2 ? found : undefined;
      },
      { what: 'the photo and the document', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(files[0]?.document).toMatchObject({ fileName: 'chart.png', kind: 'photo' });
    expect(files[0]?.document?.content.equals(PNG)).toBe(true);
    expect(files[0]?.text).toBe('The chart');
    expect(files[1]?.document).toMatchObject({ fileName: 'build.log', kind: 'document' });
    expect(files[1]?.document?.content.toString()).toBe(readFileSync(join(dir, 'build.log'), 'utf8'));
    await tg.fake.waitFor(
      () => botMessages(tg, threadId).some((m) => m.text.includes('is outside its directory')),
      { what: 'the refusal', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    expect(botMessages(tg, threadId).some((m) => m.document?.content.toString() === 'never sent')).toBe(
      false,
    );
  });
});
