/**
 * One line of `agent-tether doctor`'s report.
 * @module
 */
import { maskSecrets } from '../secret-mask.js';

/** The outcome of one check: passed, failed (with the fix in `text`), or a note that does not fail. */
export interface CheckLine {
  readonly status: 'ok' | 'fail' | 'note';
  /** What was checked and what was found; for a failure, also how to fix it. */
  readonly text: string;
}

/** A passed check. */
export const passed = (text: string): CheckLine => ({ status: 'ok', text });
/** A failed check; `text` says what is wrong and how to fix it. */
export const failed = (text: string): CheckLine => ({ status: 'fail', text });
/** Information that does not fail the report. */
export const note = (text: string): CheckLine => ({ status: 'note', text });

const MARKS: Record<CheckLine['status'], string> = { ok: '✓', fail: '✗', note: '–' };

/** The printed form of a line: mark, one line of text, secrets masked. */
export function formatCheckLine(line: CheckLine): string {
  return `${MARKS[line.status]} ${maskSecrets(line.text.replace(/\s*\n\s*/g, ' '))}`;
}

/** The message of anything thrown, for a check line. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
