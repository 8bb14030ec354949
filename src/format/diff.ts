/**
 * Tool inputs as unified diffs (jsdiff): Edit, MultiEdit, Write (a new file, or the existing file it
 * replaces), NotebookEdit, and patch-style inputs (Codex file changes, `apply_patch`). Cards show a cut
 * of the diff in a `diff` code block; "Show all" sends the whole diff as a `.diff` file.
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** A change shown as a unified diff. */
export interface ToolDiff {
  /** The whole unified diff. */
  readonly text: string;
  /** A file name for the `.diff` upload, e.g. `app.ts.diff`. */
  readonly fileName: string;
}

/** Options of {@link toolDiff}. */
export interface ToolDiffOptions {
  /**
   * The session's directory. An existing file inside it is read so a Write or Edit shows the real change
   * with context; files outside it are never read.
   */
  readonly directory?: string | undefined;
}

/** Files larger than this are not read for context. */
const MAX_READ_BYTES = 512 * 1024;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function readInside(file: string, directory: string | undefined): string | undefined {
  if (directory === undefined) return undefined;
  const base = path.resolve(directory);
  const full = path.resolve(base, file);
  const relative = path.relative(base, full);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  try {
    const stats = statSync(full);
    if (!stats.isFile() || stats.size > MAX_READ_BYTES) return undefined;
    return readFileSync(full, 'utf8');
  } catch {
    return undefined;
  }
}

function patch(file: string, before: string, after: string, created = false): string {
  return createTwoFilesPatch(created ? '/dev/null' : `a/${file}`, `b/${file}`, before, after, '', '', {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

function display(file: string, directory: string | undefined): string {
  if (directory === undefined) return file.replace(/^\/+/, '');
  const relative = path.relative(path.resolve(directory), path.resolve(directory, file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file.replace(/^\/+/, '') : relative;
}

function applyEdits(
  content: string,
  edits: readonly { old: string; next: string; all: boolean }[],
): string | undefined {
  let result = content;
  for (const edit of edits) {
    if (edit.old === '' || !result.includes(edit.old)) return undefined;
    result = edit.all ? result.split(edit.old).join(edit.next) : result.replace(edit.old, () => edit.next);
  }
  return result;
}

function editsOf(toolName: string, input: Record<string, unknown>) {
  const one = (e: Record<string, unknown>) => {
    const old = str(e.old_string) ?? str(e.oldString);
    const next = str(e.new_string) ?? str(e.newString);
    return old !== undefined && next !== undefined ? { old, next, all: e.replace_all === true } : undefined;
  };
  if (toolName === 'MultiEdit' && Array.isArray(input.edits)) {
    const edits = (input.edits as unknown[]).map((e) =>
      e !== null && typeof e === 'object' ? one(e as Record<string, unknown>) : undefined,
    );
    return edits.every((e) => e !== undefined) && edits.length > 0 ? edits : undefined;
  }
  const edit = one(input);
  return edit ? [edit] : undefined;
}

/**
 * The unified diff of what a tool call will change, or undefined when the input is not a file change.
 * @param toolName - e.g. `Edit`.
 * @param input - The tool's input.
 * @example
 * ```ts
 * toolDiff('Edit', { file_path: 'a.ts', old_string: 'x', new_string: 'y' })?.text; // '--- a/a.ts\n+++ b/a.ts\n@@ …'
 * ```
 */
export function toolDiff(
  toolName: string,
  input: Record<string, unknown> | undefined,
  options: ToolDiffOptions = {},
): ToolDiff | undefined {
  if (!input) return undefined;
  const { directory } = options;
  const ready = str(input.diff) ?? str(input.patch) ?? str(input.unified_diff);
  const filePath = str(input.file_path) ?? str(input.filePath) ?? str(input.notebook_path) ?? str(input.path);
  const baseName = filePath ? path.basename(filePath.split(',')[0]!.trim()) || 'change' : 'change';
  if (ready !== undefined && ready.trim() !== '') return { text: ready, fileName: `${baseName}.diff` };
  if (filePath === undefined) return undefined;
  const shown = display(filePath, directory);
  const fileName = `${baseName}.diff`;
  if (toolName === 'Write') {
    const content = str(input.content);
    if (content === undefined) return undefined;
    const existing = readInside(filePath, directory);
    return { text: patch(shown, existing ?? '', content, existing === undefined), fileName };
  }
  if (toolName === 'NotebookEdit') {
    const source = str(input.new_source) ?? '';
    const cell = str(input.cell_id);
    const label = `${shown}${cell ? ` (cell ${cell})` : ''}`;
    return input.edit_mode === 'delete'
      ? { text: patch(label, '(the cell is deleted)\n', ''), fileName }
      : { text: patch(label, '', source, input.edit_mode === 'insert'), fileName };
  }
  const edits = editsOf(toolName, input);
  if (!edits) return undefined;
  const current = readInside(filePath, directory);
  const after = current === undefined ? undefined : applyEdits(current, edits);
  if (current !== undefined && after !== undefined) return { text: patch(shown, current, after), fileName };
  // Without the file, each edit is shown on its own: the replaced text against its replacement.
  return { text: edits.map((e) => patch(shown, e.old, e.next)).join(''), fileName };
}

/** Options of {@link diffMarkdown}. */
export interface DiffMarkdownOptions {
  /** Most diff lines shown. @defaultValue 30 */
  readonly maxLines?: number;
  /** Most characters shown. @defaultValue 1200 */
  readonly maxChars?: number;
}

/** The defaults of {@link DiffMarkdownOptions}. */
export const DIFF_MARKDOWN_DEFAULTS = { maxLines: 30, maxChars: 1200 } as const satisfies Partial<
  Record<keyof DiffMarkdownOptions, unknown>
>;

/** A diff as a fenced `diff` code block that nothing inside can close, cut to fit a card. */
export function diffMarkdown(
  diff: string,
  options: DiffMarkdownOptions = {},
): { markdown: string; truncated: boolean } {
  const maxLines = options.maxLines ?? DIFF_MARKDOWN_DEFAULTS.maxLines;
  const maxChars = options.maxChars ?? DIFF_MARKDOWN_DEFAULTS.maxChars;
  const lines = diff.replace(/\n$/, '').split('\n');
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const cut = line.length > 200 ? `${line.slice(0, 199)}…` : line;
    if (kept.length >= maxLines || size + cut.length + 1 > maxChars) break;
    kept.push(cut);
    size += cut.length + 1;
  }
  const truncated = kept.length < lines.length || kept.some((line, i) => line !== lines[i]);
  const body = kept.join('\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const note = truncated
    ? `\n_… ${lines.length - kept.length} more line(s): tap Show all for the whole diff_`
    : '';
  return { markdown: `${fence}diff\n${body}\n${fence}${note}`, truncated };
}
