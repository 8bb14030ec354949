/**
 * The one-line Markdown a runner shows for a tool the agent uses, e.g. ``🔧 Bash `npm test` ``.
 * Agent data goes into an inline code span it cannot close, on one line, cut to a phone-sized length.
 * @module
 */

import { escapeMarkdown } from '../core/approvals/cards.js';

/** Longest detail shown, in characters. */
export const MAX_ACTIVITY_DETAIL = 200;

/** An inline code span that `value` cannot close, on one line. */
export function inlineCode(value: string): string {
  const oneLine = value.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') || oneLine.trim() === '' ? ' ' : '';
  return `${ticks}${pad}${oneLine}${pad}${ticks}`;
}

/**
 * `🔧 <name>` followed by the detail (a command, a path) as inline code.
 * @param tool - The tool's name, shown literally.
 * @param detail - What it acts on; cut to {@link MAX_ACTIVITY_DETAIL} characters.
 */
export function activityLine(tool: string, detail?: string): string {
  const head = `🔧 ${escapeMarkdown(tool)}`;
  if (detail === undefined || detail.trim() === '') return head;
  let end = MAX_ACTIVITY_DETAIL - 1;
  // Never cut a surrogate pair in half.
  if (/[\uD800-\uDBFF]/.test(detail.charAt(end - 1))) end -= 1;
  const shown = detail.length > MAX_ACTIVITY_DETAIL ? `${detail.slice(0, end)}…` : detail;
  return `${head} ${inlineCode(shown)}`;
}

/** What a tool call acts on, from its input: a command, a path, a pattern, a URL or a query. */
export function activityDetailOfInput(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const fields = input as Record<string, unknown>;
  for (const key of ['command', 'file_path', 'path', 'notebook_path', 'pattern', 'url', 'query']) {
    const value = fields[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}
