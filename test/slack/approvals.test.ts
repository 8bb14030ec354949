import type { SectionBlock } from '@slack/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../src/core/types.js';
import type { SlackBridge } from '../../src/slack/index.js';
import { SlackFixture } from './slack-fixture.js';

const ALICE = 'U0ALICE';
const MALLORY = 'U0MALLORY';

let fixture: SlackFixture;

afterEach(async () => {
  await fixture?.stop();
});

async function setup(): Promise<{ bridge: SlackBridge; thread: string }> {
  fixture = await new SlackFixture().start();
  fixture.fake.addUser({ id: ALICE, name: 'alice' });
  fixture.fake.addUser({ id: MALLORY, name: 'mallory' });
  const bridge = await fixture.started({ allowedUserIds: [ALICE] });
  const thread = await bridge.createThread('Repo', { directory: '/work/repo' });
  return { bridge, thread };
}

/** Ask to run `npm test`; resolves (wrapped, so it is not awaited) once the card is visible. */
async function askBash(
  bridge: SlackBridge,
  thread: string,
): Promise<{ decision: Promise<ApprovalDecision> }> {
  const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
  await fixture.fake.waitFor(() => fixture.botMessages(thread).some((m) => m.buttons.length > 0));
  return { decision };
}

describe('SlackBridge approval cards', () => {
  it('opens a thread as a parent message and posts the card in it as Block Kit', async () => {
    const { bridge, thread } = await setup();
    await askBash(bridge, thread);
    expect(fixture.channelTexts()).toEqual(['🧵 *Repo*\n`/work/repo`']);
    const card = fixture.cardWith(thread, 'Allow');
    expect(card.threadTs).toBe(thread);
    expect(card.text).toContain('npm test');
    expect(card.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(card.blocks.slice(1).every((b) => b.type === 'actions')).toBe(true);
    expect(card.buttons.map((b) => b.text)).toEqual([
      'Allow',
      'Deny',
      'Deny with reason',
      'Allow Bash 30m',
      'Allow all 30m',
      'Allow dir 30m',
      'Always allow npm test',
    ]);
    expect(card.buttons.map((b) => b.actionId)).toEqual([
      'at_0',
      'at_1',
      'at_2',
      'at_3',
      'at_4',
      'at_5',
      'at_6',
    ]);
    expect(card.buttons.find((b) => b.text === 'Allow')?.style).toBe('primary');
    expect(card.buttons.find((b) => b.text === 'Deny')?.style).toBe('danger');
    for (const button of card.buttons) expect(button.value?.length).toBeLessThanOrEqual(255);
  });

  it.each([
    ['Allow', { behavior: 'allow', scope: 'once' }, /✅ Allowed — alice via slack/],
    ['Deny', { behavior: 'deny' }, /❌ Denied — alice via slack/],
    ['Allow Bash 30m', { behavior: 'allow', scope: 'tool' }, /Allowed this tool for 30m — alice via slack/],
    ['Allow all 30m', { behavior: 'allow', scope: 'all' }, /Allowed all for 30m — alice via slack/],
    ['Allow dir 30m', { behavior: 'allow', scope: 'dir' }, /Allowed this directory for 30m — alice/],
  ])(
    'button "%s" decides and the card shows the outcome and who, without buttons',
    async (label, expected, line) => {
      const { bridge, thread } = await setup();
      const { decision } = await askBash(bridge, thread);
      const card = fixture.cardWith(thread, label);
      await fixture.clicks(bridge, ALICE, thread, label);
      expect(await decision).toMatchObject({
        ...expected,
        by: { type: 'user', user: { id: ALICE, name: 'alice' } },
      });
      await fixture.fake.waitFor(() => fixture.fake.message(fixture.channel, card.ts)?.edits === 1);
      const updated = fixture.fake.message(fixture.channel, card.ts);
      expect(updated?.buttons).toEqual([]);
      expect(updated?.blocks).toHaveLength(1);
      expect((updated?.blocks[0] as SectionBlock | undefined)?.text?.text).toMatch(line);
      expect(updated?.text).toMatch(line);
    },
  );

  it('"Deny with reason" asks for the reason and takes the next reply', async () => {
    const { bridge, thread } = await setup();
    const { decision } = await askBash(bridge, thread);
    await fixture.clicks(bridge, ALICE, thread, 'Deny with reason');
    expect(fixture.texts(thread).at(-1)).toContain('reply in this thread with the reason');
    await fixture.says(bridge, ALICE, 'use the CI instead', thread);
    expect(await decision).toMatchObject({ behavior: 'deny', reason: 'use the CI instead' });
  });

  it.each([
    ['yes', { behavior: 'allow', scope: 'once' }],
    ['deny: not on main', { behavior: 'deny', reason: 'not on main' }],
    ['allow all', { behavior: 'allow', scope: 'all' }],
  ])('a text reply "%s" answers the card', async (text, expected) => {
    const { bridge, thread } = await setup();
    const { decision } = await askBash(bridge, thread);
    await fixture.says(bridge, ALICE, text, thread);
    expect(await decision).toMatchObject(expected);
    await fixture.fake.waitFor(() => fixture.botMessages(thread).every((m) => m.buttons.length === 0));
  });

  it('a double click decides once; the second click is told privately it was already resolved', async () => {
    const { bridge, thread } = await setup();
    const decisions: string[] = [];
    bridge.onDecision((_t, _r, d) => decisions.push(d.behavior));
    const { decision } = await askBash(bridge, thread);
    const card = fixture.cardWith(thread, 'Allow');
    const first = fixture.fake.userClicks({
      channel: fixture.channel,
      message: card.ts,
      user: ALICE,
      buttonText: 'Allow',
    });
    const second = fixture.fake.userClicks({
      channel: fixture.channel,
      message: card.ts,
      user: ALICE,
      buttonText: 'Deny',
    });
    await fixture.handled(bridge, first);
    await fixture.handled(bridge, second);
    expect((await decision).behavior).toBe('allow');
    expect(decisions).toEqual(['allow']);
    const privateAnswers = fixture.fake.ephemeralMessages(fixture.channel, ALICE).map((e) => e.text);
    expect(privateAnswers).toEqual([expect.stringMatching(/^Already resolved/)]);
    expect(bridge.auditLog().filter((e) => e.action.startsWith('approval.'))).toHaveLength(1);
  });

  it('refuses a stranger: the click changes nothing, they are told privately, and it is audited', async () => {
    const { bridge, thread } = await setup();
    const { decision } = await askBash(bridge, thread);
    const answer = await fixture.clicks(bridge, MALLORY, thread, 'Allow');
    expect(answer).toMatch(/not authorized/);
    await fixture.says(bridge, MALLORY, 'yes', thread);
    expect(fixture.texts(thread).at(-1)).toMatch(/Sorry mallory, you are not authorized/);
    expect(bridge.auditLog().filter((e) => e.action === 'auth.refused' && e.userId === MALLORY)).toHaveLength(
      2,
    );
    expect(fixture.botMessages(thread).some((m) => m.buttons.length > 0)).toBe(true);
    await fixture.clicks(bridge, ALICE, thread, 'Deny');
    expect((await decision).behavior).toBe('deny');
  });
});
