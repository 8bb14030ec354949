/**
 * Pure translations between agent-tether decisions and the Claude Agent SDK's permission results.
 * Types come from the SDK with `import type` only, so nothing here loads the SDK.
 * @module
 */

import type { PermissionResult, PermissionUpdate } from '@anthropic-ai/claude-agent-sdk';
import { describePerson } from '../../core/people.js';
import type { ApprovalDecision, ChoiceDecision, ChoiceOption } from '../../core/types.js';
import { NO_ANSWER_MESSAGE } from '../pending-answers.js';
import type { RunnerQuestion } from '../types.js';

/** Options of {@link permissionResultFor}. */
export interface PermissionResultOptions {
  /**
   * Pass the SDK's `suggestions` back as `updatedPermissions` when a person allows with scope `tool` or
   * `all`, so Claude Code stops asking for matching calls. They are always narrowed to the current session
   * (never written to settings files), but the SDK then keeps allowing for the whole session — longer than the
   * 30 minutes the button promised — and may switch modes (e.g. accept edits). Off by default: every call goes
   * through the bridge, whose timers end when they say.
   * @defaultValue false
   */
  readonly forwardSuggestions?: boolean;
  /** The abort signal of the SDK call: when aborted, a timeout reads "cancelled" instead. */
  readonly signal?: AbortSignal;
}

/** The deny message for a deny / timeout decision. */
export function denyMessage(decision: ApprovalDecision | ChoiceDecision, signal?: AbortSignal): string {
  switch (decision.behavior) {
    case 'timeout':
      return signal?.aborted === true ? 'The approval request was cancelled' : NO_ANSWER_MESSAGE;
    case 'deny':
      if (decision.reason !== undefined && decision.reason.trim() !== '') return decision.reason;
      return decision.by.type === 'user'
        ? `Denied by ${describePerson(decision.by.user)}`
        : `Denied by ${decision.by.reason}`;
    case 'cancelled':
      return decision.by.type === 'user'
        ? `${decision.by.user.name} dismissed the question via ${decision.by.user.platform}`
        : 'The question was dismissed';
    default:
      return 'Denied';
  }
}

/**
 * The SDK result for an approval decision.
 * @param decision - What the person (or timer) decided.
 * @param input - The tool input the SDK asked about (used when the decision does not change it).
 * @param suggestions - The SDK's `suggestions` for this call.
 */
export function permissionResultFor(
  decision: ApprovalDecision,
  input: Record<string, unknown>,
  suggestions: readonly PermissionUpdate[] | undefined,
  options: PermissionResultOptions = {},
): PermissionResult {
  if (decision.behavior !== 'allow')
    return { behavior: 'deny', message: denyMessage(decision, options.signal) };
  const forward =
    (options.forwardSuggestions ?? false) &&
    (decision.scope === 'tool' || decision.scope === 'all') &&
    suggestions !== undefined &&
    suggestions.length > 0;
  return {
    behavior: 'allow',
    updatedInput: decision.updatedInput ?? input,
    ...(forward ? { updatedPermissions: suggestions.map(forThisSession) } : {}),
  };
}

/** A phone tap must never rewrite the user's settings files: keep the rule for this session only. */
function forThisSession(update: PermissionUpdate): PermissionUpdate {
  return { ...update, destination: 'session' };
}

/** The questions of an AskUserQuestion input; malformed entries are skipped. */
export function questionsOf(input: Record<string, unknown>): RunnerQuestion[] {
  const raw = Array.isArray(input.questions) ? (input.questions as unknown[]) : [];
  const questions: RunnerQuestion[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== 'object') continue;
    const q = item as Record<string, unknown>;
    if (typeof q.question !== 'string') continue;
    const options: ChoiceOption[] = [];
    for (const o of Array.isArray(q.options) ? (q.options as unknown[]) : []) {
      const option = o as Record<string, unknown> | null;
      if (typeof option?.label !== 'string') continue;
      options.push(
        typeof option.description === 'string'
          ? { label: option.label, description: option.description }
          : { label: option.label },
      );
    }
    questions.push({
      question: q.question,
      options,
      ...(typeof q.header === 'string' ? { header: q.header } : {}),
      ...(typeof q.multiSelect === 'boolean' ? { multiSelect: q.multiSelect } : {}),
    });
  }
  return questions;
}

/**
 * The SDK result for AskUserQuestion: allow with `updatedInput.answers` (question text → chosen label),
 * as Claude Code's own UI answers it; or deny if a question was not answered.
 */
export function questionResultFor(
  input: Record<string, unknown>,
  questions: readonly RunnerQuestion[],
  decisions: readonly ChoiceDecision[],
  signal?: AbortSignal,
): PermissionResult {
  const answers: Record<string, string> = {};
  for (const [i, question] of questions.entries()) {
    const decision = decisions[i];
    if (decision === undefined) return { behavior: 'deny', message: NO_ANSWER_MESSAGE };
    if (decision.behavior !== 'selected') return { behavior: 'deny', message: denyMessage(decision, signal) };
    answers[question.question] = decision.label;
  }
  return { behavior: 'allow', updatedInput: { ...input, answers } };
}

/** The plan text of an ExitPlanMode input, if any. */
export function planOf(input: Record<string, unknown>): string | undefined {
  return typeof input.plan === 'string' ? input.plan : undefined;
}
