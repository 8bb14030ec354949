/**
 * Benchmark: a 1 MB / 5,000-event output burst into one Telegram topic under Telegram's documented limits
 * (FakeTelegramServer defaults: 1 message/s per chat, 20/min per group, 30/s overall), on scaled time.
 *
 * - TelegramBridge: `sendOutput` for every event (fire all, await all) — the outbox coalesces, edits in place
 *   and schedules under the limits.
 * - Baseline (same run): one `sendMessage` per event through grammY with `@grammyjs/auto-retry`, sent one
 *   after another (firing 5,000 at once with auto-retry is a retry storm, not a baseline).
 *
 * Prints API calls, 429s received, and the time until the last text is visible (real and Telegram time).
 * Run: `npx tsx bench/telegram-burst.ts`
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import { MemoryStore } from '../src/core/store/memory.js';
import { FakeTelegramServer } from '../src/telegram/fake/index.js';
import { TelegramBridge } from '../src/telegram/index.js';
import { ScaledClock } from '../test/telegram/telegram-world.js';

const EVENTS = 5000;
const EVENT_BYTES = 200;
const SCALE = 0.001; // a Telegram minute lasts 60 real ms

function event(i: number): string {
  const head = `event ${i}: `;
  return head + 'abcdefghij'.repeat(EVENT_BYTES).slice(0, EVENT_BYTES - head.length - 1);
}

interface Result {
  readonly calls: number;
  readonly rateLimited: number;
  readonly realMs: number;
  readonly telegramMinutes: number;
}

async function measure(fake: FakeTelegramServer, run: () => Promise<void>): Promise<Result> {
  const before = fake.calls.length;
  const started = performance.now();
  await run();
  const realMs = performance.now() - started;
  const calls = fake.calls
    .slice(before)
    .filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText');
  return {
    calls: calls.length,
    rateLimited: calls.filter((c) => c.status === 429).length,
    realMs,
    telegramMinutes: realMs / SCALE / 60_000,
  };
}

/** The fewest calls that could show the burst: its visible characters over Telegram's 4,096 per message. */
let floor = 0;

async function bridgeRun(): Promise<Result> {
  const fake = new FakeTelegramServer({ timeScale: SCALE });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Bench' });
  const bridge = new TelegramBridge({
    token: fake.token,
    forumGroupId: chatId,
    apiRoot,
    store: new MemoryStore(),
    allowAnyone: true,
    clock: new ScaledClock(SCALE),
    clockScale: SCALE,
    pollingTimeoutSeconds: 1,
  });
  await bridge.start();
  const thread = await bridge.createThread('Burst');
  const result = await measure(fake, async () => {
    await Promise.all(Array.from({ length: EVENTS }, (_, i) => bridge.sendOutput(thread, event(i))));
  });
  const visible = fake
    .topicMessages(chatId, Number(thread))
    .filter((m) => m.fromBot)
    .map((m) => m.text)
    .join('\n');
  const missing = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => !visible.includes(`event ${i}:`));
  if (missing.length > 0) throw new Error(`bridge lost ${missing.length} events`);
  floor = Math.ceil(visible.length / 4096);
  await bridge.stop();
  await fake.stop();
  return result;
}

async function baselineRun(): Promise<Result> {
  const fake = new FakeTelegramServer({ timeScale: SCALE });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Bench' });
  const bot = new Bot(fake.token, { client: { apiRoot } });
  bot.api.config.use(autoRetry());
  const topic = await bot.api.createForumTopic(chatId, 'Burst');
  const result = await measure(fake, async () => {
    for (let i = 0; i < EVENTS; i++) {
      await bot.api.sendMessage(chatId, event(i), { message_thread_id: topic.message_thread_id });
    }
  });
  await fake.stop();
  return result;
}

function line(name: string, r: Result): string {
  return `${name.padEnd(24)} ${String(r.calls).padStart(6)} calls ${String(r.rateLimited).padStart(6)} × 429 ${(r.realMs / 1000).toFixed(2).padStart(7)} s real ${r.telegramMinutes.toFixed(1).padStart(7)} min Telegram time`;
}

const bridge = await bridgeRun();
// `npm run bench` skips the slow baseline (BENCH_QUICK=1): its figure is the bridge's.
const baseline = process.env.BENCH_QUICK ? undefined : await baselineRun();
console.log(
  `${EVENTS} events, ${((EVENTS * EVENT_BYTES) / 1e6).toFixed(1)} MB, one topic, Telegram limits, timeScale ${SCALE}`,
);
console.log(line('TelegramBridge', bridge));
console.log(
  `floor ceil(visible chars / 4096) = ${floor} calls; bridge uses ${(bridge.calls / floor).toFixed(2)}x the floor`,
);
if (baseline) console.log(line('grammY + auto-retry', baseline));
if (baseline)
  console.log(
    `ratios (baseline / bridge): calls ×${(baseline.calls / bridge.calls).toFixed(1)}, 429s ×${(baseline.rateLimited / Math.max(1, bridge.rateLimited)).toFixed(1)}, time to last text ×${(baseline.realMs / bridge.realMs).toFixed(1)}`,
  );
