/**
 * The outbox under random bursts and random platform failures (429s with retry-after, transient 5xx):
 * everything sent becomes visible, exactly once, in order, every message within the size limit, and the
 * rate limits are never exceeded. Runs on a virtual clock, FUZZ_RUNS cases (default 1,000).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlatformError, RateLimitedError } from '../../src/core/errors.js';
import { Outbox, type OutboxTransport } from '../../src/core/outbox.js';
import { silentLogger } from '../../src/core/types.js';
import { VirtualClock } from '../../src/testing/virtual-clock.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const LIMIT = 50;
const PER_CHAT = { count: 3, windowMs: 1000 };

type Fault = 'ok' | '429' | '5xx';

/** A fake platform: messages by id; each call consumes the next scripted fault. */
function platform(faults: Fault[], clock: VirtualClock) {
  const messages = new Map<string, string>();
  const order: string[] = [];
  const callTimes: number[] = [];
  let next = 0;
  const fail = (operation: string) => {
    const fault = faults[next++] ?? 'ok';
    if (fault === '429') throw new RateLimitedError('fake', operation, 700);
    if (fault === '5xx') throw new PlatformError('fake', operation, 'Bad Gateway', { retryable: true });
  };
  const transport: OutboxTransport = {
    platform: 'fake',
    messageLimit: LIMIT,
    // Split into fixed-size pieces: any split position is legal for this property.
    render: (md) => md.match(new RegExp(`[\\s\\S]{1,${LIMIT}}`, 'g')) ?? [],
    post: async (_ref, message) => {
      fail('post');
      callTimes.push(clock.now());
      const id = String(order.length + 1);
      messages.set(id, message.text);
      order.push(id);
      return id;
    },
    edit: async (_ref, id, message) => {
      fail('edit');
      callTimes.push(clock.now());
      if (!messages.has(id)) throw new PlatformError('fake', 'edit', 'message not found');
      messages.set(id, message.text);
    },
  };
  return { transport, visible: () => order.map((id) => messages.get(id) ?? ''), callTimes };
}

// At most 3 transient failures in a script, so the bounded retries (5 attempts a call) always succeed in the end;
// 429s are unbounded in number (each one waits its retry-after).
const faultScript = fc
  .array(fc.constantFrom<Fault>('ok', 'ok', 'ok', '429', '5xx'), { maxLength: 40 })
  .map((faults) => {
    let transient = 0;
    return faults.map((f) => (f === '5xx' && ++transient > 3 ? 'ok' : f));
  });

describe('outbox properties', () => {
  it('delivers every output exactly once, in order, within limits, under random faults', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z0-9 ]{1,80}$/), { minLength: 1, maxLength: 30 }),
        faultScript,
        fc.array(fc.nat(3), { maxLength: 30 }),
        async (outputs, faults, pauses) => {
          const clock = new VirtualClock();
          const fake = platform(faults, clock);
          const outbox = new Outbox({
            transport: fake.transport,
            clock,
            logger: silentLogger,
            perChat: PER_CHAT,
          });
          const sent = (async () => {
            const all: Promise<void>[] = [];
            for (const [i, text] of outputs.entries()) {
              all.push(outbox.output('thread', text));
              // Some outputs arrive in bursts, some after a pause (so streaming edits happen too).
              if ((pauses[i] ?? 0) > 2) await new Promise<void>((r) => clock.setTimeout(r, 400));
            }
            await Promise.all(all);
          })();
          await clock.run(sent);
          const visible = fake.visible();
          const strip = (s: string) => s.replace(/\s+/g, '');
          expect(strip(visible.join(''))).toBe(strip(outputs.join('')));
          for (const text of visible) expect(text.length).toBeLessThanOrEqual(LIMIT);
          // Never more than PER_CHAT.count successful calls within any window.
          for (const [i, t] of fake.callTimes.entries()) {
            const inWindow = fake.callTimes.slice(i).filter((u) => u < t + PER_CHAT.windowMs).length;
            expect(inWindow).toBeLessThanOrEqual(PER_CHAT.count);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
