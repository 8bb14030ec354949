import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { click, type DiscordWorld, openWorld, owner, visibleBotMessages } from './discord-harness.js';

describe('diffs on Discord cards', () => {
  let world: DiscordWorld;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('a MultiEdit card shows a ```diff block; Show all attaches the whole .diff to a message', async () => {
    const { fake } = world;
    const bridge = world.bridge();
    await bridge.start();
    const thread = await bridge.createThread('Repo', { directory: '/nonexistent/repo' });
    const edits = Array.from({ length: 40 }, (_, i) => ({
      old_string: `value ${i} = 1 \`\`\` @everyone`,
      new_string: `value ${i} = 2`,
    }));
    const decision = bridge.requestApproval(thread, {
      toolName: 'MultiEdit',
      input: { file_path: '/nonexistent/repo/conf.ini', edits },
    });
    const card = await fake.waitFor(
      () => visibleBotMessages(fake, thread).find((m) => m.components.length > 0),
      { what: 'the card' },
    );
    expect(card.content).toMatch(/```+diff\n--- a\/conf\.ini\n\+\+\+ b\/conf\.ini\n/);
    expect(card.content.length).toBeLessThanOrEqual(2000);
    expect(card.allowedMentions).toEqual({ parse: [] });
    await click(fake, thread, 'Show all', owner);
    const withFile = await fake.waitFor(
      () => visibleBotMessages(fake, thread).find((m) => m.attachments.length > 0),
      { what: 'the .diff attachment' },
    );
    expect(withFile.attachments[0]?.filename).toBe('conf.ini.diff');
    const text = withFile.attachments[0]!.content.toString('utf8');
    expect(text).toContain('-value 39 = 1 ``` @everyone');
    expect(text).toContain('+value 39 = 2');
    expect(withFile.allowedMentions).toEqual({ parse: [] });
    await click(fake, thread, 'Deny', owner);
    expect(await decision).toMatchObject({ behavior: 'deny' });
  });
});
