/**
 * The base bridge's lifecycle edges, as a person and an operator would meet them: a stop that a silent
 * platform cannot hold forever, a failing disconnect that is logged, a tap whose handling throws still answered.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../testing/virtual-clock.js';
import { deferred, rejectAfter, settleWithin } from './lifecycle.js';
import { MemoryBridge, type MemoryBridgeOptions } from './memory-bridge.js';
import type { OutboxTransport } from './outbox.js';
import { MemoryStore } from './store/memory.js';
import type { Logger } from './types.js';

/** A memory platform that can stop answering (every post then hangs) and fail to disconnect. */
class FlakyPlatform extends MemoryBridge {
  silent = false;
  failDisconnect = false;

  constructor(options: MemoryBridgeOptions) {
    super(options);
  }

  protected override createTransport(): OutboxTransport {
    const inner = super.createTransport();
    return {
      ...inner,
      post: (threadId, message) =>
        this.silent ? new Promise<string>(() => {}) : inner.post(threadId, message),
    };
  }

  protected override async disconnect(): Promise<void> {
    if (this.failDisconnect) throw new Error('socket already closed');
  }
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (_fields: object, message: string) => lines.push(`${level}: ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('stopping a bridge', () => {
  it('does not wait forever for output a platform that stopped answering will never take', async () => {
    const clock = new VirtualClock();
    const logger = recordingLogger();
    const bridge = new FlakyPlatform({ clock, logger, stopDrainMs: 5000 });
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    bridge.silent = true;
    void bridge.sendOutput(thread, 'this never arrives').catch(() => undefined);
    await clock.run(bridge.stop());
    expect(bridge.running).toBe(false);
    expect(clock.now()).toBeGreaterThanOrEqual(5000);
    expect(logger.lines).toContain(
      'warn: output was still queued when the bridge stopped: it was not delivered',
    );
  }, 15_000);

  it('logs a failing disconnect and is stopped anyway', async () => {
    const logger = recordingLogger();
    const bridge = new FlakyPlatform({ logger });
    await bridge.start();
    bridge.failDisconnect = true;
    await bridge.stop();
    expect(bridge.running).toBe(false);
    expect(logger.lines.some((line) => line.startsWith('warn: disconnecting failed'))).toBe(true);
    await expect(bridge.waitUntilStopped()).resolves.toBeUndefined();
  });
});

describe('a bridge before start()', () => {
  it('already lists its commands: the built-ins, the rules command and the custom ones', () => {
    const bridge = new MemoryBridge({
      commands: { deploy: { description: 'Deploy staging', handler: () => 'Deploying…' } },
    });
    const names = bridge.commands.list().map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['help', 'status', 'stop', 'rules', 'deploy']));
    expect(bridge.commands.helpText()).toContain('/deploy — Deploy staging');
  });
});

describe('a tap whose handling throws', () => {
  it('is still answered: the person is told something went wrong', async () => {
    class FailingDecisionStore extends MemoryStore {
      override resolvePending(): boolean {
        throw new Error('disk I/O error');
      }
    }
    const logger = recordingLogger();
    const bridge = new MemoryBridge({ store: new FailingDecisionStore(), logger });
    await bridge.start();
    const thread = await bridge.createThread('Repo');
    void bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } }).catch(() => {});
    await bridge.settle();
    const answer = await bridge.userTaps(thread, 'Allow');
    expect(answer).toMatchObject({ alert: true, text: expect.stringMatching(/Something went wrong/) });
    expect(logger.lines).toContain('error: handling a button tap failed');
    await bridge.stop();
  });
});

describe('lifecycle helpers', () => {
  it('bound a wait on the injected clock', async () => {
    const clock = new VirtualClock();
    const never = new Promise<string>(() => {});
    await expect(clock.run(settleWithin(never, 1000, clock))).resolves.toEqual({ timedOut: true });
    await expect(settleWithin(Promise.resolve('done'), 1000, clock)).resolves.toEqual({
      timedOut: false,
      value: 'done',
    });
    const late = rejectAfter(never, 1000, () => new Error('no answer'), clock);
    const failed = expect(late).rejects.toThrow('no answer');
    await clock.run(late.catch(() => undefined));
    await failed;
  });

  it('settle a deferred once', async () => {
    const gate = deferred<number>();
    expect(gate.settled).toBe(false);
    gate.resolve(1);
    gate.resolve(2);
    expect(gate.settled).toBe(true);
    await expect(gate.promise).resolves.toBe(1);
  });
});
