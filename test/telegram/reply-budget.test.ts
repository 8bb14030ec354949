/**
 * Issue 11 item 13: on Telegram a typed `/stop` was answered only ~16 s later. The agent's output had used the
 * group's 20 messages a minute, and the reply waited behind the output call queued at the rate limiter. A reply
 * to a person must go ahead of queued output, and the limiter keeps part of the budget for such replies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelegramBridge } from '../../src/telegram/index.js';
import { JumpClock } from '../support/jump-clock.js';
import { botMessages, bridgeOn, type FakeWorld, say, startFake, waitForButton } from './telegram-world.js';

let world: FakeWorld;
let bridge: TelegramBridge;
let clock: JumpClock;

afterEach(async () => {
  // Whatever output is still queued may go: the window reopens.
  clock.advance(120_000);
  await bridge.stop();
  await world.fake.stop();
});

const texts = (thread: string) => botMessages(world, thread).map((m) => m.text);

/**
 * The agent prints one line a second for 20 seconds: the group's budget for output (20 a minute, less what is
 * kept for replies) is used up, and the last lines wait for the minute window.
 */
async function printUntilBudgetIsUsed(threads: readonly string[]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const thread = threads[i % threads.length] as string;
    const shown = bridge.sendOutput(thread, `line ${i}`);
    clock.advance(1100);
    // The first 16 fit the output's share of the minute; the rest may wait for the window.
    if (i < 16) await shown;
    else await Promise.race([shown, new Promise((resolve) => setTimeout(resolve, 300))]);
  }
}

describe('replies to a person on a busy Telegram group', () => {
  it('a typed /stop is answered at once although the output used the minute budget; the output follows', async () => {
    clock = new JumpClock();
    world = await startFake();
    let stopped = 0;
    bridge = bridgeOn(world, {
      clock,
      handlers: {
        onStopRequest: () => {
          stopped++;
          return '🛑 Stopping the agent.';
        },
      },
    });
    await bridge.start();
    const agent = await bridge.createThread('Busy agent');
    const other = await bridge.createThread('Other agent');
    await printUntilBudgetIsUsed([agent, other]);

    // More output is queued (it has to wait for the minute window), then the person types /stop.
    const more = bridge.sendOutput(agent, 'still printing');
    clock.advance(1100);
    say(world, agent, '/stop');
    await world.fake.waitFor(() => stopped === 1, { what: 'the stop request' });
    clock.advance(1100);
    await world.fake.waitFor(() => texts(agent).some((t) => t.includes('🛑 Stopping the agent.')), {
      what: 'the answer to /stop within a second of fake time',
      timeoutMs: 10_000,
    });
    expect(texts(agent).join('\n')).not.toContain('still printing');

    clock.advance(61_000);
    await more;
    const all = texts(agent);
    const reply = all.findIndex((t) => t.includes('🛑 Stopping the agent.'));
    const output = all.findIndex((t) => t.includes('still printing'));
    expect(reply).toBeGreaterThanOrEqual(0);
    expect(output).toBeGreaterThan(reply);
  });

  it('an approval card posted while the budget is used up arrives at once', async () => {
    clock = new JumpClock();
    world = await startFake();
    bridge = bridgeOn(world, { clock });
    await bridge.start();
    const agent = await bridge.createThread('Busy agent');
    await printUntilBudgetIsUsed([agent]);
    void bridge.sendOutput(agent, 'still printing');
    clock.advance(1100);
    const decision = bridge.requestApproval(agent, { toolName: 'Bash', input: { command: 'ls' } });
    clock.advance(1100);
    await waitForButton(world, agent, 'Allow', 10_000);
    void decision.catch(() => undefined);
  });
});
