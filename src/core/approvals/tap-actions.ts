/**
 * What a tapped button (or a typed answer) means for a pending request, and how its outcome reads in the short answer a
 * platform shows the person who tapped.
 * @module
 */
import type { ChatUser } from '../types.js';
import { type Card, describeDecider } from './cards.js';
import type { CardAction } from './codec.js';
import type { ParsedApprovalText } from './grammar.js';
import type { PendingDecision, PendingEntry } from './pending.js';

/**
 * The decision a button stands for, or undefined when the button does not decide this request
 * (e.g. a choice button on an approval, or an option index that does not exist).
 * `show_all` and `deny_reason` do not decide anything and are handled by the caller.
 */
export function decisionForTap(
  entry: PendingEntry,
  action: Exclude<CardAction, { type: 'show_all' | 'deny_reason' | 'always_allow' | 'revoke_rule' | 'edit' }>,
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
    case 'choice': {
      // A card showing the agent's own options: each button is one of them.
      const option = entry.request.options?.[action.index];
      if (option === undefined) return undefined;
      return option.kind.startsWith('allow')
        ? { behavior: 'allow', scope: 'once', by, option }
        : { behavior: 'deny', by, option };
    }
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
      return decision.cancelled ? (decision.note ?? 'cancelled') : 'timed out';
    default: {
      const never: never = decision;
      return never;
    }
  }
}

/**
 * Whether a card offered this action. A payload is bound to its request by its HMAC token, but the action code
 * beside it is not: without this check, an "allow all" payload could be built for a card that offers no timer
 * buttons (a plan approval, a tool that is never auto-approved).
 */
export function cardOffers(card: Card, action: CardAction): boolean {
  return card.buttons.some((row) =>
    row.some(
      (button) =>
        button.action.type === action.type &&
        (action.type !== 'choice' ||
          (button.action.type === 'choice' && button.action.index === action.index)),
    ),
  );
}

/**
 * The decision a typed answer (the seed grammar) stands for, or undefined when it names a tool other than the
 * pending request's ("allow <Tool>" starts a timer for that tool only).
 */
export function decisionForText(
  entry: PendingEntry,
  parsed: ParsedApprovalText,
  user: ChatUser,
): PendingDecision | undefined {
  const by = { type: 'user', user } as const;
  if (!parsed.allow) return { behavior: 'deny', by, ...(parsed.reason ? { reason: parsed.reason } : {}) };
  if (parsed.timer === undefined) return { behavior: 'allow', scope: 'once', by };
  if (parsed.timer === 'all') return { behavior: 'allow', scope: 'all', by };
  if (parsed.timer === 'dir') return { behavior: 'allow', scope: 'dir', by };
  const toolName = entry.kind === 'approval' ? entry.request.toolName : parsed.timer.tool;
  if (parsed.timer.tool.toLowerCase() !== toolName.toLowerCase()) return undefined;
  return { behavior: 'allow', scope: 'tool', by, tool: toolName };
}
