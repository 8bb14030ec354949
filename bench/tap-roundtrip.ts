/**
 * Benchmark: how long a tap on "Allow" takes to resolve `requestApproval`, next to a bare grammY bot handling the
 * same `callback_query` on the same FakeTelegramServer (same long polling, same HTTP), in the same run.
 *
 * - TelegramBridge: `requestApproval(...)`; once the card shows, the clock starts, the person taps "Allow", and the
 *   clock stops when the decision promise resolves (then the bench waits for the outcome card before the next).
 * - Baseline: a grammY `Bot` whose `callback_query` handler resolves a waiting promise (and answers the query).
 *
 * The two alternate tap by tap so the machine's load falls on both alike. Prints the median and p90 over `TAPS`
 * taps each and their ratio (goal: at most 1.5x). Run: `npx tsx bench/tap-roundtrip.ts [taps]`.
 */
import { Bot } from 'grammy';
import { MemoryStore } from '../src/core/store/memory.js';
import { FakeTelegramServer } from '../src/telegram/fake/index.js';
import { TelegramBridge } from '../src/telegram/index.js';
import { OWNER, ScaledClock } from '../test/telegram/telegram-world.js';

const TAPS = Number(process.argv[2] ?? 200);
const SCALE = 0.001; // the bridge's rate limits (Telegram's 1/s and 20/min per group) pass in real ms

/**
 * A person taps a while after the card appears, not within the same millisecond: let each side finish what
 * showing the card started (the HTTP response, bookkeeping) before the tap.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

interface Side {
  /** One tap: resolves with the ms from the tap to the resolution. */
  tapOnce(i: number): Promise<number>;
  stop(): Promise<void>;
}

async function bridgeSide(): Promise<Side> {
  const fake = new FakeTelegramServer({ rateLimits: false });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Bench' });
  const bridge = new TelegramBridge({
    token: fake.token,
    forumGroupId: chatId,
    apiRoot,
    store: new MemoryStore(),
    allowedUserIds: [OWNER.id],
    clock: new ScaledClock(SCALE),
    clockScale: SCALE,
    pollingTimeoutSeconds: 30,
  });
  await bridge.start();
  let thread = '';
  let topic = 0;
  let taps = 0;
  return {
    async tapOnce(i) {
      // A new topic every few taps keeps the fake's per-topic reads (the bench's own waiting) small.
      if (taps++ % 10 === 0) {
        thread = await bridge.createThread(`Taps ${taps}`);
        topic = Number(thread);
      }
      const marker = `echo tap-${i}`;
      const decision = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: marker } });
      const card = await fake.waitFor(() =>
        fake
          .topicMessages(chatId, topic)
          .findLast((m) => m.text.includes(marker) && m.buttons.flat().includes('Allow')),
      );
      await settle();
      const started = performance.now();
      // userTaps resolves with the answer to the callback query, which comes after the decision.
      const answered = fake.userTaps({ message: card.messageId, button: 'Allow', from: OWNER, chatId });
      const result = await decision;
      const ms = performance.now() - started;
      if (result.behavior !== 'allow') throw new Error(`tap ${i}: expected allow, got ${result.behavior}`);
      await answered;
      // The outcome card replaces the buttons; wait for it so taps do not overlap.
      await fake.waitFor(() => {
        const shown = fake.topicMessages(chatId, topic).find((m) => m.messageId === card.messageId);
        return shown !== undefined && shown.buttons.length === 0;
      });
      return ms;
    },
    async stop() {
      await bridge.stop();
      await fake.stop();
    },
  };
}

async function grammySide(): Promise<Side> {
  const fake = new FakeTelegramServer({ rateLimits: false });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Bench' });
  const bot = new Bot(fake.token, { client: { apiRoot } });
  let waiting: ((data: string) => void) | undefined;
  bot.on('callback_query', async (ctx) => {
    waiting?.(ctx.callbackQuery.data ?? '');
    await ctx.answerCallbackQuery({ text: 'Allowed' });
  });
  const polling = new Promise<void>((resolve) => {
    void bot.start({ timeout: 30, onStart: () => resolve() });
  });
  await polling;
  const topic = await bot.api.createForumTopic(chatId, 'Taps');
  return {
    async tapOnce(i) {
      const message = await bot.api.sendMessage(chatId, `Bash: echo tap-${i}`, {
        message_thread_id: topic.message_thread_id,
        reply_markup: { inline_keyboard: [[{ text: 'Allow', callback_data: `allow:${i}` }]] },
      });
      const handled = new Promise<string>((resolve) => {
        waiting = resolve;
      });
      await settle();
      const started = performance.now();
      const answered = fake.userTaps({ message: message.message_id, button: 'Allow', from: OWNER, chatId });
      const data = await handled;
      const ms = performance.now() - started;
      if (data !== `allow:${i}`) throw new Error(`tap ${i}: got ${data}`);
      await answered;
      return ms;
    },
    async stop() {
      await bot.stop();
      await fake.stop();
    },
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;
}

const bridge = await bridgeSide();
const grammy = await grammySide();
// Warm both paths (JIT, sockets) before measuring.
for (let i = 0; i < 20; i++) {
  await bridge.tapOnce(-1 - i);
  await grammy.tapOnce(-1 - i);
}
const times = { bridge: [] as number[], grammy: [] as number[] };
for (let i = 0; i < TAPS; i++) {
  // Alternate tap by tap, so the machine's load falls on both alike.
  times.bridge.push(await bridge.tapOnce(i));
  times.grammy.push(await grammy.tapOnce(i));
}
await bridge.stop();
await grammy.stop();

const median = { bridge: percentile(times.bridge, 0.5), grammy: percentile(times.grammy, 0.5) };
const line = (name: string, values: number[]) =>
  `${name.padEnd(40)} median ${percentile(values, 0.5).toFixed(3)} ms   p90 ${percentile(values, 0.9).toFixed(3)} ms`;
console.log(`tap → decision, ${TAPS} taps each on FakeTelegramServer`);
console.log(line('TelegramBridge requestApproval', times.bridge));
console.log(line('bare grammY callback_query handler', times.grammy));
console.log(
  `ratio bridge / bare grammY (median): ${(median.bridge / median.grammy).toFixed(2)}x   (goal ≤ 1.5x)`,
);
