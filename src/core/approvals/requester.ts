/**
 * Who waits for a request's answer. A request opened with `requestApproval`/`requestChoice` is awaited by this
 * process; after a crash or a restart nobody awaits it any more, so an answer would run nothing. Such requests
 * carry their requester (host name and pid) in the store, and a bridge starting on the same host ends the ones
 * whose requester is gone: the card says so and the audit log records it. Requests of another host (a shared
 * Redis store) are left to that host.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** The requester recorded with an awaited request: the host, the process and the approval flow in it. */
export interface RequesterMark {
  readonly host: string;
  readonly pid: number;
  readonly flow: string;
}

/** Approval flows alive in this process (a bridge's flow is alive from its start to its stop). */
const liveFlows = new Set<string>();

/** A new flow of this process, alive until {@link endFlow}. */
export function startFlow(): string {
  const id = randomUUID();
  liveFlows.add(id);
  return id;
}

/** The flow stopped: requests it awaited have no requester any more. */
export function endFlow(id: string): void {
  liveFlows.delete(id);
}

/** A flow of this process as a requester. */
export function thisRequester(flow: string): RequesterMark {
  return { host: hostname(), pid: process.pid, flow };
}

/** The card line and audit detail of a request whose requester is gone. */
export const REQUESTER_GONE_NOTE = 'The session ended before you answered: nothing was run';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process (or, in this process, the bridge) that awaited a restored request is gone. A stopped
 * bridge told its waiters the request was cancelled, so its requests are orphaned even in the same process.
 * @param request - the stored request (its `requester`, if any).
 */
export function requesterGone(request: { readonly requester?: RequesterMark }): boolean {
  const mark = request.requester;
  if (mark === undefined || mark.host !== hostname()) return false;
  return mark.pid === process.pid ? !liveFlows.has(mark.flow) : !alive(mark.pid);
}
