/**
 * A person's file reaches each runner in its own way: Claude gets an image content block (and the path) in its
 * streaming input; a subprocess agent gets an `attachment` line on stdin (one real process).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import type { IncomingAttachment } from '../../src/core/types.js';
import { ClaudeRunner } from '../../src/runner/claude/claude-runner.js';
import type { ClaudeAgentSdk } from '../../src/runner/claude/load-sdk.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { EventRecorder } from '../runner-contract/event-recorder.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

function savedPhoto(): IncomingAttachment {
  const dir = mkdtempSync(path.join(tmpdir(), 'tether-attach-'));
  const file = path.join(dir, '0a1b2c3d-photo.jpg');
  writeFileSync(file, PNG);
  return {
    path: file,
    fileName: '0a1b2c3d-photo.jpg',
    kind: 'photo',
    mimeType: 'image/png',
    size: PNG.length,
    caption: 'see',
  };
}

describe('a file a person sent, as each runner gives it to its agent', () => {
  it('Claude: an image content block with the bytes, and the path in text', async () => {
    const received: SDKUserMessage[] = [];
    let ended!: () => void;
    const fakeSdk: ClaudeAgentSdk = {
      query: (({ prompt }: { prompt: AsyncIterable<SDKUserMessage> }) => {
        const done = new Promise<void>((resolve) => {
          ended = resolve;
        });
        void (async () => {
          for await (const message of prompt) received.push(message);
        })();
        // No SDK messages: the session stays in its first turn until stopped.
        const messages = (async function* () {
          await done;
          yield* [];
        })();
        return Object.assign(messages, { interrupt: async () => ended(), setPermissionMode: async () => {} });
      }) as unknown as ClaudeAgentSdk['query'],
    };
    const runner = new ClaudeRunner(new EventRecorder(), { loadSdk: async () => fakeSdk, heartbeatMs: 0 });
    await runner.start('s1', 'hello', 0);
    const photo = savedPhoto();
    await runner.sendAttachment('s1', photo);
    await expect.poll(() => received.length).toBe(2);
    const content = received[1]?.message.content;
    expect(content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.toString('base64') } },
      { type: 'text', text: `The person sent an image, saved at ${photo.path}\n\nsee` },
    ]);
    ended();
    await runner.stop('s1');
  });

  it('subprocess: an attachment line on stdin', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tether-agent-'));
    const agent = path.join(dir, 'agent.mjs');
    writeFileSync(
      agent,
      `import { createInterface } from 'node:readline';
for await (const line of createInterface({ input: process.stdin })) {
  const m = JSON.parse(line);
  if (m.type === 'attachment') process.stdout.write(JSON.stringify({ type: 'output', text: 'got ' + m.kind + ' ' + m.name + ' at ' + m.path + ' (' + m.size + ' bytes, ' + m.mime_type + ', ' + m.caption + ')' }) + '\\n');
  if (m.type === 'stop') process.exit(0);
}
`,
    );
    const events = new EventRecorder();
    const runner = new SubprocessRunner(events, { command: process.execPath, args: [agent], cwd: dir });
    await runner.start('s1', '', 0);
    const photo = savedPhoto();
    await runner.sendAttachment('s1', photo);
    await events.waitForOutput(
      `got photo 0a1b2c3d-photo.jpg at ${photo.path} (${PNG.length} bytes, image/png, see)`,
    );
    await runner.stop('s1');
  });
});
