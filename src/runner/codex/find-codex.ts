/**
 * Finds the Codex CLI: an explicit path, the native binary of an installed `@openai/codex` (its platform
 * package, which starts about a second faster than the `codex` launcher script), or `codex` on PATH.
 * @module
 */

import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { RunnerUnavailableError } from '../errors.js';

/** The npm package of the Codex CLI. */
export const CODEX_PACKAGE = '@openai/codex';

/** The install command named in errors. */
export const CODEX_INSTALL = `npm install ${CODEX_PACKAGE}`;

/** Rust target triples of Codex's platform packages, by `${platform}-${arch}`. */
const TARGETS: Record<string, { pkg: string; triple: string }> = {
  'linux-x64': { pkg: '@openai/codex-linux-x64', triple: 'x86_64-unknown-linux-musl' },
  'linux-arm64': { pkg: '@openai/codex-linux-arm64', triple: 'aarch64-unknown-linux-musl' },
  'darwin-x64': { pkg: '@openai/codex-darwin-x64', triple: 'x86_64-apple-darwin' },
  'darwin-arm64': { pkg: '@openai/codex-darwin-arm64', triple: 'aarch64-apple-darwin' },
  'win32-x64': { pkg: '@openai/codex-win32-x64', triple: 'x86_64-pc-windows-msvc' },
  'win32-arm64': { pkg: '@openai/codex-win32-arm64', triple: 'aarch64-pc-windows-msvc' },
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The native binary shipped in the installed platform package, if any. */
function nativeBinary(from: string): string | undefined {
  const target = TARGETS[`${process.platform}-${process.arch}`];
  if (target === undefined) return undefined;
  try {
    const require = createRequire(from);
    // The platform package is a dependency of @openai/codex; resolve it from there first.
    const launcher = require.resolve(`${CODEX_PACKAGE}/package.json`);
    const manifest = createRequire(launcher).resolve(`${target.pkg}/package.json`);
    const name = process.platform === 'win32' ? 'codex.exe' : 'codex';
    const binary = join(dirname(manifest), 'vendor', target.triple, 'bin', name);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** `codex` on PATH, if any. */
function onPath(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? ['codex.exe', 'codex.cmd'] : ['codex'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The Codex executable to run.
 * @param explicit - A path the user gave (`codexPath`); used as is when set.
 * @param env - Whose PATH to search. @defaultValue process.env
 * @param from - Where node_modules are looked up from. @defaultValue this module
 * @throws RunnerUnavailableError naming `npm install @openai/codex` when Codex is nowhere.
 */
export function findCodex(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  from: string = import.meta.url,
): string {
  if (explicit !== undefined) {
    if (executable(explicit)) return explicit;
    throw new RunnerUnavailableError(
      `The codex runner cannot run ${explicit}: it does not exist or is not executable. Fix codexPath, or install Codex with ${CODEX_INSTALL}`,
      { runnerType: 'codex' },
    );
  }
  const found = nativeBinary(from) ?? onPath(env);
  if (found !== undefined) return found;
  throw new RunnerUnavailableError(
    `The codex runner needs the Codex CLI, which is not installed (not in node_modules, not on PATH): ${CODEX_INSTALL}`,
    { runnerType: 'codex' },
  );
}
