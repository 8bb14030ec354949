/**
 * The permission requests a runner session waits on, each settled exactly once.
 * @module
 */

import { describePerson } from '../core/people.js';
import type { ApprovalDecision, ChoiceDecision } from '../core/types.js';
import type { PermissionResolvedBy } from './types.js';

/** The answer a pending request receives. `cancelled`: the agent or the runner withdrew it. */
export type PendingAnswer =
  | { readonly type: 'permission'; readonly decision: ApprovalDecision }
  | { readonly type: 'choice'; readonly decision: ChoiceDecision }
  | { readonly type: 'cancelled'; readonly reason: string };

/** What `onPermissionResolved` reports for an answer. */
export interface Resolution {
  readonly resolvedBy: PermissionResolvedBy;
  readonly allowed: boolean;
  readonly message?: string;
}

/** The message every runner gives an agent when nobody answered in time. */
export const NO_ANSWER_MESSAGE = 'No one answered the approval request in time';

/** Waiting requests of one session, keyed by request id. A request settles once; later answers are ignored. */
export class PendingAnswers {
  readonly #waiting = new Map<string, (answer: PendingAnswer) => void>();

  /** Start waiting for an answer to `requestId`. */
  wait(requestId: string): Promise<PendingAnswer> {
    return new Promise((resolve) => {
      this.#waiting.set(requestId, resolve);
    });
  }

  /** Whether `requestId` is waiting. */
  has(requestId: string): boolean {
    return this.#waiting.has(requestId);
  }

  /** Settle `requestId`. Returns false if it is not waiting (unknown or already settled). */
  settle(requestId: string, answer: PendingAnswer): boolean {
    const resolve = this.#waiting.get(requestId);
    if (resolve === undefined) return false;
    this.#waiting.delete(requestId);
    resolve(answer);
    return true;
  }

  /** Cancel every waiting request (the session is ending). Returns the ids that were waiting. */
  cancelAll(reason: string): string[] {
    const ids = [...this.#waiting.keys()];
    for (const id of ids) this.settle(id, { type: 'cancelled', reason });
    return ids;
  }
}

/** Who settled a decision, whether it allows, and the message to report. */
export function resolutionOf(answer: PendingAnswer): Resolution {
  switch (answer.type) {
    case 'cancelled':
      return { resolvedBy: 'cancelled', allowed: false, message: answer.reason };
    case 'permission':
    case 'choice': {
      const d = answer.decision;
      if (d.behavior === 'timeout')
        return { resolvedBy: 'timeout', allowed: false, message: NO_ANSWER_MESSAGE };
      const resolvedBy: PermissionResolvedBy = d.by.type === 'auto' ? 'auto' : 'user';
      switch (d.behavior) {
        case 'allow':
          return { resolvedBy, allowed: true };
        case 'selected':
          return { resolvedBy, allowed: true, message: d.label };
        case 'deny':
          return d.reason === undefined
            ? { resolvedBy, allowed: false }
            : { resolvedBy, allowed: false, message: d.reason };
        case 'cancelled':
          return { resolvedBy, allowed: false };
        default: {
          const never: never = d;
          return never;
        }
      }
    }
    default: {
      const never: never = answer;
      return never;
    }
  }
}

/** A human phrase for who decided, e.g. `Ada via telegram` or `auto-approve (Allow Edit)`. */
export function describeDecider(decision: ApprovalDecision | ChoiceDecision): string {
  if (decision.behavior === 'timeout') return 'timeout';
  const by = decision.by;
  return by.type === 'user' ? describePerson(by.user) : `auto-approve (${by.reason})`;
}
