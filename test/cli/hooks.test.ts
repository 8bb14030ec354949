/**
 * `agent-tether hooks install|uninstall` and the Claude Code settings file it edits, when that file is not a
 * plain well-formed one: a symlink (dotfile managers), a planted file at a temporary name (a cloned
 * repository), JSON that is not what Claude Code expects. As a person runs it (the CLI) where the scope is the
 * home directory; `--scope project` through the function the CLI calls, which takes the project directory.
 */
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hooksCommand } from '../../src/cli/commands/hooks.js';
import { createCliLogger } from '../../src/cli/logger.js';
import { type CliSandbox, createSandbox } from './cli-process.js';

const OURS = 'http://127.0.0.1:8799/hooks/claude/';

describe('agent-tether hooks and the settings file', { timeout: 120_000 }, () => {
  let sandbox: CliSandbox;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(() => sandbox.cleanup());

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
});
