/**
 * `agent-tether hooks install|uninstall [--scope user|project|local] [--dry-run]`: put our http hooks into
 * the Claude Code settings file of the scope (or take only ours out), keeping everyone else's hooks. The
 * secret is never written there: the hooks read it from `$AGENT_TETHER_HOOK_TOKEN`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { defaultDataDir, prepareDataDir } from '../../core/store/data-dir.js';
import {
  addOurHooks,
  HOOK_TOKEN_ENV,
  type HookScope,
  hooksShapeProblem,
  installedPort,
  removeOurHooks,
  settingsPath,
} from '../../serve/claude-settings.js';
import { loadOrCreateSecret, readDaemon, secretPath } from '../../serve/daemon-files.js';
import { CliError } from '../errors.js';
import { loadSettings } from '../load-settings.js';
import type { CommandContext } from './context.js';
import { DEFAULT_SERVE_PORT } from './serve.js';

/** Options of `agent-tether hooks`. */
export interface HooksOptions {
  readonly scope: HookScope;
  readonly dryRun?: boolean;
  /** The control port the hooks call. @defaultValue the running serve's, else config `serve.port`, else 8788 */
  readonly port?: number;
  readonly config?: string;
  /** The project directory for `project` / `local`. @defaultValue the current directory */
  readonly cwd?: string;
}

/**
 * The file to edit for the settings path `path`: itself, or the file a symlink there points to (dotfile
 * managers link ~/.claude/settings.json into their repository: the link stays, its target gets the change).
 * A project's settings (`project`, `local` scopes) may link only to a file inside the project: a cloned
 * repository must not make us edit a file elsewhere.
 * @param project - the project directory, for the `project` and `local` scopes.
 * @throws CliError when the link points to nothing, or out of the project.
 */
function realSettingsPath(path: string, again: string, project: string | undefined): string {
  const link = lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  let real = path;
  if (link) {
    try {
      real = realpathSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const target = resolve(dirname(path), readlinkSync(path));
      throw new CliError(
        `${path} is a link to ${target}, which does not exist: create that file (it may hold just {}) or remove the link, then ${again}`,
        { cause: error },
      );
    }
  }
  if (project !== undefined) {
    if (!link) real = realPathOfNearest(path);
    // The file, or a directory on its way (`.claude` itself), may lead out of the project.
    const root = realpathSync(project);
    const inside = relative(root, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      throw new CliError(
        `${path} leads to ${real}, outside the project ${root}: replace the link with a file or directory (a repository should not make agent-tether edit files elsewhere), or use --scope user`,
      );
  }
  return link ? real : path;
}

/** `path` with every link on its way resolved, for a path whose last parts may not exist yet. */
function realPathOfNearest(path: string): string {
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    try {
      return join(realpathSync(at), ...missing.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
      missing.push(basename(at));
    }
  }
}

/**
 * The settings in the file at `path` (none when it is missing or empty).
 * @throws CliError when they are not JSON, or not in the shape Claude Code expects where our hooks go: we
 * would rather write nothing than guess.
 */
function readSettingsFile(path: string, again: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}): fix it, then ${again}`, {
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(`${path} should hold a JSON object: fix it, then ${again}`);
  const settings = parsed as Record<string, unknown>;
  const odd = hooksShapeProblem(settings);
  if (odd !== undefined)
    throw new CliError(
      `${path}: ${odd.problem}: fix it by hand (Claude Code expects ${odd.expected}), then ${again}`,
    );
  return settings;
}

/** Install or uninstall our hooks. */
export async function hooksCommand(
  action: 'install' | 'uninstall',
  options: HooksOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const { settings } = loadSettings({}, io.env, options.config);
  const dataDir = settings.dataDir ?? defaultDataDir(io.env);
  const cwd = resolve(options.cwd ?? process.cwd());
  const path = settingsPath(options.scope, cwd, io.env.HOME ?? homedir());
  const again = `run \`agent-tether hooks ${action}\` again`;
  const project = options.scope === 'user' ? undefined : cwd;
  const file = realSettingsPath(path, again, project);
  const shown = file === path ? path : `${path} (a link to ${file})`;
  const before = readSettingsFile(file, again);
  const port = options.port ?? readDaemon(dataDir)?.port ?? settings.serve?.port ?? DEFAULT_SERVE_PORT;
  const after = action === 'install' ? addOurHooks(before, port) : removeOurHooks(before);
  const changed = JSON.stringify(before) !== JSON.stringify(after);
  if (options.dryRun) {
    io.out(changed ? `Would write ${shown}:` : `${shown} already says this; nothing to change.`);
    if (changed) io.out(JSON.stringify(after, null, 2));
    return 0;
  }
  if (action === 'install') {
    // The secret the hooks will send exists from now on (serve reuses it), so the profile line works at once;
    // made (or refused, when others may read it) before anything is written.
    prepareDataDir(dataDir);
    loadOrCreateSecret(dataDir);
  }
  if (changed) writeSettingsFile(file, `${JSON.stringify(after, null, 2)}\n`);
  if (action === 'uninstall') {
    io.out(
      changed
        ? `Removed agent-tether's hooks from ${shown} (other hooks kept).`
        : `No agent-tether hooks in ${shown}.`,
    );
    return 0;
  }
  io.out(
    changed
      ? `Installed agent-tether's hooks in ${shown} (port ${port}; other hooks kept).`
      : `Already installed in ${shown} (port ${installedPort(after)}).`,
  );
  io.out(
    `The hooks send the secret from $${HOOK_TOKEN_ENV}; the file holds only the variable's name. Add this line to your shell profile (~/.bashrc, ~/.zshrc):`,
  );
  io.out(`  export ${HOOK_TOKEN_ENV}="$(cat '${secretPath(dataDir)}' 2>/dev/null)"`);
  io.out(
    'Then start `agent-tether serve` and run `claude` as usual. Without serve (or the variable), Claude Code works as before.',
  );
  return 0;
}

/**
 * Replace the file at `path` with `text` atomically: write a new file beside it, then rename it over. The new
 * file has a random name and is created exclusively (O_EXCL), so it is never an existing file or a link planted
 * there (a cloned repository's `.claude/` is not ours); it is removed again if anything fails. It gets the old
 * file's permissions, or 0600 for a new one.
 */
function writeSettingsFile(path: string, text: string): void {
  const directory = dirname(path);
  mkdirSync(directory, { recursive: true });
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : 0o600;
  const temporary = join(directory, `${basename(path)}.agent-tether-${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, text);
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
