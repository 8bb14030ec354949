/**
 * Turning a tool's JSON input into readable Markdown for approval cards: humanized keys (`session_id` →
 * `Session ID`), paths as inline code, commands and file contents as code blocks, per-value and total
 * truncation, and values that can never break out of their code block.
 * @module
 */

const ACRONYMS = new Set(['id', 'url', 'api', 'sdk', 'http', 'https', 'cli', 'ui', 'sse', 'mcp', 'json']);
const PATH_KEYS = new Set(['file_path', 'path', 'notebook_path', 'filePath', 'notebookPath']);
const CODE_KEYS = new Set([
  'command',
  'old_string',
  'new_string',
  'content',
  'new_source',
  'oldString',
  'newString',
]);
const LANGUAGES: Record<string, string> = {
  ts: 'ts',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
  py: 'python',
  rb: 'ruby',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cs: 'csharp',
  sh: 'bash',
  bash: 'bash',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  md: 'markdown',
  html: 'html',
  css: 'css',
  sql: 'sql',
};

/** Default cut for ordinary values, in characters. */
export const DEFAULT_MAX_VALUE_LENGTH = 400;
/** Default cut for code values (commands, file contents), in characters. */
export const DEFAULT_MAX_CODE_LENGTH = 1400;
/** Default total budget of the whole Markdown, in characters. */
export const DEFAULT_MAX_TOTAL_LENGTH = 2000;

const ELLIPSIS = '…';
const TRUNCATED_NOTE = '_… (truncated)_';

function capitalise(word: string): string {
  return word.slice(0, 1).toUpperCase() + word.slice(1);
}

function humanizeWords(words: readonly string[]): string {
  return words
    .map((word, i) => {
      const low = word.toLowerCase();
      if (ACRONYMS.has(low)) return low.toUpperCase();
      return i === 0 ? capitalise(low) : low;
    })
    .join(' ');
}

/**
 * Turns a `snake_case` or `camelCase` key into a label. Keys of one plain word are returned unchanged.
 * @param key - an input key, e.g. `session_id`.
 * @example
 * ```ts
 * humanizeKey('output_mode'); // 'Output mode'
 * humanizeKey('session_id');  // 'Session ID'
 * humanizeKey('command');     // 'command'
 * ```
 */
export function humanizeKey(key: string): string {
  const words = key
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\s]+/)
    .filter((word) => word !== '');
  if (words.length < 2 && !key.includes('_')) return key;
  return words.length === 0 ? key : humanizeWords(words);
}

/**
 * Humanizes enum-like values (`files_with_matches` → `Files with matches`). Only lower-case `snake_case`
 * values are touched; paths, commands and prose are returned unchanged.
 * @param value - a value from a tool input.
 */
export function humanizeEnumValue(value: string): string {
  if (!value.includes('_') || !/^[a-z0-9_]+$/.test(value)) return value;
  const words = value.split('_').filter((word) => word !== '');
  if (words.length === 0) return value;
  return words.map((word, i) => (word === 'id' ? 'ID' : i === 0 ? capitalise(word) : word)).join(' ');
}

/** Options of {@link formatToolInput}. */
export interface FormatToolInputOptions {
  /**
   * Longest value shown before it is cut with `…`, in characters.
   * @defaultValue 400 for ordinary values, 1400 for commands and file contents
   */
  readonly maxValueLength?: number;
  /**
   * Longest Markdown produced; fields past it are left out with a "truncated" note.
   * @defaultValue 2000
   */
  readonly maxTotalLength?: number;
}

/** The result of {@link formatToolInput}. */
export interface FormattedToolInput {
  /** Markdown to render with any renderer. */
  readonly markdown: string;
  /** True when a value or the whole input was cut: offer a "Show all" action ({@link formatToolInputFull}). */
  readonly truncated: boolean;
}

/** Cuts to at most `max` UTF-16 units (plus an ellipsis) without splitting a surrogate pair. */
function cut(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  let end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end) + ELLIPSIS, cut: true };
}

