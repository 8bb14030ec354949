/**
 * The seed's approval text grammar: what a person can type in a thread to answer a pending approval
 * or choice. Case-insensitive.
 * @module
 */
import type { ChoiceOption } from '../types.js';

/** A parsed text answer to an approval request. `timer` is `all`, `dir`, or a tool name. */
export type ParsedApprovalText =
  | { readonly allow: true; readonly timer?: 'all' | 'dir' | { readonly tool: string } }
  | { readonly allow: false; readonly reason?: string };

const ALLOW_WORDS = new Set(['allow', 'approve', 'yes', 'proceed', 'continue', 'start', 'go', 'ok', 'okay']);
const DENY_WORDS = new Set(['deny', 'reject', 'no', 'cancel', 'stop', 'abort']);

/**
 * Parse a message as an answer to an approval request, or return undefined when it is not one.
 * @example
 * ```ts
 * parseApprovalText('deny: use the staging db'); // { allow: false, reason: 'use the staging db' }
 * parseApprovalText('allow Bash');               // { allow: true, timer: { tool: 'Bash' } }
 * ```
 */
export function parseApprovalText(text: string): ParsedApprovalText | undefined {
  const stripped = text.trim();
  const lower = stripped.toLowerCase();
  if (lower === 'allow all') return { allow: true, timer: 'all' };
  if (lower === 'allow dir') return { allow: true, timer: 'dir' };
  if (lower.startsWith('allow ')) {
    // Only a single tool-name word counts: "allow only read-only commands please" is a message, not consent.
    const tool = stripped.slice(6).trim();
    if (/^[\w.:-]{1,100}$/.test(tool)) return { allow: true, timer: { tool } };
    return undefined;
  }
  if (ALLOW_WORDS.has(lower)) return { allow: true };
  const colon = /^(deny|reject|no)\s*:/i.exec(stripped);
  if (colon) {
    const reason = stripped.slice(colon[0].length).trim();
    return reason ? { allow: false, reason } : { allow: false };
  }
  const words = /^(deny|reject)\s+/i.exec(stripped);
  if (words) {
    const reason = stripped.slice(words[0].length).trim();
    if (reason) return { allow: false, reason };
  }
  if (DENY_WORDS.has(lower)) return { allow: false };
  return undefined;
}

/**
 * Parse a message as the answer to a choice: a 1-based number or an option label (case-insensitive).
 * Returns the 0-based index, or undefined.
 */
export function parseChoiceText(text: string, options: readonly ChoiceOption[]): number | undefined {
  const stripped = text.trim();
  if (!stripped) return undefined;
  if (/^\d+$/.test(stripped)) {
    const index = Number(stripped) - 1;
    return index >= 0 && index < options.length ? index : undefined;
  }
  const folded = stripped.toLocaleLowerCase();
  const index = options.findIndex((o) => o.label.toLocaleLowerCase() === folded);
  return index >= 0 ? index : undefined;
}
