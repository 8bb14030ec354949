/**
 * `tetherCanUseTool`: plug a bridge straight into the Claude Agent SDK's `canUseTool`, without a runner.
 * @module
 */

import type { CanUseTool, PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { ApprovalRequester, ChoiceDecision, ThreadId } from '../../core/types.js';
import { permissionResultFor, planOf, questionResultFor, questionsOf } from './permission-result.js';

/** Options of {@link tetherCanUseTool}. */
export interface TetherCanUseToolOptions {
  /** How long to wait for a person. @defaultValue the bridge's approval timeout */
  readonly timeoutMs?: number;
  /** The directory the agent works in (enables "Allow dir"). @defaultValue the thread's directory */
  readonly directory?: string;
  /** See {@link PermissionResultOptions.forwardSuggestions}. @defaultValue false */
  readonly forwardSuggestions?: boolean;
}

/**
 * Make a Claude Agent SDK `canUseTool` callback that asks people in `threadId` through `bridge`:
 * tools become approval cards, `AskUserQuestion` becomes choice cards (the answers go back as
 * `updatedInput.answers`), `ExitPlanMode` becomes a plan approval. Deny reasons reach the model; a request
 * nobody answers is denied with "No one answered the approval request in time"; the SDK's `signal`
 * cancels the card.
 * @param bridge - Any bridge (or router): something with `requestApproval` and `requestChoice`.
 * @param threadId - The thread to ask in.
 * @example
 * ```ts
 * import { query } from '@anthropic-ai/claude-agent-sdk';
 * const thread = await bridge.createThread('fix tests');
 * for await (const m of query({ prompt, options: { canUseTool: tetherCanUseTool(bridge, thread) } })) {}
 * ```
 */
export function tetherCanUseTool(
  bridge: ApprovalRequester,
  threadId: ThreadId,
  options: TetherCanUseToolOptions = {},
): CanUseTool {
  const timing = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  return async (toolName, input, sdk): Promise<PermissionResult> => {
    const signal = sdk.signal;
    if (toolName === 'AskUserQuestion') {
      const questions = questionsOf(input);
      const decisions: ChoiceDecision[] = [];
      for (const q of questions) {
        const decision = await bridge.requestChoice(threadId, {
          question: q.question,
          options: q.options,
          ...(q.header === undefined ? {} : { header: q.header }),
          ...timing,
          signal,
        });
        decisions.push(decision);
        if (decision.behavior !== 'selected') break;
      }
      return questionResultFor(input, questions, decisions, signal);
    }
    const plan = toolName === 'ExitPlanMode' ? planOf(input) : undefined;
    const description = plan ?? sdk.title ?? sdk.description;
    const directory = options.directory;
    const decision = await bridge.requestApproval(threadId, {
      toolName,
      input,
      ...(description === undefined ? {} : { description }),
      ...(directory === undefined ? {} : { directory }),
      ...(sdk.suggestions === undefined ? {} : { suggestions: sdk.suggestions }),
      // The SDK runs the updatedInput we return: the card may offer Edit.
      ...(plan === undefined ? { editable: true } : {}),
      ...timing,
      signal,
    });
    return permissionResultFor(decision, input, sdk.suggestions, {
      signal,
      ...(options.forwardSuggestions === undefined ? {} : { forwardSuggestions: options.forwardSuggestions }),
    });
  };
}