/** Backslash-escapes Markdown punctuation so a value renders exactly as written. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~<>&:@"']/g, '\\$&');
}

/** A fence longer than any backtick run in the value, so the value can never close it. */
function fenced(value: string, language: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${value}\n${fence}`;
}

/** An inline code span that the value cannot close. */
function inlineCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || value.trim() === '' ? ' ' : '';
  return `${ticks}${pad}${value.replace(/\n/g, ' ')}${pad}${ticks}`;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return humanizeEnumValue(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value) ?? String(value);
  return String(value);
}

function languageFor(toolName: string, key: string, input: Record<string, unknown>): string {
  if (key === 'command') return /bash|shell|exec|terminal/i.test(toolName) ? 'bash' : '';
  const path = [...PATH_KEYS].map((k) => input[k]).find((v): v is string => typeof v === 'string');
  const extension = path?.match(/\.([A-Za-z0-9]+)$/)?.[1]?.toLowerCase();
  return (extension && LANGUAGES[extension]) || '';
}

interface Field {
  readonly markdown: string;
  readonly block: boolean;
  readonly cut: boolean;
}

function formatField(
  toolName: string,
  key: string,
  value: unknown,
  input: Record<string, unknown>,
  max: number | undefined,
): Field {
  const label = `**${escapeMarkdown(capitalise(humanizeKey(key)))}:**`;
  const isCode = CODE_KEYS.has(key);
  const limit = max ?? (isCode ? DEFAULT_MAX_CODE_LENGTH : DEFAULT_MAX_VALUE_LENGTH);
  const shown = cut(stringify(value), limit);
  if (PATH_KEYS.has(key))
    return { markdown: `${label} ${inlineCode(shown.text)}`, block: false, cut: shown.cut };
  if (isCode || shown.text.includes('\n')) {
    const language = isCode ? languageFor(toolName, key, input) : '';
    return { markdown: `${label}\n${fenced(shown.text, language)}`, block: true, cut: shown.cut };
  }
  return { markdown: `${label} ${escapeMarkdown(shown.text)}`, block: false, cut: shown.cut };
}

/** Parses a string input as a JSON object when it is one. */
function asObject(
  input: Record<string, unknown> | string | undefined,
): Record<string, unknown> | string | undefined {
  if (typeof input !== 'string') return input;
  const trimmed = input.trim();
  if (!trimmed.startsWith('{')) return input;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: shown as the text it is.
  }
  return input;
}

function joinFields(fields: readonly Field[]): string {
  let out = '';
  fields.forEach((field, i) => {
    const previous = fields[i - 1];
    if (previous) out += previous.block || field.block ? '\n\n' : '\\\n';
    out += field.markdown;
  });
  return out;
}

/**
 * Formats a tool's input as Markdown for an approval card: one line per field with a humanized label, paths
 * as inline code, commands and file contents as code blocks, long values cut, and a total budget.
 * @param toolName - the tool's name (picks the code language, e.g. `bash` for `Bash`).
 * @param input - the tool input: an object, a JSON string, or free text (returned as text, cut to the budget).
 * @param options - per-value and total limits.
 * @example
 * ```ts
 * formatToolInput('Bash', { command: 'ls -la', description: 'List files' }).markdown;
 * // '**Command:**\n```bash\nls -la\n```\n\n**Description:** List files'
 * ```
 */
export function formatToolInput(
  toolName: string,
  input: Record<string, unknown> | string | undefined,
  options: FormatToolInputOptions = {},
): FormattedToolInput {
  const total = options.maxTotalLength ?? DEFAULT_MAX_TOTAL_LENGTH;
  const value = asObject(input);
  if (value === undefined) return { markdown: '', truncated: false };
  if (typeof value === 'string') {
    // A plain description comes from the agent: show it as written, never as Markdown (no hidden links).
    const shown = cut(value, total);
    return { markdown: escapeMarkdown(shown.text), truncated: shown.cut };
  }
  const fields: Field[] = [];
  let truncated = false;
  for (const [key, raw] of Object.entries(value)) {
    let field = formatField(toolName, key, raw, value, options.maxValueLength);
    const remaining = total - joinFields(fields).length - 2;
    if (field.markdown.length > remaining) {
      if (fields.length > 0) {
        truncated = true;
        break;
      }
      // The first field always shows, cut harder to fit the budget.
      const overhead = field.markdown.length - stringify(raw).length;
      field = formatField(toolName, key, raw, value, Math.max(1, total - Math.max(overhead, 0) - 8));
    }
    truncated ||= field.cut;
    fields.push(field);
  }
  const markdown = joinFields(fields);
  return {
    markdown:
      truncated && fields.length < Object.keys(value).length ? `${markdown}\n\n${TRUNCATED_NOTE}` : markdown,
    truncated,
  };
}

/**
 * Formats a tool's whole input without any truncation, for a "Show all" action.
 * @param toolName - the tool's name.
 * @param input - the tool input.
 */
export function formatToolInputFull(
  toolName: string,
  input: Record<string, unknown> | string | undefined,
): string {
  return formatToolInput(toolName, input, {
    maxValueLength: Number.POSITIVE_INFINITY,
    maxTotalLength: Number.POSITIVE_INFINITY,
  }).markdown;
}
