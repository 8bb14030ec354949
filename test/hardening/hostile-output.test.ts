/**
 * Hardening (issue 10, item 1), end to end on FakeTelegramServer: while 10 MB of pathological Markdown streams
 * into one session's thread, a person's tap on another session's card is answered — the decision arrives while
 * the flood is still being rendered, not after it. No elapsed time is asserted: the order of events is.
 *
 * The bridge's transport is observed (not replaced) through its `createTransport` hook, to learn when the
 * flood's text is rendered. Were the whole flood rendered in one go, the tap could only be handled after it,
 * and this test fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxTransport } from '../../src/core/outbox.js';
import { TelegramBridge, type TelegramBridgeConfig } from '../../src/telegram/index.js';
import { botMessages, OWNER, ScaledClock, startFake, waitForButton } from '../telegram/telegram-world.js';

/** Real ms per bridge ms: Telegram's 20 messages a minute per group pass 2,000 times faster. */
const SCALE = 0.0005;
const PART_CHARS = 250_000;

/** One 250 KB part of the flood, by kind: the inputs that once took minutes to render or overflowed the stack. */
function floodPart(i: number): string {
  switch (i % 4) {
    case 0:
      return '*_'.repeat(PART_CHARS / 2);
    case 1:
      return '*a'.repeat(PART_CHARS / 2);
    case 2:
      return `${'> '.repeat(3000)}deep\n`.repeat(Math.floor(PART_CHARS / 6006));
    default:
      return Array.from(
        { length: PART_CHARS / 100 },
        (_, j) =>
          `2026-12-02T12:00:00Z INFO [worker-${j % 7}] step ${j}: *ok* _done_ \`x\` ${'.'.repeat(40)}`,
      ).join('\n');
  }
}

/** A Telegram bridge whose renders are reported (the transport itself is the real one). */
class ObservedTelegramBridge extends TelegramBridge {
  constructor(
    config: TelegramBridgeConfig,
    readonly onRender: (markdown: string) => void,
  ) {
    super(config);
  }

  protected override createTransport(): OutboxTransport {
    const transport = super.createTransport();
    const render = transport.render.bind(transport);
    transport.render = (markdown) => {
      this.onRender(markdown);
      return render(markdown);
    };
    return transport;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('hostile output cannot stall the supervisor', () => {
  it("a tap on another session's card is answered while 10 MB of pathological Markdown is being rendered", async () => {
    const tg = await startFake();
    cleanups.push(() => tg.fake.stop());
    const events: string[] = [];
    let onFirstFloodRender: (() => void) | undefined;
    const bridge = new ObservedTelegramBridge(
      {
        token: tg.fake.token,
        forumGroupId: tg.chatId,
        apiRoot: tg.apiRoot,
        dataDir: ':memory:',
        allowedUserIds: [OWNER.id],
        pollingTimeoutSeconds: 5,
        clock: new ScaledClock(SCALE),
        clockScale: SCALE,
        reminders: { enabled: false },
      },
      (markdown) => {
        // Only the flood's segments are this long (cards, notices and status lines are short).
        if (markdown.length < 4096) return;
        events.push('flood rendered');
        const first = onFirstFloodRender;
        onFirstFloodRender = undefined;
        first?.();
      },
    );
    cleanups.push(() => bridge.stop());
    await bridge.start();
    const noisy = await bridge.createThread('noisy agent');
    const other = await bridge.createThread('other agent');

    const decision = bridge.requestApproval(other, {
      toolName: 'Bash',
      input: { command: 'npm run deploy' },
      timeoutMs: 7 * 24 * 3600_000,
    });
    void decision.then(() => events.push('decision'));
    const card = await waitForButton(tg, other, 'Allow');

    // The person taps the moment the flood's rendering has begun.
    let tapped: Promise<{ text?: string } | undefined> | undefined;
    onFirstFloodRender = () => {
      tapped = tg.fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER, chatId: tg.chatId });
    };
    // 11 MB; the outbox keeps the newest 1 MB of it (one part of each kind) and announces the rest as omitted.
    const parts = Array.from({ length: 44 }, (_, i) => floodPart(i));
    parts.push('the newest line of the flood');
    expect(parts.reduce((n, p) => n + p.length, 0)).toBeGreaterThan(10_000_000);
    const flood = Promise.all(parts.map((part) => bridge.sendOutput(noisy, part)));
    void flood.then(() => events.push('flood delivered'));

    const result = await decision;
    expect(result).toMatchObject({ behavior: 'allow', by: { type: 'user', user: { id: String(OWNER.id) } } });
    expect(await tapped).toMatchObject({ text: expect.stringMatching(/allowed/i) });
    // The decision came while the flood was still being rendered: rendering yields to taps.
    const decided = events.indexOf('decision');
    expect(events.indexOf('flood rendered')).toBeLessThan(decided);
    expect(events.lastIndexOf('flood rendered'), 'flood renders after the decision').toBeGreaterThan(decided);

    // The person sees the outcome on the card, and the flood arrives bounded: an omission notice and the newest line.
    await tg.fake.waitFor(
      () => botMessages(tg, other).find((m) => m.messageId === card.messageId && /Allowed/.test(m.text)),
      { what: 'the decided card' },
    );
    await flood;
    const shown = botMessages(tg, noisy).map((m) => m.text);
    expect(shown.some((text) => /… [\d,]+ lines omitted …/.test(text))).toBe(true);
    expect(shown.at(-1)).toContain('the newest line of the flood');
    expect(shown.join('').length).toBeLessThan(4_000_000);
  }, 60_000);
});
