/**
 * The README's code cannot drift from the tested files: every TypeScript/JavaScript block is byte-identical to
 * the file (or `#region`) named by the `<!-- snippet: … -->` comment above it. Those files are typechecked by
 * `npm run typecheck` and run by test/readme/*.test.ts and test/package/tarball.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_LANGS, REPO_ROOT, readmeBlocks, readReadme, snippetText } from './readme-snippets.js';

function exportedTypeNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/^export (?:interface|type|class) (\w+)/gm)) {
          names.add(m[1] as string);
        }
      }
    }
  };
  walk(join(REPO_ROOT, 'src'));
  return names;
}

describe('README code blocks', () => {
  const blocks = readmeBlocks(readReadme()).filter((block) => CODE_LANGS.has(block.lang));

  it('every code block names the file it comes from', () => {
    const unnamed = blocks.filter((block) => block.source === undefined).map((block) => block.line);
    expect(
      unnamed,
      'put <!-- snippet: examples/your-file.ts --> (or #region) above these README blocks',
    ).toEqual([]);
    expect(blocks.length).toBeGreaterThan(5);
  });

  // Any block with a snippet comment (JSON, YAML too) is compared; TypeScript/JavaScript blocks must have one.
  const named = readmeBlocks(readReadme()).filter((b) => b.source !== undefined && b.source !== 'outline');
  for (const block of named) {
    it(`README line ${block.line} is byte-identical to ${block.source}`, () => {
      expect(block.code).toBe(snippetText(block.source as string));
    });
  }

  it('API outlines only name types the package exports', () => {
    const exported = exportedTypeNames();
    for (const block of blocks.filter((b) => b.source === 'outline')) {
      const declared = [...block.code.matchAll(/^(?:interface|type) (\w+)/gm)].map((m) => m[1] as string);
      expect(declared.length, `outline at README line ${block.line} declares nothing`).toBeGreaterThan(0);
      expect(declared.filter((name) => !exported.has(name))).toEqual([]);
    }
  });
});

describe("the README's two commands", () => {
  const readme = readReadme();
  const bashBlocks = readmeBlocks(readme).filter((block) => block.lang === 'bash');

  it('"npm ci && npm start" is what CI installs with, and `npm start` builds then runs the demo', () => {
    expect(bashBlocks[0]?.code).toMatch(/^npm ci && npm start\s+#/);
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    const scripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    // The build is CI's build step (and `npm pack`'s prepack); the built demo runs in test/package/tarball.test.ts
    // (`npx agent-tether demo` from the packed package) and test/cli/demo.test.ts.
    expect(scripts.start).toBe('npm run build && node dist/cli/index.js demo');
    expect(scripts.prepack).toBe('npm run build');
  });

  it('"npm test" is the command CI runs the suite with', () => {
    expect(bashBlocks.some((block) => block.code === 'npm test\n')).toBe(true);
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8').trim();
    expect(ci.split('\n').at(-1)).toBe('npm test');
  });
});
