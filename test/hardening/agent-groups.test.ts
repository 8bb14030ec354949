/**
 * Hardening (issue 10, item 6): what an agent starts ends with it. `stop()` ends the agent's whole process group
 * even when the agent exits promptly on `stop`; and after the CLI itself is killed with SIGKILL (so nothing could
 * stop the agent), the next start on the same data dir ends the orphans.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubprocessRunner } from '../../src/runner/subprocess.js';
import {
  type CliProcess,
  type CliSandbox,
  createSandbox,
  killCli,
  RUN_ON_WEB,
  startCli,
} from '../cli/cli-process.js';
import { EventRecorder } from '../runner-contract/event-recorder.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

const AGENT = resolve('test/hardening/agents/starts-a-server.mjs');

/** A sleep length no other process on this machine uses. */
function uniqueMarker(): string {
  return `${4000 + (process.pid % 1000)}.${Math.floor(Math.random() * 1e6)}`;
}

function alive(marker: string): boolean {
  try {
    return (
      execFileSync('pgrep', ['-f', `sleep ${marker}`])
        .toString()
        .trim().length > 0
    );
  } catch {
    return false;
  }
}

const markers: string[] = [];
afterEach(() => {
  // End by pid the helpers these tests started (each marker is unique to this run), if a test left one.
  for (const marker of markers.splice(0)) {
    let pids: string[] = [];
    try {
      pids = execFileSync('pgrep', ['-f', `sleep ${marker}`])
        .toString()
        .trim()
        .split('\n');
    } catch {
      // None left (the point of these tests).
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
});

describe('agent process groups', () => {
  it('stop() ends what the agent started even when the agent exits at once on stop', async () => {
    const marker = uniqueMarker();
    markers.push(marker);
    const events = new EventRecorder();
    const runner = new SubprocessRunner(events, { command: process.execPath, args: [AGENT, marker] });
    await runner.start('s', '', 0);
    await events.waitForOutput('helper started');
    await expect.poll(() => alive(marker), { timeout: REAL_PROCESS_WAIT_MS }).toBe(true);
    expect(await runner.stop('s')).toBe(0);
    await expect.poll(() => alive(marker), { timeout: REAL_PROCESS_WAIT_MS }).toBe(false);
  });

  describe('the CLI killed with SIGKILL', () => {
    let sandbox: CliSandbox | undefined;
    let cli: CliProcess | undefined;
    afterEach(async () => {
      await killCli(cli);
      sandbox?.cleanup();
    });

    it('leaves the agent running, and the next start on the same data dir ends it', async () => {
      sandbox = createSandbox();
      const first = uniqueMarker();
      const second = uniqueMarker();
      markers.push(first, second);
      const run = (marker: string) =>
        startCli(
          [...RUN_ON_WEB, '--runner', 'subprocess', '--no-open', '--', process.execPath, AGENT, marker],
          sandbox?.env ?? {},
        );
      cli = run(first);
      await expect.poll(() => alive(first), { timeout: REAL_PROCESS_WAIT_MS }).toBe(true);
      cli.child.kill('SIGKILL');
      await cli.exited;
      // Nothing could stop it: the agent's helper lives on.
      await new Promise((r) => setTimeout(r, 500));
      expect(alive(first)).toBe(true);

      cli = run(second);
      await expect.poll(() => alive(second), { timeout: REAL_PROCESS_WAIT_MS }).toBe(true);
      await expect.poll(() => alive(first), { timeout: REAL_PROCESS_WAIT_MS }).toBe(false);
    });
  });
});
