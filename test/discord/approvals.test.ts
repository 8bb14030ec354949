import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalResponseDetails } from '../../src/core/types.js';
import {
  channelText,
  click,
  type DiscordWorld,
  openWorld,
  owner,
  visibleBotMessages,
} from './discord-harness.js';

const everyoneName = { id: '3000000000000000003', username: '@everyone' };

describe('DiscordBridge approvals and output', () => {
  let world: DiscordWorld;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('shows a card with coloured buttons; a click answers privately and the card shows who decided, buttons gone', async () => {
    const { fake } = world;
    const bridge = world.bridge();
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
    const card = await fake.waitFor(
      () => visibleBotMessages(fake, thread).find((m) => m.components.length > 0),
      { what: 'the card' },
    );
    const buttons = card.components.flat();
    expect(buttons.find((b) => b.label === 'Allow')?.style).toBe(3);
    expect(buttons.find((b) => b.label === 'Deny')?.style).toBe(4);
    expect(buttons.find((b) => b.label === 'Deny with reason')?.style).toBe(2);
    expect(card.components.every((row) => row.length <= 5)).toBe(true);
    expect(buttons.every((b) => (b.customId ?? '').length <= 100)).toBe(true);
    expect(card.allowedMentions).toEqual({ parse: [] });

    const outcome = await click(fake, thread, 'Allow', owner);
    expect(outcome).toMatchObject({ kind: 'reply', message: { ephemeral: true } });
    expect(outcome.kind === 'reply' && outcome.message.content).toMatch(/allowed by olivia/);
    expect((await decision).behavior).toBe('allow');
    const updated = await fake.waitFor(
      () => {
        const m = fake.message(card.id);
        return m && m.components.length === 0 ? m : undefined;
      },
      { what: 'the decided card' },
    );
    expect(updated.content).toContain('npm test');
    expect(updated.content).toMatch(/Allowed — olivia via discord/);
  });

  it('a double click decides once; the second click is told it was already resolved', async () => {
    const { fake } = world;
    const decisions: ApprovalResponseDetails[] = [];
    const bridge = world.bridge();
    await bridge.start();
    bridge.onDecision((_t, _r, d) => decisions.push({ decision: d } as ApprovalResponseDetails));
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'make' } });
    const card = await fake.waitFor(() =>
      visibleBotMessages(fake, thread).find((m) => m.components.length > 0),
    );
    const [first, second] = await Promise.all([
      fake.userClicks({ channelId: thread, messageId: card.id, label: 'Deny', user: owner }),
      fake.userClicks({ channelId: thread, messageId: card.id, label: 'Allow', user: owner }),
    ]);
    const texts = [first, second].map((o) => (o.kind === 'reply' ? o.message.content : o.kind));
    expect(texts.filter((t) => /Already resolved/.test(t))).toHaveLength(1);
    expect((await decision).behavior).toBe('deny');
    expect(decisions).toHaveLength(1);
  });

  it('takes a text answer in the thread and forwards other text as input', async () => {
    const { fake } = world;
    const inputs: string[] = [];
    const bridge = world.bridge({ handlers: { onInput: (_t, text) => void inputs.push(text) } });
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'rm -rf /' } });
    await fake.waitFor(() => visibleBotMessages(fake, thread).find((m) => m.components.length > 0));
    fake.userSays({ channelId: thread, author: owner, content: 'deny: never' });
    expect(await decision).toMatchObject({ behavior: 'deny', reason: 'never' });
    fake.userSays({ channelId: thread, author: owner, content: 'now add tests' });
    await fake.waitFor(() => inputs.length === 1);
    expect(inputs).toEqual(['now add tests']);
  });

  it('@everyone in agent output and in a person name pings nobody', async () => {
    const { fake, channelId } = world;
    const bridge = world.bridge({ allowedUserIds: [owner.id, everyoneName.id] });
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    await bridge.sendOutput(thread, 'Deploy done @everyone and @here <@123456789012345678>');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'echo @everyone' },
    });
    await click(fake, thread, 'Allow', everyoneName);
    await decision;
    await fake.waitFor(() => fake.message(messageIdWith(fake, thread, 'echo'))?.components.length === 0);
    fake.userSays({ channelId, author: everyoneName, content: '!status' });
    await fake.waitFor(() => channelText(fake, channelId).length > 0);
    const all = [...fake.channelMessages(thread), ...fake.channelMessages(channelId)].filter(
      (m) => m.authorIsBot,
    );
    for (const message of all) {
      expect(message.allowedMentions).toEqual({ parse: [] });
      expect(message.content).not.toMatch(/@(everyone|here)/);
      expect(message.content).not.toMatch(/<@\d/);
    }
    expect(channelText(fake, thread)).toMatch(/@\u200beveryone/);
  });
});

function messageIdWith(fake: DiscordWorld['fake'], channelId: string, text: string): string {
  return visibleBotMessages(fake, channelId).find((m) => m.content.includes(text))?.id ?? '';
}
