/**
 * Files a person shares in a Slack session thread: an image reaches the scripted agent as a file inside the
 * session's attachment directory, downloaded from `url_private` with the bot token (the fake refuses without).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedRunner } from '../../src/runner/scripted.js';
import { supervise } from '../../src/runner/supervise.js';
import { SlackFixture } from '../slack/slack-fixture.js';

const ALICE = 'U0ALICE';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
let fixture: SlackFixture;
afterEach(async () => {
  await fixture.stop();
});

describe('files a person shares in a Slack thread', () => {
  it('an image reaches the agent as a file inside the session directory, with the message as caption', async () => {
    fixture = await new SlackFixture().start();
    fixture.fake.addUser({ id: ALICE, name: 'alice' });
    const bridge = await fixture.started({
      allowedUserIds: [ALICE],
      attachments: { dir: mkdtempSync(path.join(tmpdir(), 'tether-attach-')) },
    });
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
    const url = `${fixture.fake.apiUrl.replace(/\/api\/?$/, '')}/files-pri/none/x`;
    expect((await fetch(url)).status).toBe(404);
    fixture.fake.userPosts({
      channel: fixture.channel,
      user: ALICE,
      text: 'this is what I see',
      threadTs: threadId,
      files: [{ name: 'screen shot.png', content: PNG, mimetype: 'image/png' }],
    });
    await fixture.fake.waitFor(
      () =>
        fixture.fake.threadMessages(fixture.channel, threadId).some((m) => m.text.includes('Got your photo')),
      { description: 'the agent got the photo' },
    );
    const [photo] = runner.attachmentsOf(session.sessionId);
    expect(photo).toMatchObject({ kind: 'photo', caption: 'this is what I see', mimeType: 'image/png' });
    expect(path.dirname(photo?.path ?? '')).toBe(bridge.attachmentDir(threadId));
    expect(readFileSync(photo?.path ?? '').equals(PNG)).toBe(true);
    await session.stop();
  });
});
