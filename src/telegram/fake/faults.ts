/**
 * Injected faults waiting for the next matching requests.
 * @module
 */
import type { FakeTelegramFault } from './types.js';

interface ArmedFault {
  readonly fault: FakeTelegramFault;
  remaining: number;
}

/** Faults armed with `FakeTelegramServer.inject`, consumed first-in first-out by matching requests. */
export class FaultPlan {
  readonly #armed: ArmedFault[] = [];

  /** Arms a fault for its next `times` matching requests. */
  add(fault: FakeTelegramFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(
        `FakeTelegramServer.inject: times must be a positive integer, got ${String(times)}`,
      );
    }
    this.#armed.push({ fault, remaining: times });
  }

  /**
   * Takes the first armed fault matching `method`, if any.
   * @param method - the requested Bot API method.
   */
  take(method: string): FakeTelegramFault | undefined {
    const index = this.#armed.findIndex(
      (armed) => armed.fault.method === undefined || armed.fault.method === method,
    );
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.remaining--;
    if (armed.remaining === 0) this.#armed.splice(index, 1);
    return armed.fault;
  }

  /** Disarms every fault. */
  clear(): void {
    this.#armed.length = 0;
  }
}
