import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordBridge } from '../../src/discord/index.js';
import { BridgeRouter } from '../../src/router.js';
import type { TelegramBridge } from '../../src/telegram/index.js';
import {
  click,
  type DiscordWorld,
  owner as discordOwner,
  openWorld,
  visibleBotMessages,
} from '../discord/discord-harness.js';
import { JumpClock } from '../support/jump-clock.js';
import { botMessages, bridgeOn, type FakeWorld, say, startFake, waitForButton } from './telegram-world.js';

const MINUTE = 60_000;
let world: FakeWorld;
let bridge: TelegramBridge;
let discordWorld: DiscordWorld | undefined;

afterEach(async () => {
  await bridge.stop();
  await world.fake.stop();
  await discordWorld?.close();
  discordWorld = undefined;
});

async function start(clock: JumpClock, config: Parameters<typeof bridgeOn>[1] = {}): Promise<void> {
  world = await startFake();
  bridge = bridgeOn(world, { clock, ...config });
  await bridge.start();
}

const texts = (thread: string) => botMessages(world, thread).map((m) => m.text);

describe('reminders for unanswered approvals', () => {
  it('a reminder arrives as a new message after the delay, then a warning before the timeout; /status shows them', async () => {
    const clock = new JumpClock();
    await start(clock, { reminders: { remindAfterMs: 5 * MINUTE, warnBeforeTimeoutMs: 2 * MINUTE } });
    const thread = await bridge.createThread('Remind');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'npm test' },
      timeoutMs: 30 * MINUTE,
    });
    await waitForButton(world, thread, 'Allow');
    say(world, thread, '/status');
    await world.fake.waitFor(() =>
      texts(thread).some((t) => t.includes('next reminder for Bash npm test in 5 min')),
    );
    expect(texts(thread).join('\n')).toContain('Reminders: after 5 min, warning 2 min before the timeout');

    const before = botMessages(world, thread).length;
    clock.advance(5 * MINUTE - 1);
    expect(botMessages(world, thread)).toHaveLength(before);
    clock.advance(1);
    const reminder = await world.fake.waitFor(
      () =>
        botMessages(world, thread).find((m) =>
          m.text.startsWith('⏰ Still waiting for an answer: Bash npm test'),
        ),
      { what: 'the reminder' },
    );
    // A new message (which notifies), not an edit of the card.
    expect(reminder.edits).toBe(0);
    expect(botMessages(world, thread).length).toBe(before + 1);

    clock.advance(23 * MINUTE);
    await world.fake.waitFor(() =>
      texts(thread).some((t) => t === '⏳ Bash npm test times out in 2 min; without an answer it is denied.'),
    );
    clock.advance(2 * MINUTE);
    expect(await decision).toMatchObject({ behavior: 'timeout' });
    expect(texts(thread).filter((t) => t.startsWith('⏰'))).toHaveLength(1);
  });

  it('an answer stops the reminders; reminders can be turned off', async () => {
    const clock = new JumpClock();
    await start(clock, { reminders: { enabled: false } });
    const thread = await bridge.createThread('Off');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'ls' },
      timeoutMs: 30 * MINUTE,
    });
    await waitForButton(world, thread, 'Allow');
    clock.advance(20 * MINUTE);
    say(world, thread, '/status');
    await world.fake.waitFor(() => texts(thread).some((t) => t.includes('Reminders: off')));
    expect(texts(thread).some((t) => t.startsWith('⏰'))).toBe(false);
    say(world, thread, 'yes');
    await decision;
  });

  it('during quiet hours neither the reminder nor the warning pings', async () => {
    const clock = new JumpClock();
    const hour = new Date(clock.now()).getUTCHours();
    const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    const quietHours = { start: hh(hour), end: hh(hour + 2), timeZone: 'UTC' };
    await start(clock, { reminders: { quietHours } });
    const thread = await bridge.createThread('Quiet');
    const decision = bridge.requestApproval(thread, {
      toolName: 'Bash',
      input: { command: 'ls' },
      timeoutMs: 30 * MINUTE,
    });
    await waitForButton(world, thread, 'Allow');
    say(world, thread, '/status');
    await world.fake.waitFor(() =>
      texts(thread).some((t) => t.includes(`quiet ${quietHours.start}–${quietHours.end} UTC (now)`)),
    );
    clock.advance(30 * MINUTE);
    expect(await decision).toMatchObject({ behavior: 'timeout' });
    expect(texts(thread).some((t) => t.startsWith('⏰') || t.startsWith('⏳'))).toBe(false);
  });
});

describe('escalation to a second platform', () => {
  it('the card reaches Discord only after nobody answered on Telegram; an answer there decides on both', async () => {
    const clock = new JumpClock();
    await start(clock, { reminders: { enabled: false } });
    discordWorld = await openWorld();
    const discord: DiscordBridge = discordWorld.bridge();
    await discord.start();
    const router = new BridgeRouter([bridge, discord], {
      escalation: { to: [discord], afterMs: 10 * MINUTE },
    });
    const [telegramThread, discordThread] = await router.openSession('s1', 'Escalate');
    const decision = router.requestApproval('s1', { toolName: 'Bash', input: { command: 'make deploy' } });
    await waitForButton(world, telegramThread!.threadId, 'Allow');
    const { fake } = discordWorld;
    const discordCards = () =>
      visibleBotMessages(fake, discordThread!.threadId).filter((m) => m.components.length > 0);
    expect(discordCards()).toEqual([]);
    clock.advance(10 * MINUTE);
    await fake.waitFor(() => discordCards()[0], { what: 'the escalated card on Discord' });
    expect(discordCards()[0]?.content).toContain('make deploy');
    await click(fake, discordThread!.threadId, 'Allow', discordOwner);
    expect(await decision).toMatchObject({
      behavior: 'allow',
      by: { type: 'user', user: { platform: 'discord' } },
    });
    await world.fake.waitFor(() =>
      texts(telegramThread!.threadId).some((t) => t.includes('Allowed — olivia via discord')),
    );
    await discord.stop();
  });

  it('an answer before the delay means Discord never sees the card', async () => {
    const clock = new JumpClock();
    await start(clock, { reminders: { enabled: false } });
    discordWorld = await openWorld();
    const discord: DiscordBridge = discordWorld.bridge();
    await discord.start();
    const router = new BridgeRouter([bridge, discord], {
      escalation: { to: [discord], afterMs: 10 * MINUTE },
    });
    const [telegramThread, discordThread] = await router.openSession('s2', 'Answered');
    const decision = router.requestApproval('s2', { toolName: 'Bash', input: { command: 'ls' } });
    await waitForButton(world, telegramThread!.threadId, 'Allow');
    say(world, telegramThread!.threadId, 'yes');
    await decision;
    clock.advance(20 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(
      visibleBotMessages(discordWorld.fake, discordThread!.threadId).filter((m) => m.components.length > 0),
    ).toEqual([]);
    await discord.stop();
  });
});
