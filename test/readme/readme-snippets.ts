/**
 * Reads the README's code blocks and the files they come from. Convention: every ```ts (or ```typescript,
 * ```js, ```mjs) block in README.md is preceded by a comment naming where it lives:
 *   <!-- snippet: examples/foo.ts -->          the whole file
 *   <!-- snippet: examples/foo.ts#readme -->   the lines between `// #region readme` and `// #endregion`
 *   <!-- snippet: outline -->                  a shorthand API outline (its type names must be exported)
 * and the block must be byte-identical to that file or region.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** The fence's language, e.g. `ts`. */
  readonly lang: string;
  /** The block's text (with its final newline). */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The `snippet:` comment just above the fence, if any (`examples/foo.ts#readme`, `outline`). */
  readonly source: string | undefined;
}

/** Languages whose blocks must come from a tested file. */
export const CODE_LANGS = new Set(['ts', 'typescript', 'js', 'mjs', 'javascript', 'tsx']);

/** Every fenced block of `markdown`, with the snippet comment above it. */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    let above = start - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
    const source = /^<!--\s*snippet:\s*(\S+)\s*-->$/.exec((lines[above] ?? '').trim())?.[1];
    blocks.push({
      lang: open[1] ?? '',
      code: `${lines.slice(start + 1, end).join('\n')}\n`,
      line: start + 1,
      source,
    });
    i = end;
  }
  return blocks;
}

/** The README's text. */
export function readReadme(): string {
  return readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
}

/**
 * The text a `snippet:` source names: a whole file, or the region `#name` of it.
 * @throws if the file or the region does not exist.
 */
export function snippetText(source: string): string {
  const [file, region] = source.split('#') as [string, string | undefined];
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  if (region === undefined) return text;
  const start = text.indexOf(`// #region ${region}\n`);
  const end = text.indexOf('// #endregion', start);
  if (start < 0 || end < 0) throw new Error(`${file} has no "// #region ${region}" … "// #endregion"`);
  return text.slice(start + `// #region ${region}\n`.length, end);
}

/** The README's code blocks that come from files (not outlines). */
export function fileSnippets(): { source: string; file: string; block: ReadmeBlock }[] {
  return readmeBlocks(readReadme())
    .filter((block) => block.source !== undefined && block.source !== 'outline')
    .map((block) => ({
      source: block.source as string,
      file: (block.source as string).split('#')[0] as string,
      block,
    }));
}
