/**
 * Runs the real `agent-tether` executable as a subprocess, the way a person runs it, and keeps what it
 * prints. It runs the built `dist/cli/index.js` when dist/ is a build of the current sources (CI builds
 * first), otherwise the TypeScript entry through tsx (always the current source). `CLI_TEST_BUILT=1` forces
 * the build, `CLI_TEST_BUILT=0` the sources.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { distIsFresh } from '../support/built.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

const BUILT_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'index.js');

/**
 * True when `dist/` is a build of the current sources (as in CI, which builds before testing): a test starting
 * several CLIs at once may run the built one, which starts several times faster than through tsx.
 */
export const builtCliIsFresh = distIsFresh;

const useBuild = process.env.CLI_TEST_BUILT === '1' || (process.env.CLI_TEST_BUILT !== '0' && distIsFresh());
const ENTRY = useBuild ? [BUILT_ENTRY] : ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'index.ts')];

/**
 * `run` on the web page at a free port. Only the test of the page's stable address uses the default port
 * (8787): tests run side by side, and two of them on 8787 would see each other's "Port 8787 is in use".
 */
export const RUN_ON_WEB = ['run', '--platform', 'web', '--port', '0'] as const;

/** A running CLI. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Wait (bounded) until stdout matches; resolves with the match. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Wait (bounded) until stderr matches (stdout and stderr are two pipes: one may arrive before the other). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Write a line to its stdin. */
  type(line: string): void;
}

/** A private HOME / data dir / config path per test, removed by `cleanup()`. */
export interface CliSandbox {
  readonly dir: string;
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Make a sandbox whose environment has no platform settings from the machine running the tests. */
export function createSandbox(): CliSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tether-cli-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TELEGRAM|SLACK|DISCORD|AGENT_TETHER|LOG_LEVEL|XDG_|ANTHROPIC_|CLAUDE_)/.test(key)) continue;
    env[key] = value;
  }
  const configPath = join(dir, 'config', 'agent-tether', 'config.json');
  Object.assign(env, {
    HOME: dir,
    AGENT_TETHER_HOME: join(dir, 'data'),
    AGENT_TETHER_CONFIG: configPath,
    NO_COLOR: '1',
  });
  return { dir, configPath, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Start `agent-tether <args>` in the repository root.
 * @param options.preferBuilt - run the built CLI when {@link builtCliIsFresh}.
 */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { preferBuilt?: boolean } = {},
): CliProcess {
  const entry = options.preferBuilt && builtCliIsFresh() ? [BUILT_ENTRY] : ENTRY;
  const child = spawn(process.execPath, [...entry, ...args], { cwd: REPO_ROOT, env, stdio: 'pipe' });
  let out = '';
  let err = '';
  const wakers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const wake of wakers) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const wake of wakers) wake();
  });
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code) => {
      for (const wake of wakers) wake();
      resolveExit(code);
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const waitFor = (text: () => string, pattern: RegExp, timeoutMs = REAL_PROCESS_WAIT_MS) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const check = () => {
        const match = text().match(pattern);
        if (match) {
          done();
          resolveMatch(match);
        } else if (hasExited || child.exitCode !== null) {
          done();
          reject(new Error(`the CLI exited before printing ${pattern}:\n${out}\n${err}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        wakers.delete(check);
      };
      wakers.add(check);
      check();
    });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    type: (line) => child.stdin.write(`${line}\n`),
    waitForStdout: (pattern, timeoutMs) => waitFor(() => out, pattern, timeoutMs),
    waitForStderr: (pattern, timeoutMs) => waitFor(() => err, pattern, timeoutMs),
  };
}

/** Run `agent-tether <args>` to the end. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { preferBuilt?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, env, options);
  cli.child.stdin?.end();
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Stop a CLI still running at the end of a test. */
export async function killCli(cli: CliProcess | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  cli.child.kill('SIGKILL');
  await cli.exited;
}
