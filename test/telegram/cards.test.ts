import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/core/store/index.js';
import type { ApprovalResponseDetails } from '../../src/core/types.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import {
  botMessages,
  bridgeOn,
  type FakeWorld,
  OWNER,
  SECOND,
  say,
  startFake,
  tap,
  waitForButton,
} from './telegram-world.js';

let world: FakeWorld;
let bridge: TelegramBridge;
let responses: { requestId: string; approved: boolean; details: ApprovalResponseDetails }[];

beforeEach(async () => {
  world = await startFake();
  responses = [];
  bridge = bridgeOn(world, {
    allowedUserIds: [OWNER.id, SECOND.id],
    handlers: {
      onApprovalResponse: (_thread, requestId, approved, details) => {
        responses.push({ requestId, approved, details });
      },
    },
  });
  await bridge.start();
});

afterEach(async () => {
  await bridge.stop();
  await world.fake.stop();
});

/** The card of a request (the message whose text names the command). */
function cardOf(threadId: string, marker: string) {
  const card = botMessages(world, threadId).find((m) => m.text.includes(marker));
  if (!card) throw new Error(`no card with ${marker}:\n${world.fake.describe()}`);
  return card;
}

describe('approval card buttons', () => {
  const cases = [
    {
      label: 'Allow',
      outcome: '✅ Allowed — olivia via telegram',
      expected: { behavior: 'allow', scope: 'once' },
    },
    { label: 'Deny', outcome: '❌ Denied — olivia via telegram', expected: { behavior: 'deny' } },
    {
      label: 'Allow Bash 30m',
      outcome: '✅ Allowed this tool for 30m — olivia via telegram',
      expected: { behavior: 'allow', scope: 'tool' },
    },
    {
      label: 'Allow all 30m',
      outcome: '✅ Allowed all for 30m — olivia via telegram',
      expected: { behavior: 'allow', scope: 'all' },
    },
    {
      label: 'Allow dir 30m',
      outcome: '✅ Allowed this directory for 30m — olivia via telegram',
      expected: { behavior: 'allow', scope: 'dir' },
    },
  ] as const;

  for (const { label, outcome, expected } of cases) {
    it(`"${label}" decides once, and the card shows the outcome and who decided, without buttons`, async () => {
      const thread = await bridge.createThread(`Card ${label}`, { directory: '/home/olivia/repo' });
      const decision = bridge.requestApproval(thread, {
        toolName: 'Bash',
        input: { command: `npm run ${label.length}` },
      });
      const card = await waitForButton(world, thread, label);
      expect(card.html).toContain('<b>');
      expect(card.buttons.flat()).toEqual(
        expect.arrayContaining(['Allow', 'Deny', 'Deny with reason', 'Allow Bash 30m', 'Allow all 30m']),
      );
      const answer = await tap(world, thread, label);
      expect(await decision).toMatchObject(expected);
      expect(answer?.text).toMatch(/^(allowed|denied) by olivia via telegram$/);
      await world.fake.waitFor(() => cardOf(thread, `npm run ${label.length}`).text.includes(outcome), {
        what: `the card showing "${outcome}"`,
      });
      const decided = cardOf(thread, `npm run ${label.length}`);
      expect(decided.buttons).toEqual([]);
      expect(decided.edits).toBe(1);
      await world.fake.waitFor(() => responses.length === 1, { what: 'onApprovalResponse' });
      expect(responses[0]?.approved).toBe(expected.behavior === 'allow');
    });
  }

  it('"Allow Bash 30m" auto-approves the next Bash call in the thread without a card', async () => {
    const thread = await bridge.createThread('Timer');
    const first = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'ls' } });
    await tap(world, thread, 'Allow Bash 30m');
    await first;
    const second = await bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'pwd' } });
    expect(second).toMatchObject({ behavior: 'allow', by: { type: 'auto' } });
    expect(botMessages(world, thread).filter((m) => m.text.includes('pwd') && m.buttons.length > 0)).toEqual(
      [],
    );
  });

  it('"Deny with reason" asks for the reason in the thread and uses the next message', async () => {
    const thread = await bridge.createThread('Reason');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'rm -rf /tmp/x' },
    });
    const answer = await tap(world, thread, 'Deny with reason');
    expect(answer?.text).toBe('Reply in this thread with the reason.');
    await world.fake.waitFor(() =>
      botMessages(world, thread).some((m) => m.text.includes('reply in this thread')),
    );
    say(world, thread, 'use the clean script');
    expect(await decision).toMatchObject({ behavior: 'deny', reason: 'use the clean script' });
    await world.fake.waitFor(() =>
      cardOf(thread, 'rm -rf /tmp/x').text.includes('Reason: use the clean script'),
    );
    expect(cardOf(thread, 'rm -rf /tmp/x').buttons).toEqual([]);
  });

  it('"Show all" posts the full input; the request stays open', async () => {
    const thread = await bridge.createThread('Long');
    const command = `echo ${'x'.repeat(3000)} END-OF-COMMAND`;
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command } });
    const card = await waitForButton(world, thread, 'Show all');
    expect(card.text).not.toContain('END-OF-COMMAND');
    expect((await tap(world, thread, 'Show all'))?.text).toBe('Full input posted below.');
    await world.fake.waitFor(() =>
      botMessages(world, thread).some((m) => m.text.includes('END-OF-COMMAND') && m.buttons.length === 0),
    );
    await tap(world, thread, 'Allow');
    expect((await decision).behavior).toBe('allow');
  });

  it('a second tap and a tap after the decision change nothing and say who decided', async () => {
    const thread = await bridge.createThread('Double');
    const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'deploy' } });
    const card = await waitForButton(world, thread, 'Allow');
    const taps = await Promise.all([
      world.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER, chatId: world.chatId }),
      world.fake.userTaps({ message: card.messageId, button: 'Deny', from: SECOND, chatId: world.chatId }),
    ]);
    const result = await decision;
    const texts = taps.map((t) => t?.text ?? '');
    expect(texts.filter((t) => t.startsWith('Already resolved'))).toHaveLength(1);
    // A phone that has not refreshed still shows the buttons: it sends the old callback data.
    const later = await world.fake.userTapsData({
      chatId: world.chatId,
      messageId: card.messageId,
      data: card.buttonData[0]?.[0] ?? '',
      from: SECOND,
    });
    expect(later?.text).toMatch(/^Already resolved: (allowed|denied) by (olivia|Sam) via telegram$/);
    await world.fake.waitFor(() => responses.length >= 1);
    expect(responses).toHaveLength(1);
    expect(responses[0]?.approved).toBe(result.behavior === 'allow');
  });
});

