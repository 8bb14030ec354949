/**
 * An empty project with the packed `agent-tether` tarball and exactly the packages the README's install block
 * names: built once per test file (npm pack + one npm install), then shared by its tests.
 * The README's Claude SDK line is left out of the install (a 500 MB package whose snippets need a real account):
 * `linkFromRepository` links it (and ioredis, which the README's "Several machines" section installs) from the
 * repository's node_modules, so the snippets that import them typecheck here too. better-sqlite3's native build takes minutes on this machine, so the install
 * skips install scripts and reuses the repository's compiled module when the versions match (the same file
 * `prebuild-install`/`node-gyp` would produce); otherwise it runs `npm rebuild better-sqlite3`.
 */
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, readmeBlocks, readReadme } from '../readme/readme-snippets.js';
import { distIsFresh } from '../support/built.js';

const run = promisify(execFile);

/** Packages the README's "Install as a library" block installs, besides agent-tether itself. */
export function readmeInstallPackages(): string[] {
  const readme = readReadme();
  const section = readme.slice(readme.indexOf('## Install as a library'));
  const block = readmeBlocks(section).find((b) => b.lang === 'bash');
  if (block === undefined) throw new Error('README: no bash block under "Install as a library"');
  const packages: string[] = [];
  for (const line of block.code.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'npm' || words[1] !== 'install') continue;
    packages.push(...words.slice(2).filter((w) => !w.startsWith('-')));
  }
  return packages;
}

/** Packages the tests themselves need in the project (running and typechecking TypeScript). */
const TOOLING = ['tsx', 'typescript', '@types/node@20'];
/** README packages not installed here (see the module comment). */
const LEFT_OUT = new Set(['@anthropic-ai/claude-agent-sdk']);

/** The installed project. */
export interface PackedProject {
  readonly dir: string;
  /** The packages installed from the README's lines. */
  readonly readmePackages: readonly string[];
  /** Copy a repository file into the project (same relative path). */
  copy(file: string): string;
  /** Make packages of the repository's node_modules available in the project (symlinks; no download). */
  linkFromRepository(packages: readonly string[]): void;
  remove(): Promise<void>;
}

/** Pack the repository and install the tarball plus the README's packages into a new empty project. */
export async function createPackedProject(): Promise<PackedProject> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-tether-packed-'));
  const packDir = join(dir, '.pack');
  mkdirSync(packDir);
  // `npm pack` builds first (prepack); CI has just built, so a dist/ newer than every source is packed as is.
  const skipBuild = distIsFresh() ? ['--ignore-scripts'] : [];
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', packDir, ...skipBuild], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const tarball = join(packDir, stdout.trim().split('\n').at(-1) as string);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'empty-project', private: true, type: 'module' })}\n`,
  );
  const readmePackages = readmeInstallPackages().filter((p) => p !== 'agent-tether' && !LEFT_OUT.has(p));
  await run(
    'npm',
    [
      'install',
      tarball,
      ...readmePackages,
      ...TOOLING,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
    ],
    { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
  );
  await provideSqliteBinary(dir);
  return {
    dir,
    readmePackages,
    copy: (file) => {
      const target = join(dir, file);
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(join(REPO_ROOT, file), target);
      return target;
    },
    linkFromRepository: (packages) => {
      for (const name of packages) {
        const target = join(dir, 'node_modules', name);
        if (existsSync(target)) continue;
        mkdirSync(join(target, '..'), { recursive: true });
        symlinkSync(join(REPO_ROOT, 'node_modules', name), target, 'dir');
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function provideSqliteBinary(dir: string): Promise<void> {
  const version = (root: string) =>
    (
      JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const binary = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  if (version(dir) === version(REPO_ROOT)) {
    mkdirSync(join(dir, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    copyFileSync(join(REPO_ROOT, binary), join(dir, binary));
  } else {
    await run('npm', ['rebuild', 'better-sqlite3'], { cwd: dir });
  }
}

/** A process started in the project, with what it printed. */
export interface ProjectProcess {
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/** Run `node <args>` in the project (e.g. `--import tsx file.ts`). */
export function startInProject(
  dir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): ProjectProcess {
  const child = spawn(process.execPath, [...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', AGENT_TETHER_HOME: join(dir, '.data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal) => child.kill(signal),
    waitForStdout: async (pattern, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null)
          throw new Error(`exited (${child.exitCode}) before ${pattern}:\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Run to the end; returns the exit code and output. */
export async function runInProject(
  dir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startInProject(dir, args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
