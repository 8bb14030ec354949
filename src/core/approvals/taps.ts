/**
 * A button tap, from payload to answer: the payload is checked (forged, unknown, another thread's or already
 * decided buttons do nothing and are audited), then the action the card offers is carried out.
 * @module
 */
import type { ChatUser } from '../types.js';
import type { CardAction, PayloadCodec } from './codec.js';
import { showAllContent } from './diff-card.js';
import type { EditThenApprove } from './edit-then-approve.js';
import { type ApprovalHost, INACTIVE, type TapAnswer } from './flow-types.js';
import type { PendingApprovals, PendingDecision, PendingEntry } from './pending.js';
import { type RuleTapContext, tapAlwaysAllow, tapRevokeRule } from './rule-taps.js';
import type { ShownCards } from './shown-cards.js';
import { cardOffers, decisionForTap, describeOutcome } from './tap-actions.js';

/** What a tap needs from its flow. */
export interface TapContext extends RuleTapContext {
  readonly host: RuleTapContext['host'] & Pick<ApprovalHost, 'key' | 'postFile' | 'postText'>;
  readonly codec: PayloadCodec;
  readonly cards: ShownCards;
  readonly pending: PendingApprovals;
  readonly edits: EditThenApprove;
}

/** Handle a button tap: validate the payload, then act. */
export async function handleTap(
  context: TapContext,
  threadId: string | undefined,
  payload: string,
  user: ChatUser,
): Promise<TapAnswer> {
  const { host } = context;
  const decoded = context.codec.decode(payload);
  if (decoded?.action.type === 'revoke_rule') return tapRevokeRule(context, decoded.token, user);
  const requestId = decoded ? context.cards.requestIdOf(decoded.token) : undefined;
  const entry = requestId ? context.pending.get(requestId) : undefined;
  if (!decoded || !entry || !requestId || !context.codec.matches(decoded.token, requestId)) {
    host.audit({ action: 'tap.invalid', userId: user.id, userName: user.name, detail: payload.slice(0, 64) });
    return INACTIVE;
  }
  if (threadId !== undefined && entry.threadKey !== host.key(threadId)) {
    host.audit({ action: 'tap.wrong_thread', userId: user.id, userName: user.name, requestId });
    return { text: 'This button belongs to another thread.', alert: true, outcome: 'stale' };
  }
  if (entry.record.decisionJson) {
    const previous = JSON.parse(entry.record.decisionJson) as PendingDecision;
    context.pending.deliverRecorded(entry.requestId, previous);
    return { text: `Already resolved: ${describeOutcome(previous)}`, outcome: 'stale' };
  }
  return act(context, entry, decoded.action, user);
}

async function act(
  context: TapContext,
  entry: PendingEntry,
  action: CardAction,
  user: ChatUser,
): Promise<TapAnswer> {
  const { host } = context;
  if (!cardOffers(context.cards.cardOf(entry), action)) {
    host.audit({
      action: 'tap.not_offered',
      userId: user.id,
      userName: user.name,
      requestId: entry.requestId,
      detail: action.type,
    });
    return { text: 'This card does not offer that action.', alert: true, outcome: 'stale' };
  }
  switch (action.type) {
    case 'show_all': {
      const threadId = host.threadIdOf(entry.threadKey);
      const all = entry.kind === 'approval' ? showAllContent(entry.request) : undefined;
      if (all && 'file' in all) {
        await host.postFile(threadId, all.file);
        return { text: 'The whole diff is attached below.', outcome: 'info' };
      }
      if (all) await host.postText(threadId, all.markdown);
      return { text: 'Full input posted below.', outcome: 'info' };
    }
    case 'always_allow':
      return tapAlwaysAllow(context, entry, user);
    case 'edit':
      return context.edits.start(entry, user);
    case 'revoke_rule':
      return INACTIVE;
    case 'deny_reason':
      return {
        text: 'Reply in this thread with the reason.',
        outcome: 'info',
        awaitReasonFor: entry.requestId,
      };
    default: {
      const decision = decisionForTap(entry, action, user);
      if (!decision) return INACTIVE;
      const result = await context.settle(entry.requestId, decision);
      if (result.settled) return { text: describeOutcome(decision), outcome: 'decided' };
      return result.reason === 'unknown'
        ? { text: 'This request is no longer pending.', outcome: 'stale' }
        : { text: `Already resolved: ${describeOutcome(result.previous)}`, outcome: 'stale' };
    }
  }
}
