/** Whether the real Claude Code binary (the Agent SDK's optional native package) is installed. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Path of the native Claude Code binary, if installed. */
export function claudeBinary(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve(
      '@anthropic-ai/claude-agent-sdk-linux-x64/package.json',
    );
    const binary = join(dirname(pkg), 'claude');
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
