/**
 * Injected faults, consumed by the calls (or acks) they match.
 * @module
 */

import type { FakeSlackFault } from './types.js';

interface PendingFault {
  readonly fault: FakeSlackFault;
  remaining: number;
}

/** A queue of faults; each applies to the next `times` matching calls, oldest fault first. */
export class FaultQueue {
  readonly #pending: PendingFault[] = [];

  /** Adds a fault. */
  add(fault: FakeSlackFault): void {
    const times = fault.times ?? 1;
    if (!(times >= 1)) throw new RangeError(`FakeSlackServer.inject: times must be >= 1, got ${times}`);
    this.#pending.push({ fault, remaining: times });
  }

  /** Consumes the first Web API fault matching `method` (never a `slowAck`). */
  takeForCall(method: string): FakeSlackFault | undefined {
    return this.#take((f) => f.kind !== 'slowAck' && (f.method === undefined || f.method === method));
  }

  /** Consumes a pending `slowAck` fault; true when the current ack must be treated as too late. */
  takeSlowAck(): boolean {
    return this.#take((f) => f.kind === 'slowAck') !== undefined;
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#pending.length = 0;
  }

  #take(matches: (fault: FakeSlackFault) => boolean): FakeSlackFault | undefined {
    const index = this.#pending.findIndex((p) => matches(p.fault));
    const entry = this.#pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#pending.splice(index, 1);
    return entry.fault;
  }
}
