/**
 * What a tapped button means for a pending request, and how its outcome reads in the short answer a
 * platform shows the person who tapped.
 * @module
 */
import type { ChatUser } from '../types.js';
import { describeDecider } from './cards.js';
import type { CardAction } from './codec.js';
import type { PendingDecision, PendingEntry } from './pending.js';

/**
 * The decision a button stands for, or undefined when the button does not decide this request
 * (e.g. a choice button on an approval, or an option index that does not exist).
 * `show_all` and `deny_reason` do not decide anything and are handled by the caller.
 */
export function decisionForTap(
  entry: PendingEntry,
  action: Exclude<CardAction, { type: 'show_all' | 'deny_reason' | 'always_allow' | 'revoke_rule' }>,
  user: ChatUser,
): PendingDecision | undefined {
  const by = { type: 'user', user } as const;
  if (entry.kind === 'choice') {
    if (action.type === 'cancel') return { behavior: 'cancelled', by };
    if (action.type !== 'choice') return undefined;
    const option = entry.request.options[action.index];
    return option ? { behavior: 'selected', index: action.index, label: option.label, by } : undefined;
  }
  switch (action.type) {
    case 'allow':
      return { behavior: 'allow', scope: 'once', by };
    case 'allow_tool':
      return { behavior: 'allow', scope: 'tool', by };
    case 'allow_all':
      return { behavior: 'allow', scope: 'all', by };
    case 'allow_dir':
      return { behavior: 'allow', scope: 'dir', by };
    case 'deny':
    case 'cancel':
      return { behavior: 'deny', by };
    case 'choice':
      return undefined;
    default: {
      const never: never = action;
      return never;
    }
  }
}

/** "allowed by alice via telegram", "timed out", … */
export function describeOutcome(decision: PendingDecision): string {
  switch (decision.behavior) {
    case 'allow':
      return `allowed by ${describeDecider(decision.by)}`;
    case 'deny':
      return `denied by ${describeDecider(decision.by)}`;
    case 'selected':
      return `"${decision.label}" selected by ${describeDecider(decision.by)}`;
    case 'cancelled':
      return `cancelled by ${describeDecider(decision.by)}`;
    case 'timeout':
      return decision.cancelled ? 'cancelled' : 'timed out';
    default: {
      const never: never = decision;
      return never;
    }
  }
}