describe('choices and text answers', () => {
  it('a choice is answered by a button, and the card shows the selection', async () => {
    const thread = await bridge.createThread('Choice');
    const decision = bridge.requestChoice(thread, {
      question: 'Which database?',
      options: ['SQLite', 'Postgres'],
    });
    await tap(world, thread, '2. Postgres');
    expect(await decision).toMatchObject({ behavior: 'selected', index: 1, label: 'Postgres' });
    await world.fake.waitFor(() => cardOf(thread, 'Which database?').text.includes('Selected: Postgres'));
    expect(cardOf(thread, 'Which database?').buttons).toEqual([]);
  });

  it('a choice is answered by its number in a message', async () => {
    const thread = await bridge.createThread('Choice text');
    const decision = bridge.requestChoice(thread, { question: 'Which one?', options: ['Red', 'Blue'] });
    await waitForButton(world, thread, '1. Red');
    say(world, thread, '1');
    expect(await decision).toMatchObject({ behavior: 'selected', label: 'Red' });
  });

  it('"yes" in the thread allows, and the card updates', async () => {
    const thread = await bridge.createThread('Text yes');
    const decision = bridge.requestApproval(thread, { toolName: 'Edit', input: { file_path: 'a.ts' } });
    await waitForButton(world, thread, 'Allow');
    say(world, thread, 'yes', SECOND);
    expect(await decision).toMatchObject({ behavior: 'allow', by: { type: 'user', user: { name: 'Sam' } } });
    await world.fake.waitFor(() => cardOf(thread, 'a.ts').text.includes('Allowed — Sam via telegram'));
  });
});

describe('restart', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tether-telegram-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a card sent before a restart still resolves its request, exactly once', async () => {
    await bridge.stop();
    const decided: string[] = [];
    const handlers = {
      onApprovalResponse: (_t: string, requestId: string) => {
        decided.push(requestId);
      },
    };
    const firstStore = SqliteStore.open(dir);
    const first = bridgeOn(world, { store: firstStore, handlers });
    await first.start();
    const thread = await first.createThread('Survives');
    void first.sendApprovalRequest(thread, {
      requestId: 'req-restart',
      toolName: 'Bash',
      description: 'make',
    });
    const card = await waitForButton(world, thread, 'Allow');
    await first.stop();
    firstStore.close();

    const store = SqliteStore.open(dir);
    bridge = bridgeOn(world, { store, handlers });
    try {
      await bridge.start();
      expect(bridge.getThread(thread)?.name).toBe('Survives');
      const answer = await world.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER });
      expect(answer?.text).toBe('allowed by olivia via telegram');
      const again = await world.fake.userTapsData({
        chatId: world.chatId,
        messageId: card.messageId,
        data: card.buttonData[0]?.[1] ?? '',
        from: OWNER,
      });
      expect(again?.text).toMatch(/^Already resolved/);
      await world.fake.waitFor(() => cardOf(thread, 'make').buttons.length === 0);
      await world.fake.waitFor(() => decided.length >= 1);
      expect(decided).toEqual(['req-restart']);
    } finally {
      await bridge.stop();
      store.close();
    }
  });
});
