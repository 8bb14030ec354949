/**
 * What a decision sets off besides the answer itself: the auto-approve timer a scoped Allow starts, and the
 * bridge's `onApprovalResponse` handler.
 * @module
 */
import { setImmediate as afterMicrotasks } from 'node:timers';
import { TetherError } from '../errors.js';
import type { ApprovalDecision, ApprovalResponseDetails, Handlers, Logger } from '../types.js';
import type { Card } from './cards.js';
import type { ApprovalHost } from './flow-types.js';
import type { PendingDecision, PendingEntry } from './pending.js';
import type { AutoApproveTimers } from './timers.js';

/** Start the timer an Allow with a scope asks for ("Allow Bash", "Allow all", "Allow dir"). */
export function startTimerFor(
  timers: AutoApproveTimers,
  entry: Extract<PendingEntry, { kind: 'approval' }>,
  decision: Extract<ApprovalDecision, { behavior: 'allow' }>,
): void {
  const threadKey = entry.threadKey;
  switch (decision.scope) {
    case 'once':
      return;
    case 'tool':
      timers.allowTool(threadKey, decision.tool ?? entry.request.toolName);
      return;
    case 'all':
      timers.allowAll(threadKey);
      return;
    case 'dir':
      // As the seed: without a directory, "allow dir" trusts the whole thread.
      if (entry.request.directory) timers.allowDirectory(entry.request.directory);
      else timers.allowAll(threadKey);
      return;
    default: {
      const never: never = decision.scope;
      throw new TetherError('CONFIG', `unknown scope ${String(never)}`);
    }
  }
}

/** Tell the bridge's `onApprovalResponse` handler; a throwing handler is logged, never rethrown. */
export async function notifyResponseHandler(
  host: { readonly handlers: Handlers; readonly logger: Logger },
  threadId: string,
  entry: PendingEntry,
  decision: PendingDecision,
): Promise<void> {
  const handler = host.handlers.onApprovalResponse;
  if (!handler) return;
  const approved = decision.behavior === 'allow' || decision.behavior === 'selected';
  const by = 'by' in decision ? decision.by : undefined;
  const details: ApprovalResponseDetails = {
    decision,
    ...(by?.type === 'user' ? { user: by.user } : {}),
    ...(decision.behavior === 'deny' && decision.reason ? { reason: decision.reason } : {}),
    ...(decision.behavior === 'timeout' ? { reason: decision.cancelled ? 'cancelled' : 'timeout' } : {}),
    ...(decision.behavior === 'allow' && decision.scope !== 'once' ? { timer: decision.scope } : {}),
    ...(decision.behavior === 'selected' ? { selected: decision.label } : {}),
  };
  try {
    await handler(threadId, entry.requestId, approved, details);
  } catch (error) {
    host.logger.error({ err: error, threadId }, 'onApprovalResponse handler threw');
  }
}

/** The outcome cards of one decision: their places are taken among the thread's messages; `draw()` makes them. */
export interface OutcomeCards {
  /** Make the card and send the edits (call it once, soon: the thread's later messages wait for it). */
  draw(): void;
  /** Resolves once the edits are done (or failed: failures are the outbox's to log). */
  readonly drawn: Promise<void>;
}

/**
 * Queue the edits that show a decision on its cards now, so whatever is sent to the thread after this call (the
 * agent's reply to the decision) comes after them; the card is made later, by `draw()`.
 */
export function reserveOutcomeCards(
  host: Pick<ApprovalHost, 'editCard'>,
  threadId: string,
  messageIds: readonly string[],
  makeCard: () => Card,
): OutcomeCards {
  if (messageIds.length === 0) return { draw: () => undefined, drawn: Promise.resolve() };
  let draw = (): void => undefined;
  const card = new Promise<Card>((resolve, reject) => {
    draw = () => {
      try {
        resolve(makeCard());
      } catch (error) {
        reject(error);
      }
    };
  });
  const edits = messageIds.map((id) => host.editCard(threadId, id, card));
  return { draw, drawn: Promise.allSettled(edits).then(() => undefined) };
}

/**
 * What follows decisions (outcome cards, the handler), run once the caller awaiting the decision has heard it:
 * rendering a card takes longer than handing over a decision, and a tap should free the agent as fast as a bare
 * bot would. Tracks the work in flight so `stop()` and the fakes' `settle()` can wait for it.
 */
export class AfterDecisions {
  readonly #running = new Set<Promise<void>>();

  /** Runs `work` after every microtask queued so far (the decision's promise chain). */
  async run(work: () => Promise<void>): Promise<void> {
    // node:timers' setImmediate runs after every queued microtask; a test's fake timers do not replace it (this
    // is not a wait for time).
    const done = new Promise<void>((resolve) => afterMicrotasks(resolve)).then(work);
    this.#running.add(done);
    try {
      await done;
    } finally {
      this.#running.delete(done);
    }
  }

  /** Resolves once all work started so far (and any it started) is done. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
