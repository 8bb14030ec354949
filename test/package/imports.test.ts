import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const PLATFORM_SDKS = [
  /^grammy/,
  /^@grammyjs\//,
  /^@slack\//,
  /^@discordjs\//,
  /^discord-api-types/,
  /^@anthropic-ai\//,
];

/** Every bare module specifier statically reachable from an entry file (relative imports followed). */
function reachableBareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const queue = [path.resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    // Static imports and re-exports; `import type` is erased at build time and loads nothing.
    for (const match of source.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const spec = match[2] ?? '';
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  }
  return bare;
}

describe('package entry points', () => {
  it('importing agent-tether loads no platform SDK', () => {
    const imports = [...reachableBareImports('src/index.ts')];
    expect(imports.filter((spec) => PLATFORM_SDKS.some((re) => re.test(spec)))).toEqual([]);
    expect(imports).toContain('better-sqlite3');
  });

  it('agent-tether/runner does not load the Claude Agent SDK until a session starts', () => {
    const imports = [...reachableBareImports('src/runner/index.ts')];
    expect(imports.filter((spec) => spec.startsWith('@anthropic-ai/'))).toEqual([]);
  });

  it('agent-tether loads no Redis client, and agent-tether/redis loads ioredis only when used', () => {
    expect([...reachableBareImports('src/index.ts')]).not.toContain('ioredis');
    expect([...reachableBareImports('src/redis/index.ts')]).not.toContain('ioredis');
  });

  it('the root entry loads and exports the core', async () => {
    const mod = await import('../../src/index.js');
    expect(typeof mod.MemoryBridge).toBe('function');
    expect(typeof mod.BridgeRouter).toBe('function');
  });

  it('the root entry exports what a user composes, not engine internals', async () => {
    const mod: Record<string, unknown> = await import('../../src/index.js');
    for (const name of [
      'Bridge',
      'BridgeRouter',
      'MemoryBridge',
      'SqliteStore',
      'MemoryStore',
      'TetherError',
    ]) {
      expect(typeof mod[name], name).toBe('function');
    }
    for (const name of ['renderChunks', 'formatToolInput', 'buildApprovalCard', 'describeDecision']) {
      expect(typeof mod[name], name).toBe('function');
    }
    for (const internal of [
      'ApprovalFlow',
      'Outbox',
      'HandlerSet',
      'NotificationBatcher',
      'ErrorDebouncer',
    ]) {
      expect(mod[internal], internal).toBeUndefined();
    }
  });

  it('agent-tether/format lets a platform outside the package render with its own dialect', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./format']).toEqual({
      types: './dist/format/index.d.ts',
      import: './dist/format/index.js',
    });
    expect(
      [...reachableBareImports('src/format/index.ts')].filter((s) => PLATFORM_SDKS.some((re) => re.test(s))),
    ).toEqual([]);
    const { plainDialect, renderWithDialect } = await import('../../src/format/index.js');
    const shouting = { ...plainDialect, escape: (text: string) => text.toUpperCase() };
    expect(renderWithDialect('**hi** there', shouting, 2000)).toEqual(['HI THERE']);
    expect(() => renderWithDialect('hi', shouting, 3)).toThrow(/at least/);
  });
});
