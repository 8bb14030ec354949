/**
 * Lays a table out as monospace text with aligned columns: chat platforms have no tables, so every renderer
 * shows them as a code block of this text.
 * @module
 */
import type { AlignType } from 'mdast';

/** Display width of a cell, counted in code points (good enough for monospace blocks). */
function widthOf(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

function pad(text: string, width: number, align: AlignType | undefined): string {
  const missing = width - widthOf(text);
  if (missing <= 0) return text;
  if (align === 'right') return ' '.repeat(missing) + text;
  if (align === 'center') {
    const left = Math.floor(missing / 2);
    return ' '.repeat(left) + text + ' '.repeat(missing - left);
  }
  return text + ' '.repeat(missing);
}

/**
 * Formats rows of cell text as aligned columns separated by two spaces, with a dashed rule under the header row.
 * @param rows - the header row first, then the body rows; cells are plain text.
 * @param align - per-column alignment from the Markdown table.
 * @returns the table text, lines joined by `\n`, without trailing spaces.
 */
export function layoutTable(rows: readonly (readonly string[])[], align: readonly AlignType[] = []): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  const columns = Math.max(0, ...clean.map((row) => row.length));
  const widths: number[] = Array.from({ length: columns }, (_, i) =>
    Math.max(1, ...clean.map((row) => widthOf(row[i] ?? ''))),
  );
  const line = (row: readonly string[]): string =>
    widths
      .map((width, i) => pad(row[i] ?? '', width, align[i]))
      .join('  ')
      .trimEnd();
  const lines = clean.map(line);
  if (lines.length > 0) lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  return lines.join('\n');
}
