/**
 * A {@link RunnerEvents} sink that records every call, for tests: what a supervisor would see.
 * @module
 */

import type { RunnerEvents } from '../../src/runner/types.js';
import { REAL_PROCESS_WAIT_MS } from '../support/waits.js';

/** One recorded callback. */
export type RecordedEvent = {
  readonly type: keyof RunnerEvents;
  readonly sessionId: string;
  readonly args: unknown[];
};

/** Records events; `waitFor` resolves once a matching one arrives. */
export class EventRecorder implements RunnerEvents {
  readonly events: RecordedEvent[] = [];
  readonly #listeners = new Set<() => void>();

  #record(type: keyof RunnerEvents, sessionId: string, args: unknown[]): void {
    this.events.push({ type, sessionId, args });
    for (const listener of this.#listeners) listener();
  }

  onOutput(sessionId: string, ...args: unknown[]): void {
    this.#record('onOutput', sessionId, args);
  }
  onError(sessionId: string, ...args: unknown[]): void {
    this.#record('onError', sessionId, args);
  }
  onExit(sessionId: string, ...args: unknown[]): void {
    this.#record('onExit', sessionId, args);
  }
  onAwaitingInput(sessionId: string): void {
    this.#record('onAwaitingInput', sessionId, []);
  }
  onMetadata(sessionId: string, ...args: unknown[]): void {
    this.#record('onMetadata', sessionId, args);
  }
  onHeartbeat(sessionId: string, ...args: unknown[]): void {
    this.#record('onHeartbeat', sessionId, args);
  }
  onHeader(sessionId: string, ...args: unknown[]): void {
    this.#record('onHeader', sessionId, args);
  }
  onPermissionRequest(sessionId: string, ...args: unknown[]): void {
    this.#record('onPermissionRequest', sessionId, args);
  }
  onPermissionResolved(sessionId: string, ...args: unknown[]): void {
    this.#record('onPermissionResolved', sessionId, args);
  }

  /** Events of one type. */
  of(type: keyof RunnerEvents): RecordedEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  /** All output texts joined with newlines (what a person reads in the thread). */
  transcript(): string {
    return this.of('onOutput')
      .map((e) => String(e.args[1]))
      .join('\n');
  }

  /** Wait (bounded) until an event of `type` matching `match` has been recorded; returns it. */
  waitFor(
    type: keyof RunnerEvents,
    match: (e: RecordedEvent) => boolean = () => true,
    timeoutMs = REAL_PROCESS_WAIT_MS,
  ): Promise<RecordedEvent> {
    const find = () => this.events.find((e) => e.type === type && match(e));
    return new Promise((resolve, reject) => {
      const found = find();
      if (found !== undefined) return resolve(found);
      const listener = () => {
        const hit = find();
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = this.events.map((e) => `${e.type} ${JSON.stringify(e.args).slice(0, 100)}`).join('\n  ');
        reject(new Error(`Timed out waiting for ${type}. Events so far:\n  ${seen}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }

  /** Wait until the transcript contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<RecordedEvent> {
    return this.waitFor('onOutput', (e) => String(e.args[1]).includes(text), timeoutMs);
  }
}

/** Poll `condition` until it holds (bounded). */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = REAL_PROCESS_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
