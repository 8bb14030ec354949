/**
 * Whether `dist/` is a build of the current sources: every file under dist/ was written after the last change
 * to src/, package.json and the tsconfigs. CI builds just before `npm test`, so its tests can run the build
 * (a CLI starts in about a third of the CPU time it takes through tsx) and pack it without building again;
 * after an edit, tests fall back to the sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

function mtimes(dir: string): number[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}

/** True when dist/ is newer than every source it is built from. */
export function distIsFresh(): boolean {
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'cli', 'index.js'))) return false;
  const inputs = ['package.json', 'tsconfig.json', 'tsconfig.build.json'].map(
    (file) => statSync(join(ROOT, file)).mtimeMs,
  );
  return Math.min(...mtimes(dist)) > Math.max(...mtimes(join(ROOT, 'src')), ...inputs);
}
