/**
 * What `serve` answers Claude Code's hooks: a `PermissionRequest` decision (allow, or deny with the message the
 * model reads), and the answers to an `AskUserQuestion` — allowed with `updatedInput.answers` (question text →
 * chosen label), the way Claude Code's own dialog answers it.
 * @module
 */
import type { ApprovalDecision, ChoiceDecision } from '../core/types.js';
import { denyMessage } from '../runner/claude/permission-result.js';
import type { RunnerQuestion } from '../runner/types.js';

/** A hook's JSON output. */
export type HookAnswer = Record<string, unknown>;

/** The `decision` of a `PermissionRequest` answer. */
export type HookDecision =
  | { behavior: 'allow'; updatedInput?: Record<string, unknown> }
  | { behavior: 'deny'; message: string; interrupt?: boolean };

/** The hook decision of an agent-tether decision (a timeout denies, saying nobody answered). */
export function toHookDecision(decision: ApprovalDecision): HookDecision {
  switch (decision.behavior) {
    case 'allow':
      return { behavior: 'allow', ...(decision.updatedInput ? { updatedInput: decision.updatedInput } : {}) };
    case 'deny':
      return {
        behavior: 'deny',
        message:
          decision.reason ??
          `Denied by ${decision.by.type === 'user' ? decision.by.user.name : 'agent-tether'} from agent-tether.`,
      };
    case 'timeout':
      return { behavior: 'deny', message: 'Nobody answered in time on agent-tether, so it was denied.' };
    default: {
      const never: never = decision;
      return never;
    }
  }
}

/** A `PermissionRequest` hook answer. */
export function permissionAnswer(decision: HookDecision): HookAnswer {
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}

/**
 * The answer to an `AskUserQuestion` once every question has its choice: allow with the tool input plus
 * `answers`; a question dismissed or left unanswered denies (the model reads why).
 */
export function questionAnswer(
  toolInput: Record<string, unknown>,
  questions: readonly RunnerQuestion[],
  choices: readonly ChoiceDecision[],
): HookAnswer {
  const answers: Record<string, string> = {};
  for (const [i, question] of questions.entries()) {
    const choice = choices[i];
    if (choice?.behavior !== 'selected')
      return permissionAnswer({
        behavior: 'deny',
        message: choice ? denyMessage(choice) : 'The question was not answered.',
      });
    answers[question.question] = choice.label;
  }
  return permissionAnswer({ behavior: 'allow', updatedInput: { ...toolInput, answers } });
}
