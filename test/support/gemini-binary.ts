/** Whether the real Gemini CLI (`@google/gemini-cli`) is installed. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Gemini CLI's entry script, if installed (run it with `node`). */
export function geminiEntry(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@google/gemini-cli/package.json');
    const pkg = createRequire(import.meta.url)('@google/gemini-cli/package.json') as {
      bin?: Record<string, string>;
    };
    const bin = pkg.bin?.gemini;
    if (bin === undefined) return undefined;
    const entry = join(dirname(manifest), bin);
    return existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}
