/**
 * Outbox benchmark: a 1 MB burst of 5,000 agent-output events into one Telegram thread, under Telegram's limits
 * (20 messages per minute per group, 30 per second overall), on a virtual clock: rate-limit waits cost no real
 * time, so "platform time" is exactly what the limits impose and "CPU" is our own rendering work.
 * Compares the outbox (coalescing + edit-in-place + rate-limit scheduling) with the baseline of one platform
 * call per event, measured in the same run. Run: `npx tsx bench/outbox-burst.ts`.
 */
import { Outbox, type OutboxTransport } from '../src/core/outbox.js';
import { silentLogger } from '../src/core/types.js';
import { PLATFORM_LIMITS, renderChunks } from '../src/format/index.js';
import { VirtualClock } from '../src/testing/virtual-clock.js';

const EVENTS = 5000;
const perChat = { count: 20, windowMs: 60_000 };
const global = { count: 30, windowMs: 1000 };

function burst(): string[] {
  const events: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const line = `Step ${i}: edited \`src/module${i % 37}.ts\` — ${'all tests green and the build is fine '.repeat(5)}`;
    events.push(line.slice(0, 200).padEnd(200, '.'));
  }
  return events;
}

async function run(label: string, send: (outbox: Outbox, events: string[]) => Promise<void>) {
  let calls = 0;
  let bytes = 0;
  const transport: OutboxTransport = {
    platform: 'telegram',
    messageLimit: PLATFORM_LIMITS.telegram,
    render: (md) => renderChunks(md, 'telegram'),
    post: async (_ref, message) => {
      calls++;
      bytes += message.text.length;
      return String(calls);
    },
    edit: async (_ref, _id, message) => {
      calls++;
      bytes += message.text.length;
    },
  };
  const clock = new VirtualClock();
  const outbox = new Outbox({ transport, clock, logger: silentLogger, perChat, global });
  const events = burst();
  const started = performance.now();
  await clock.run(send(outbox, events));
  const ms = performance.now() - started;
  return { label, calls, bytes, simulatedMinutes: clock.now() / 60_000, ms };
}

const inputBytes = burst().reduce((n, e) => n + e.length, 0);
const coalesced = await run('outbox', async (outbox, events) => {
  await Promise.all(events.map((e) => outbox.output('topic-1', e)));
});
const baseline = await run('one call per event', async (outbox, events) => {
  // The baseline: every event its own message, sent as it comes (no coalescing possible).
  for (const e of events) await outbox.post('topic-1', { text: renderChunks(e, 'telegram')[0] ?? e });
});

console.log(`input: ${EVENTS} events, ${(inputBytes / 1e6).toFixed(2)} MB`);
for (const r of [baseline, coalesced]) {
  console.log(
    `${r.label.padEnd(20)} calls=${String(r.calls).padStart(5)}  platform time=${r.simulatedMinutes.toFixed(1)} min at Telegram's limits  CPU=${r.ms.toFixed(0)} ms`,
  );
}
console.log(
  `ratio calls (outbox / baseline): ${(coalesced.calls / baseline.calls).toFixed(4)}  (${(baseline.calls / coalesced.calls).toFixed(1)}x fewer)`,
);
console.log(
  `ratio time  (outbox / baseline): ${(coalesced.simulatedMinutes / baseline.simulatedMinutes).toFixed(4)}`,
);
