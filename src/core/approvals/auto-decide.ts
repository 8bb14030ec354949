/**
 * Requests decided without asking: a rule decides first (a deny rule beats a running "Allow all", an ask rule
 * makes a person decide), then a running auto-approve timer. Allowed ones are batched into one notice; a denial
 * is said in the thread.
 * @module
 */
import type { NotificationBatcher } from '../batcher.js';
import type { RuleCardActions } from '../rules/card-actions.js';
import { describeRule } from '../rules/match.js';
import type { ApprovalDecision, ApprovalRequest } from '../types.js';
import { describeDecider, escapeMarkdown } from './cards.js';
import { notifyResponseHandler } from './decision-effects.js';
import type { ApprovalHost } from './flow-types.js';
import type { PendingDecision, SettleResult } from './pending.js';
import type { AutoApproveTimers } from './timers.js';

/** What deciding without asking needs from the flow. */
export interface AutoDecideContext {
  readonly host: Pick<ApprovalHost, 'postText'>;
  readonly rules: RuleCardActions;
  readonly timers: AutoApproveTimers;
  readonly batcher: NotificationBatcher;
  settle(requestId: string, decision: PendingDecision): Promise<SettleResult>;
}

/**
 * Decide `request` by a rule or a timer if one applies: the returned promise settles it (no card is needed).
 * Undefined, at once, when a person must decide.
 */
export function decideWithoutAsking(
  context: AutoDecideContext,
  threadId: string,
  threadKey: string,
  request: ApprovalRequest,
): Promise<void> | undefined {
  const { requestId, toolName } = request;
  const ruled = context.rules.outcome(request);
  if (ruled.kind === 'decided') {
    return (async () => {
      await context.settle(requestId, ruled.decision);
      if (ruled.decision.behavior === 'allow') {
        context.batcher.add(threadId, { toolName, reason: `rule: ${describeRule(ruled.rule)}` });
      } else {
        await context.host.postText(
          threadId,
          `🚫 ${escapeMarkdown(toolName)} denied by the rule "${escapeMarkdown(describeRule(ruled.rule))}"`,
        );
      }
    })();
  }
  const reason =
    ruled.kind === 'ask' ? undefined : context.timers.check(threadKey, toolName, request.directory);
  if (!reason) return undefined;
  return (async () => {
    await context.settle(requestId, { behavior: 'allow', scope: 'once', by: { type: 'auto', reason } });
    context.batcher.add(threadId, { toolName, reason });
  })();
}

/**
 * The fast path of a request no person needs to see (`serve` answering a hook): decided as by
 * {@link decideWithoutAsking} — rules first, then a running timer; never-auto-approve tools are never allowed —
 * but with no pending request: only the audit entry, the usual notice and the `onApprovalResponse` handler.
 * Undefined when a person must decide (then open the request as usual).
 */
export function decideAtOnce(
  context: Omit<AutoDecideContext, 'settle' | 'host'> & {
    readonly host: Pick<ApprovalHost, 'postText' | 'audit' | 'handlers' | 'logger' | 'platform'>;
  },
  threadId: string,
  threadKey: string,
  request: ApprovalRequest,
): ApprovalDecision | undefined {
  const { requestId, toolName } = request;
  const ruled = context.rules.outcome(request);
  const timer =
    ruled.kind === 'none' ? context.timers.check(threadKey, toolName, request.directory) : undefined;
  const decision: ApprovalDecision | undefined =
    ruled.kind === 'decided'
      ? ruled.decision
      : timer
        ? { behavior: 'allow', scope: 'once', by: { type: 'auto', reason: timer } }
        : undefined;
  if (decision === undefined || decision.behavior === 'timeout') return undefined;
  const { host } = context;
  host.audit({
    action: `approval.${decision.behavior}`,
    threadId,
    requestId,
    detail: describeDecider(decision.by),
  });
  if (ruled.kind === 'decided' && decision.behavior === 'deny') {
    host
      .postText(
        threadId,
        `🚫 ${escapeMarkdown(toolName)} denied by the rule "${escapeMarkdown(describeRule(ruled.rule))}"`,
      )
      .catch((error: unknown) => host.logger.warn({ err: error, threadId }, 'could not post a rule notice'));
  } else {
    context.batcher.add(threadId, {
      toolName,
      reason: ruled.kind === 'decided' ? `rule: ${describeRule(ruled.rule)}` : (timer ?? ''),
    });
  }
  if (host.handlers.has('onApprovalResponse')) {
    const record = {
      requestId,
      threadId: threadKey,
      platform: host.platform,
      kind: 'approval' as const,
      requestJson: JSON.stringify(request),
      cardJson: '[]',
      createdAt: 0,
    };
    void notifyResponseHandler(
      host,
      threadId,
      { kind: 'approval', requestId, threadKey, request, record },
      decision,
    );
  }
  return decision;
}
