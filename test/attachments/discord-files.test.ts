/**
 * Files a person attaches in a Discord session thread: an image reaches the scripted agent as a file inside the
 * session's attachment directory, downloaded from the attachment's CDN URL (served by the fake).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { supervise } from '../../src/runner/supervise.js';
import { type DiscordWorld, openWorld, owner, visibleBotMessages } from '../discord/discord-harness.js';

let world: DiscordWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe('files a person attaches in a Discord thread', () => {
  it('an image reaches the agent as a file inside the session directory, with the message as caption', async () => {
    world = await openWorld();
    const attachments = mkdtempSync(path.join(tmpdir(), 'tether-attach-'));
    const bridge = world.bridge({ attachments: { dir: attachments } });
    await bridge.start();
    let runner!: ScriptedRunner;
    const session = await supervise({
      bridges: bridge,
      prompt: 'look at this',
      runner: (events) => {
        runner = new ScriptedRunner(events, { script: [{ awaitInput: 'repeat' }] });
        return runner;
      },
    });
    const threadId = session.threads[0]?.threadId ?? '';
    world.fake.userSays({
      channelId: threadId,
      author: owner,
      content: 'this is what I see',
      attachments: [{ filename: 'screen shot.png', content: PNG, contentType: 'image/png' }],
    });
    const fake = world.fake;
    await fake.waitFor(() =>
      visibleBotMessages(fake, threadId).some((m) => m.content.includes('Got your photo')),
    );
    const [photo] = runner.attachmentsOf(session.sessionId);
    expect(photo).toMatchObject({ kind: 'photo', caption: 'this is what I see', mimeType: 'image/png' });
    expect(path.dirname(photo?.path ?? '')).toBe(bridge.attachmentDir(threadId));
    expect(photo?.fileName).toMatch(/^[0-9a-f]{8}-screen_shot\.png$/);
    expect(readFileSync(photo?.path ?? '').equals(PNG)).toBe(true);
    await session.stop();
  });
});
