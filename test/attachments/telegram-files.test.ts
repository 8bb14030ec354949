/**
 * Files a person sends in a Telegram topic: a photo reaches the scripted agent as a file inside the session's
 * attachment directory (same bytes), a document keeps a sanitised name, a stranger's file is never downloaded,
 * a file over the limit is refused with the fix; a voice note is transcribed by the configured transcriber (a
 * test script) and becomes input, and without a transcriber the person is told how to set one up.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { supervise } from '../../src/runner/supervise.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  OWNER,
  STRANGER,
  startFake,
} from '../telegram/telegram-world.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

async function session(config: Parameters<typeof bridgeOn>[1] = {}) {
  const tg = await startFake();
  const attachments = mkdtempSync(path.join(tmpdir(), 'tether-attach-'));
  const bridge: TelegramBridge = bridgeOn(tg, {
    attachments: { dir: attachments, maxBytes: 1000 },
    ...config,
  });
  await bridge.start();
  cleanups.push(() => tg.fake.stop());
  cleanups.push(() => bridge.stop());
  let runner!: ScriptedRunner;
  const supervised = await supervise({
    bridges: bridge,
    prompt: 'look at this',
    runner: (events) => {
      runner = new ScriptedRunner(events, { script: [{ awaitInput: 'repeat' }] });
      return runner;
    },
  });
  cleanups.push(() => supervised.stop().then(() => undefined));
  const threadId = supervised.threads[0]?.threadId ?? '';
  return { tg, bridge, runner, sessionId: supervised.sessionId, threadId };
}

function sendFile(
  tg: FakeWorld,
  threadId: string,
  file: Partial<Parameters<FakeWorld['fake']['userSendsFile']>[0]>,
) {
  tg.fake.userSendsFile({
    chatId: tg.chatId,
    topic: Number(threadId),
    from: OWNER,
    kind: 'photo',
    content: PNG,
    ...file,
  });
}

function seen(tg: FakeWorld, threadId: string, pattern: RegExp) {
  return tg.fake.waitFor(() => botMessages(tg, threadId).find((m) => pattern.test(m.text)), {
    what: `a message matching ${pattern}`,
  });
}

describe('files a person sends in a Telegram topic', () => {
  it('a photo reaches the agent as a file inside the session directory; a document keeps a safe name', async () => {
    const { tg, bridge, runner, sessionId, threadId } = await session();
    sendFile(tg, threadId, { caption: 'the broken layout' });
    await seen(tg, threadId, /Got your photo: /);
    const [photo] = runner.attachmentsOf(sessionId);
    expect(photo).toMatchObject({ kind: 'photo', caption: 'the broken layout', size: PNG.length });
    const dir = bridge.attachmentDir(threadId);
    expect(path.dirname(photo?.path ?? '')).toBe(dir);
    expect(readFileSync(photo?.path ?? '').equals(PNG)).toBe(true);

    sendFile(tg, threadId, { kind: 'document', fileName: '../../.bashrc', content: Buffer.from('log') });
    await seen(tg, threadId, /Got your document: /);
    const document = runner.attachmentsOf(sessionId)[1];
    expect(path.dirname(document?.path ?? '')).toBe(dir);
    expect(document?.fileName).toMatch(/^[0-9a-f]{8}-bashrc$/);
    expect(readdirSync(dir)).toHaveLength(2);
    expect(bridge.auditLog({ threadId }).some((e) => e.action === 'attachment.received')).toBe(true);
  });

  it("a stranger's file is not downloaded; a file over the limit is refused with the fix", async () => {
    const { tg, runner, sessionId, threadId } = await session();
    tg.fake.userSendsFile({
      chatId: tg.chatId,
      topic: Number(threadId),
      from: STRANGER,
      kind: 'photo',
      content: PNG,
    });
    sendFile(tg, threadId, { kind: 'document', fileName: 'big.bin', content: Buffer.alloc(1001) });
    await seen(tg, threadId, /more than the 1000 allowed\. Fix: send a smaller file/);
    expect(tg.fake.countCalls('getFile')).toBe(0);
    expect(runner.attachmentsOf(sessionId)).toEqual([]);
  });

  it('a voice note without a transcriber: the person is told how to set one up, the audio is not fetched', async () => {
    const { tg, runner, sessionId, threadId } = await session();
    sendFile(tg, threadId, { kind: 'voice', content: Buffer.from('OggS-voice') });
    await seen(tg, threadId, /Voice notes need a transcriber[\s\S]*"transcriber": "whisper-cli/);
    expect(tg.fake.countCalls('getFile')).toBe(0);
    expect(runner.attachmentsOf(sessionId)).toEqual([]);
  });

  it('a voice note is transcribed by the configured command and becomes input, the transcript shown', async () => {
    const scripts = mkdtempSync(path.join(tmpdir(), 'transcriber-'));
    const script = path.join(scripts, 'transcribe.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';\nconst audio = readFileSync(process.argv[2], 'utf8');\nprocess.stdout.write('run the tests (' + audio.length + ' bytes)\\n');\n`,
    );
    chmodSync(script, 0o755);
    const { tg, threadId } = await session({
      transcriber: {
        command: `${JSON.stringify(process.execPath)} ${script} {file}`,
        timeoutMs: REAL_PROCESS_WAIT_MS,
      },
    });
    sendFile(tg, threadId, { kind: 'voice', content: Buffer.from('OggS-voice') });
    await tg.fake.waitFor(
      () => botMessages(tg, threadId).find((m) => /said: “run the tests \(10 bytes\)”/.test(m.text)),
      { what: 'the transcript', timeoutMs: REAL_PROCESS_WAIT_MS },
    );
    await seen(tg, threadId, /You said: run the tests \(10 bytes\)/);
  });
});
