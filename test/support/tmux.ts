/**
 * Drives a real terminal program through tmux (a private server per terminal): start it with an environment,
 * type, press keys, read the screen.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether tmux is installed. */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A program running in a tmux pane. */
export class TmuxTerminal {
  static #next = 0;
  readonly #socket = `tether-test-${process.pid}-${TmuxTerminal.#next++}`;

  /** Start `command` in `cwd` with exactly `env`. */
  constructor(command: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
    const vars = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    execFileSync('tmux', [
      '-L',
      this.#socket,
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      '160',
      '-y',
      '50',
      '-c',
      cwd,
      ...vars,
      command.map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' '),
    ]);
  }

  /** The visible screen as text. */
  screen(): string {
    try {
      return execFileSync('tmux', ['-L', this.#socket, 'capture-pane', '-p', '-t', 'main'], {
        encoding: 'utf8',
      });
    } catch {
      return '';
    }
  }

  /** Type text literally (no Enter). */
  type(text: string): void {
    execFileSync('tmux', ['-L', this.#socket, 'send-keys', '-t', 'main', '-l', text]);
  }

  /** Press keys by tmux name, e.g. `Enter`, `Escape`. */
  press(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.#socket, 'send-keys', '-t', 'main', ...keys]);
  }

  /**
   * Answer a dialog matching `dialog` with `key`, pressing again while it stays on screen: on a loaded machine a
   * key pressed as the dialog is drawn can be read before its input handler is ready, and is lost.
   */
  async answer(dialog: RegExp, key: string, tries = 4): Promise<void> {
    for (let i = 0; i < tries; i++) {
      this.press(key);
      const end = Date.now() + 8_000;
      while (Date.now() < end) {
        if (!dialog.test(this.screen())) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    throw new Error(
      `the dialog ${dialog} stayed on the terminal after ${tries} presses of ${key}:\n${this.screen()}`,
    );
  }

  /** Wait until the screen matches (polls every 200 ms). */
  async waitForScreen(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (pattern.test(text)) return text;
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} on the terminal:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * End the program and its tmux server, and wait (at most 10 s, then SIGKILL) until the program is gone, so
   * a test can delete the directories it was writing to.
   */
  kill(): void {
    let pid: number | undefined;
    try {
      pid = Number(
        execFileSync('tmux', ['-L', this.#socket, 'display-message', '-p', '-t', 'main', '#{pane_pid}'], {
          encoding: 'utf8',
        }).trim(),
      );
      execFileSync('tmux', ['-L', this.#socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    if (!pid) return;
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; isAlive(pid) && waited < 12_000; waited += 50) {
      if (waited === 10_000) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // it ended meanwhile
        }
      }
      Atomics.wait(sleeper, 0, 0, 50);
    }
  }
}

/** Whether a process runs (a zombie waiting for its new parent to reap it counts as gone). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
