/**
 * SubprocessRunner hygiene: stop() ends the agent and what it started; an agent that exits while a
 * background process still holds its pipes still ends its session; an endless line cannot exhaust memory.
 */
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/runner/line-reader.js';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import { EventRecorder } from '../runner-contract/event-recorder.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

function recorder() {
  const events = new EventRecorder();
  const done = events.waitFor('onExit').then((e) => e.args[0] as number | null);
  return { events, done };
}

const alive = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim().length > 0;
  } catch {
    return false;
  }
};

describe('SubprocessRunner hygiene', () => {
  it('stop() ends the agent and the processes it started', async () => {
    const marker = `sleep 4${process.pid % 1000}1`;
    const { events, done } = recorder();
    const runner = new SubprocessRunner(events, {
      command: 'sh',
      args: ['-c', `${marker} & wait`],
      stopGraceMs: 100,
    });
    await runner.start('s', '', 0);
    await expect.poll(() => alive(marker), { timeout: REAL_PROCESS_WAIT_MS }).toBe(true);
    await runner.stop('s');
    await done;
    await expect.poll(() => alive(marker), { timeout: REAL_PROCESS_WAIT_MS }).toBe(false);
  });

  it('an agent that exits while a background process holds its output still ends its session', async () => {
    const marker = `sleep 5${process.pid % 1000}2`;
    const { events, done } = recorder();
    const runner = new SubprocessRunner(events, { command: 'sh', args: ['-c', `(${marker} &) ; exit 7`] });
    await runner.start('s', '', 0);
    expect(await done).toBe(7);
    await runner.stop('s');
    execFileSync('pkill', ['-f', marker]);
  });

  it('a line longer than the cap is dropped and reported, the next lines still arrive', async () => {
    const lines: string[] = [];
    const dropped: number[] = [];
    const stream = Readable.from([
      Buffer.from('ok 1\n'),
      Buffer.from('x'.repeat(300)),
      Buffer.from('x'.repeat(300) + '\nok 2\r\nok 3'),
    ]);
    readLines(
      stream,
      (l) => lines.push(l),
      (n) => dropped.push(n),
      500,
    );
    await new Promise((r) => stream.on('end', r));
    expect(lines).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(dropped).toEqual([600]);
  });
});
