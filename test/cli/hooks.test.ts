/**
 * `agent-tether hooks install|uninstall` and the Claude Code settings file it edits, when that file is not a
 * plain well-formed one: a symlink (dotfile managers), a planted file at a temporary name (a cloned
 * repository), JSON that is not what Claude Code expects. As a person runs it (the CLI) where the scope is the
 * home directory; `--scope project` through the function the CLI calls, which takes the project directory.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hooksCommand } from '../../src/cli/commands/hooks.js';
import { createCliLogger } from '../../src/cli/logger.js';
import { type CliSandbox, createSandbox, runCli } from './cli-process.js';

const THEIRS = { matcher: 'Bash', hooks: [{ type: 'command', command: 'my-guard.sh' }] };
const OURS = 'http://127.0.0.1:8799/hooks/claude/';

function writeJson(path: string, value: unknown, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  chmodSync(path, mode);
}

describe('agent-tether hooks and the settings file', { timeout: 120_000 }, () => {
  let sandbox: CliSandbox;
  let userSettings: string;
  beforeEach(() => {
    sandbox = createSandbox();
    userSettings = join(sandbox.dir, '.claude', 'settings.json');
  });
  afterEach(() => sandbox.cleanup());

  const secretFile = () => join(sandbox.env.AGENT_TETHER_HOME ?? '', 'control-secret');

  it('--scope project never writes through a file a repository planted at a temporary name', async () => {
    const project = join(sandbox.dir, 'cloned-repo');
    const victim = join(sandbox.dir, 'bashrc');
    writeFileSync(victim, 'export PATH=$HOME/bin:$PATH\n');
    mkdirSync(join(project, '.claude'), { recursive: true });
    symlinkSync(victim, join(project, '.claude', 'settings.json.agent-tether.tmp'));
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const context = { io: { ...io, interactive: false, env: sandbox.env }, logger: createCliLogger() };
    const options = { scope: 'project', cwd: project, port: 8799 } as const;
    expect(await hooksCommand('install', options, context)).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
    const settings = join(project, '.claude', 'settings.json');
    expect(lstatSync(settings).isFile()).toBe(true);
    expect(readFileSync(settings, 'utf8')).toContain(`${OURS}PreToolUse`);
    expect(statSync(settings).mode & 0o777).toBe(0o600);
    expect(await hooksCommand('uninstall', options, context)).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
    // No temporary file of ours is left behind.
    expect(readdirSync(join(project, '.claude')).sort()).toEqual([
      'settings.json',
      'settings.json.agent-tether.tmp',
    ]);
  });

  it('--scope project refuses a settings link that leads out of the project; one inside it is followed', async () => {
    const project = join(sandbox.dir, 'cloned-repo');
    const elsewhere = join(sandbox.dir, '.config', 'some-tool.json');
    writeJson(elsewhere, { theme: 'dark' }, 0o644);
    mkdirSync(join(project, '.claude'), { recursive: true });
    const settings = join(project, '.claude', 'settings.json');
    symlinkSync(elsewhere, settings);
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const context = { io: { ...io, interactive: false, env: sandbox.env }, logger: createCliLogger() };
    const options = { scope: 'project', cwd: project, port: 8799 } as const;
    await expect(hooksCommand('install', options, context)).rejects.toThrow(
      /settings\.json leads to .*some-tool\.json, outside the project .*cloned-repo.*: replace the link with a file .*or use --scope user/,
    );
    expect(JSON.parse(readFileSync(elsewhere, 'utf8'))).toEqual({ theme: 'dark' });
    expect(lstatSync(settings).isSymbolicLink()).toBe(true);
    // A link inside the project (a shared file the repository keeps elsewhere in its tree) is followed.
    const shared = join(project, 'config', 'claude.json');
    writeJson(shared, {}, 0o644);
    rmSync(settings);
    symlinkSync(shared, settings);
    expect(await hooksCommand('install', options, context)).toBe(0);
    expect(readFileSync(shared, 'utf8')).toContain(`${OURS}PreToolUse`);
    expect(lstatSync(settings).isSymbolicLink()).toBe(true);
  });

  it('--scope project refuses a .claude directory that is a link out of the project', async () => {
    const project = join(sandbox.dir, 'cloned-repo');
    const elsewhere = join(sandbox.dir, 'elsewhere');
    writeJson(join(elsewhere, 'settings.json'), { model: 'x' }, 0o644);
    mkdirSync(project, { recursive: true });
    symlinkSync(elsewhere, join(project, '.claude'));
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    const context = { io: { ...io, interactive: false, env: sandbox.env }, logger: createCliLogger() };
    const options = { scope: 'project', cwd: project, port: 8799 } as const;
    await expect(hooksCommand('install', options, context)).rejects.toThrow(/outside the project/);
    expect(JSON.parse(readFileSync(join(elsewhere, 'settings.json'), 'utf8'))).toEqual({ model: 'x' });
  });

  it('a control secret others may read is refused before the settings file is written', async () => {
    mkdirSync(dirname(secretFile()), { recursive: true });
    writeFileSync(secretFile(), 'x'.repeat(43));
    chmodSync(secretFile(), 0o644);
    const install = await runCli(['hooks', 'install', '--port', '8799'], sandbox.env);
    expect(install.code).toBe(1);
    expect(install.stderr).toContain('chmod 600');
    expect(existsSync(userSettings)).toBe(false);
  });

  it('a symlinked settings.json (a dotfile manager) stays a link; its target gets the change, modes kept', async () => {
    const target = join(sandbox.dir, 'dotfiles', 'claude', 'settings.json');
    const original = { model: 'opus', hooks: { PreToolUse: [THEIRS] } };
    writeJson(target, original, 0o644);
    mkdirSync(dirname(userSettings), { recursive: true });
    symlinkSync(target, userSettings);
    const install = await runCli(['hooks', 'install', '--port', '8799'], sandbox.env);
    expect(install.code).toBe(0);
    expect(install.stdout).toContain(`in ${userSettings} (a link to ${realpathSync(target)})`);
    expect(lstatSync(userSettings).isSymbolicLink()).toBe(true);
    const installed = JSON.parse(readFileSync(target, 'utf8'));
    expect(installed.hooks.PreToolUse[0]).toEqual(THEIRS);
    expect(installed.hooks.PreToolUse[1].hooks[0].url).toBe(`${OURS}PreToolUse`);
    expect(statSync(target).mode & 0o777).toBe(0o644);
    const uninstall = await runCli(['hooks', 'uninstall'], sandbox.env);
    expect(uninstall.code).toBe(0);
    expect(lstatSync(userSettings).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(original);
    expect(readdirSync(dirname(target))).toEqual(['settings.json']);
    expect(readdirSync(dirname(userSettings))).toEqual(['settings.json']);
  });

  it('a new settings file is 0600; an existing one keeps its mode', async () => {
    expect((await runCli(['hooks', 'install', '--port', '8799'], sandbox.env)).code).toBe(0);
    expect(statSync(userSettings).mode & 0o777).toBe(0o600);
    chmodSync(userSettings, 0o640);
    expect((await runCli(['hooks', 'uninstall'], sandbox.env)).code).toBe(0);
    expect(JSON.parse(readFileSync(userSettings, 'utf8'))).toEqual({});
    expect(statSync(userSettings).mode & 0o777).toBe(0o640);
  });

  it('refuses a symlinked settings.json whose target is missing, creating nothing', async () => {
    const target = join(sandbox.dir, 'dotfiles', 'gone.json');
    mkdirSync(dirname(userSettings), { recursive: true });
    symlinkSync(target, userSettings);
    const result = await runCli(['hooks', 'install', '--port', '8799'], sandbox.env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error: ${userSettings} is a link to ${target}, which does not exist: create that file (it may hold just {}) or remove the link, then run \`agent-tether hooks install\` again`,
    );
    expect(lstatSync(userSettings).isSymbolicLink()).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(secretFile())).toBe(false);
  });

  const ALL = [['install'], ['install', '--dry-run'], ['uninstall']];
  const refusals: { what: string; content: unknown; says: RegExp; runs?: string[][] }[] = [
    {
      what: 'an event holding an object',
      content: { hooks: { PreToolUse: [THEIRS], Stop: { matcher: '', hooks: [] } } },
      says: /: "hooks\.Stop" is an object, not a list: fix it by hand \(Claude Code expects a list of matchers\), then run `agent-tether hooks (install|uninstall)` again$/,
      runs: ALL,
    },
    {
      what: 'hooks set to a string',
      content: { model: 'opus', hooks: 'disabled' },
      says: /: "hooks" is a string, not an object: fix it by hand \(Claude Code expects an object of hook events\), then run `agent-tether hooks (install|uninstall)` again$/,
      runs: ALL,
    },
    {
      what: 'hooks set to null',
      content: { hooks: null },
      says: /: "hooks" is null, not an object: /,
    },
    {
      what: 'text that is not JSON',
      content: '{ "model": "opus", }',
      says: / is not valid JSON \(.*\): fix it, then run `agent-tether hooks (install|uninstall)` again$/,
    },
    {
      what: 'a list instead of an object',
      content: [],
      says: / should hold a JSON object: fix it, then run `agent-tether hooks (install|uninstall)` again$/,
    },
  ];
  for (const { what, content, says, runs = [['install']] } of refusals) {
    it(`refuses a settings file with ${what} in one line, writing nothing`, async () => {
      writeJson(userSettings, content, 0o644);
      const before = readFileSync(userSettings, 'utf8');
      for (const args of runs) {
        const result = await runCli(['hooks', ...args, '--port', '8799'], sandbox.env);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trim().split('\n');
        expect(lines, result.stderr).toHaveLength(1);
        expect(lines[0]?.startsWith(`error: ${userSettings}`), lines[0]).toBe(true);
        expect(lines[0]).toMatch(says);
        expect(lines[0]).toContain(`\`agent-tether hooks ${args[0]}\` again`);
      }
      expect(readFileSync(userSettings, 'utf8')).toBe(before);
      expect(statSync(userSettings).mode & 0o777).toBe(0o644);
      expect(readdirSync(dirname(userSettings))).toEqual(['settings.json']);
      expect(existsSync(secretFile())).toBe(false);
    });
  }
});
