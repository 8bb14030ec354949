import { afterEach, describe, expect, it } from 'vitest';
import { SlackFixture } from './slack-fixture.js';

const ALICE = 'U0ALICE';
let fixture: SlackFixture;

afterEach(async () => {
  await fixture?.stop();
});

describe('diffs on Slack cards', () => {
  it('an Edit card shows the diff as a code block; Show all uploads the whole .diff into the thread', async () => {
    fixture = await new SlackFixture().start();
    fixture.fake.addUser({ id: ALICE, name: 'alice' });
    const bridge = await fixture.started({ allowedUserIds: [ALICE] });
    const thread = await bridge.createThread('Repo', { directory: '/nonexistent/repo' });
    const old = Array.from({ length: 80 }, (_, i) => `old ${i}`).join('\n');
    const next = `${Array.from({ length: 80 }, (_, i) => `new ${i} *not bold* <@U0ALICE>`).join('\n')}\nEND`;
    const decision = bridge.requestApproval(thread, {
      toolName: 'Edit',
      input: { file_path: '/nonexistent/repo/lib/x.py', old_string: old, new_string: next },
    });
    await fixture.fake.waitFor(() => fixture.botMessages(thread).some((m) => m.buttons.length > 0));
    const card = fixture.cardWith(thread, 'Show all');
    const section = JSON.stringify(card.blocks[0]);
    expect(section).toContain('```');
    expect(section).toContain('--- a/lib/x.py');
    expect(section).toContain('-old 0');
    expect(section).not.toContain('END');
    await fixture.clicks(bridge, ALICE, thread, 'Show all');
    const shared = await fixture.fake.waitFor(
      () => fixture.botMessages(thread).find((m) => m.files.length > 0),
      {
        description: 'the uploaded .diff',
      },
    );
    expect(shared.files[0]).toMatchObject({ name: 'x.py.diff', title: 'x.py.diff' });
    const text = shared.files[0]!.content.toString('utf8');
    expect(text).toContain('+new 79 *not bold* <@U0ALICE>');
    expect(text).toContain('+END');
    const calls = fixture.fake.calls.map((c) => c.method);
    expect(calls).toEqual(
      expect.arrayContaining(['files.getUploadURLExternal', 'files.completeUploadExternal']),
    );
    await fixture.clicks(bridge, ALICE, thread, 'Deny');
    expect(await decision).toMatchObject({ behavior: 'deny' });
  });
});
