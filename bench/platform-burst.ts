/**
 * Benchmark: an output burst (1,250 events of 200 bytes) into one thread on Slack and Discord, each bridge on its fake with
 * the platform's documented limits switched on (Slack: chat.postMessage about 1 per second per channel with
 * bursts, chat.update tier 3; Discord: 5 messages per 5 s per channel), on scaled time. Prints API calls, the
 * floor ceil(visible chars / message limit), and the 429s drawn (goal: 0 — the bridge's limiter keeps a 10%
 * margin on every window), next to the same bridge with its limiter opened wide (the fake's 429s then pace it).
 * Telegram's 1 MB burst is bench/telegram-burst.ts.
 * Run: `npx tsx bench/platform-burst.ts`
 */
import { MemoryStore } from '../src/core/store/memory.js';
import { FakeDiscordServer } from '../src/discord/fake/index.js';
import { DiscordBridge } from '../src/discord/index.js';
import { FakeSlackServer } from '../src/slack/fake/index.js';
import { SlackBridge } from '../src/slack/index.js';
import { ScaledClock } from '../test/telegram/telegram-world.js';

const EVENTS = Number(process.env.EVENTS ?? 1250);
const EVENT_BYTES = 200;
// A platform second lasts 50 real ms: slow enough that the platform's limits, not this machine's HTTP round trips
// (10-30 ms under load), set the pace, so a limiter without a margin would draw 429s.
const SCALE = Number(process.env.SCALE ?? 0.05);

function event(i: number): string {
  const head = `event ${i}: `;
  return head + 'abcdefghij'.repeat(EVENT_BYTES).slice(0, EVENT_BYTES - head.length - 1);
}

/** What "no limiter" means: ours lets 100 calls a second through (the platform's 429s still pace it). */
const LOOSE = { perChannel: { count: 100, windowMs: 1000 }, global: { count: 100, windowMs: 1000 } };

interface Result {
  readonly platform: string;
  readonly calls: number;
  readonly rateLimited: number;
  readonly floor: number;
  readonly realMs: number;
}

/** Every event must be visible, in full. */
function checkComplete(platform: string, visible: string): void {
  const seen = new Set(Array.from(visible.matchAll(/event (\d+): a/g), (m) => m[1]));
  const missing = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => !seen.has(String(i)));
  if (missing.length > 0) throw new Error(`${platform}: lost ${missing.length} events`);
}

/** Start the bridge, then send every event into one new thread at once; how long until all were delivered. */
async function burst(bridge: SlackBridge | DiscordBridge, callCount: () => number) {
  await bridge.start();
  const thread = await bridge.createThread('Burst');
  const before = callCount();
  const started = performance.now();
  await Promise.all(Array.from({ length: EVENTS }, (_, i) => bridge.sendOutput(thread, event(i))));
  return { thread, before, realMs: performance.now() - started };
}

async function slack(loose: boolean): Promise<Result> {
  const fake = new FakeSlackServer({ timeScale: SCALE });
  await fake.start();
  const channel = fake.createChannel({ name: 'agents' });
  const bridge = new SlackBridge({
    botToken: fake.botToken,
    appToken: fake.appToken,
    channelId: channel,
    slackApiUrl: fake.apiUrl,
    ...(loose ? { sendRateLimits: LOOSE } : {}),
    store: new MemoryStore(),
    allowAnyone: true,
    clock: new ScaledClock(SCALE),
  });
  const { thread, before, realMs } = await burst(bridge, () => fake.calls.length);
  const calls = fake.calls
    .slice(before)
    .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');
  const visible = fake
    .threadMessages(channel, thread)
    .slice(1)
    .map((m) => m.text)
    .join('\n');
  checkComplete('slack', visible);
  await bridge.stop();
  await fake.stop();
  return {
    platform: loose ? 'Slack, no limiter' : 'Slack',
    calls: calls.length,
    rateLimited: calls.filter((c) => c.status === 429 || c.error === 'ratelimited').length,
    floor: Math.ceil(visible.length / 4000),
    realMs,
  };
}

async function discord(loose: boolean): Promise<Result> {
  const fake = new FakeDiscordServer({ timeScale: SCALE, heartbeatIntervalMs: 1000 });
  await fake.start();
  const channelId = fake.createTextChannel({ name: 'agents' });
  const bridge = new DiscordBridge({
    token: fake.token,
    api: fake.apiUrl,
    fastIdentify: true,
    channelId,
    ...(loose ? { rateLimits: LOOSE } : {}),
    store: new MemoryStore(),
    allowAnyone: true,
    clock: new ScaledClock(SCALE),
  });
  const { thread, before, realMs } = await burst(bridge, () => fake.calls.length);
  const calls = fake.calls
    .slice(before)
    .filter((c) => c.route?.startsWith('POST /channels') || c.route?.startsWith('PATCH /channels'));
  const visible = fake
    .channelMessages(thread)
    .map((m) => m.content)
    .join('\n');
  checkComplete('discord', visible);
  await bridge.stop();
  await fake.stop();
  return {
    platform: loose ? 'Discord, no limiter' : 'Discord',
    calls: calls.length,
    rateLimited: calls.filter((c) => c.status === 429).length,
    floor: Math.ceil(visible.length / 2000),
    realMs,
  };
}

console.log(
  `${EVENTS} events, ${((EVENTS * EVENT_BYTES) / 1e6).toFixed(2)} MB, one thread, platform limits on, timeScale ${SCALE}`,
);
// Discord without our limiter draws no 429s either: @discordjs/rest queues by the X-RateLimit headers itself.
for (const result of [await slack(false), await slack(true), await discord(false)]) {
  console.log(
    `${result.platform.padEnd(22)} ${String(result.calls).padStart(5)} calls (floor ${result.floor}, ${(result.calls / result.floor).toFixed(2)}x) ${String(result.rateLimited).padStart(4)} × 429 ${(result.realMs / 1000).toFixed(2).padStart(6)} s real`,
  );
}
