import { describe, expect, it } from 'vitest';
import { renderChunks } from '../format/index.js';
import { VirtualClock } from '../testing/virtual-clock.js';
import { Outbox, type OutboxTransport } from './outbox.js';
import { OUTBOX_BOUNDS } from './outbox-backlog.js';
import { silentLogger } from './types.js';

/** A Telegram-like platform on a virtual clock: what the person sees, in order. */
function platform(clock: VirtualClock) {
  const seen: { text: string; at: number; card: boolean }[] = [];
  let renders = 0;
  const transport: OutboxTransport = {
    platform: 'fake',
    messageLimit: 4096,
    render: (md) => {
      renders++;
      return renderChunks(md, 'telegram');
    },
    post: async (_ref, message) => {
      seen.push({ text: message.text, at: clock.now(), card: message.buttons !== undefined });
      return String(seen.length);
    },
    edit: async (_ref, id, message) => {
      const entry = seen[Number(id) - 1];
      if (entry) entry.text = message.text;
    },
  };
  const outbox = new Outbox({
    transport,
    clock,
    logger: silentLogger,
    perChat: [
      { count: 1, windowMs: 1000 },
      { count: 20, windowMs: 60_000 },
    ],
  });
  return { outbox, seen, renders: () => renders };
}

const line = (i: number) => `build step ${i}: compiled src/module${i % 97}.ts and ran its tests (all green)`;

describe('outbox backlog: an agent printing faster than the platform accepts', () => {
  it('holds a bounded backlog, keeps the newest output and says how many lines it omitted', async () => {
    const clock = new VirtualClock();
    const { outbox, seen } = platform(clock);
    let maxBacklog = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxHeap = 0;
    const flood = (async () => {
      let last: Promise<void> = Promise.resolve();
      // 30 MB: 400,000 lines of ~75 characters, handed over faster than any platform takes them.
      for (let i = 0; i < 400_000; i++) {
        last = outbox.output('t', line(i));
        if (i % 1000 === 0) maxBacklog = Math.max(maxBacklog, outbox.backlog('t'));
        if (i % 50_000 === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed - heapBefore);
      }
      await last;
    })();
    await clock.run(flood);
    await clock.run(outbox.drain());
    expect(maxBacklog).toBeLessThanOrEqual(OUTBOX_BOUNDS.threadChars + 200);
    const all = seen.map((m) => m.text).join('\n');
    expect(all).toContain(line(399_999));
    expect(all).toMatch(/… [\d,]+ lines omitted …/);
    // Far fewer messages than 30 MB would need (~7,500): the backlog bound, not the agent, decides.
    expect(seen.length).toBeLessThan(2000);
    expect(maxHeap).toBeLessThan(400e6);
  }, 120_000);

  it('a card jumps ahead of megabytes of queued output and the rest is coalesced while it waits', async () => {
    const clock = new VirtualClock();
    const { outbox, seen } = platform(clock);
    const work = (async () => {
      const output: Promise<void>[] = [];
      for (let i = 0; i < 50_000; i++) output.push(outbox.output('t', line(i)));
      // Let the first batch start going out, then the agent asks for approval.
      await new Promise((r) => setImmediate(r));
      const card = outbox.post(
        't',
        { text: 'Allow Bash: rm -rf build?', buttons: [[{ label: 'Allow', payload: 'x' }]] },
        { priority: true },
      );
      for (let i = 50_000; i < 60_000; i++) output.push(outbox.output('t', line(i)));
      await card;
      const cardAt = seen.findIndex((m) => m.card);
      await Promise.all(output);
      return cardAt;
    })();
    const cardAt = await clock.run(work);
    // Visible after at most a handful of output messages (not after the ~1,100 that 4 MB needs).
    expect(cardAt).toBeGreaterThanOrEqual(0);
    expect(cardAt).toBeLessThanOrEqual(OUTBOX_BOUNDS.messagesWhileCardWaits + 2);
    const all = seen.map((m) => m.text).join('\n');
    expect(all).toContain(line(59_999));
    expect(all).toMatch(/lines omitted/);
  }, 120_000);

  it('renders a huge hostile output in slices: the event loop serves other work in between', async () => {
    const clock = new VirtualClock();
    const { outbox, renders } = platform(clock);
    const hostile = '*_'.repeat(100_000) + '\n\n' + '*a'.repeat(100_000);
    let rendersWhenServed = -1;
    const sent = outbox.output('t', hostile);
    // Another session's tap arrives (as I/O does) while the output renders.
    const tap = new Promise<void>((resolve) =>
      setImmediate(() => {
        rendersWhenServed = renders();
        resolve();
      }),
    );
    await clock.run(Promise.all([sent, tap]));
    expect(rendersWhenServed).toBeGreaterThanOrEqual(0);
    // The tap was served while rendering was still under way, not after it.
    expect(rendersWhenServed).toBeLessThan(renders());
  }, 120_000);
});
