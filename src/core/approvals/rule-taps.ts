/**
 * The rule buttons of a card: **Always allow** stores a rule (never broader than what the person saw, see
 * `src/core/rules/`) and allows the request; **Revoke** on the `/rules` list removes one. Both are audited.
 * @module
 */
import type { RuleCardActions } from '../rules/card-actions.js';
import { describeRule } from '../rules/match.js';
import type { ChatUser } from '../types.js';
import type { ApprovalHost, TapAnswer } from './flow-types.js';
import { INACTIVE } from './flow-types.js';
import type { PendingDecision, PendingEntry, SettleResult } from './pending.js';

/** What the rule buttons need from the flow. */
export interface RuleTapContext {
  readonly host: Pick<ApprovalHost, 'audit' | 'threadIdOf'>;
  readonly rules: RuleCardActions;
  isNeverApproved(toolName: string): boolean;
  /** The input a person edited, if any: the rule covers what runs. */
  editedInputOf(requestId: string): Record<string, unknown> | undefined;
  settle(requestId: string, decision: PendingDecision): Promise<SettleResult>;
}

/** The tap on **Always allow**: store the rule, then allow this request once. */
export async function tapAlwaysAllow(
  context: RuleTapContext,
  entry: PendingEntry,
  user: ChatUser,
): Promise<TapAnswer> {
  if (entry.kind !== 'approval' || context.isNeverApproved(entry.request.toolName)) return INACTIVE;
  const edited = context.editedInputOf(entry.requestId);
  const rule = context.rules.alwaysAllow(edited ? { ...entry.request, input: edited } : entry.request, user);
  if (!rule) return INACTIVE;
  context.host.audit({
    action: 'rule.added',
    threadId: context.host.threadIdOf(entry.threadKey),
    requestId: entry.requestId,
    userId: user.id,
    userName: user.name,
    detail: `rule ${rule.ruleId} (${describeRule(rule)})`,
  });
  const decision: PendingDecision = { behavior: 'allow', scope: 'once', by: { type: 'user', user } };
  const result = await context.settle(entry.requestId, decision);
  if (!result.settled) {
    // Someone else answered first: the rule stays (the person asked for it), the request keeps its answer.
    return { text: 'Rule saved; this request was already answered.', outcome: 'stale' };
  }
  return { text: `Allowed; rule saved: ${describeRule(rule)}`, outcome: 'decided' };
}

/** The tap on a rule's **Revoke** button. */
export function tapRevokeRule(
  context: Pick<RuleTapContext, 'host' | 'rules'>,
  token: string,
  user: ChatUser,
): TapAnswer {
  const rule = context.rules.revokeByToken(token);
  if (!rule) return { text: 'That rule is already gone.', outcome: 'stale' };
  context.host.audit({
    action: 'rule.revoked',
    userId: user.id,
    userName: user.name,
    detail: `rule ${rule.ruleId} (${describeRule(rule)})`,
  });
  return { text: `Revoked: ${describeRule(rule)}`, outcome: 'decided' };
}
