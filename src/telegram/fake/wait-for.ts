/**
 * Bounded waiting for a condition on the fake's world, re-checked on every change and on a short interval.
 * @module
 */
import type { TelegramWorld } from './model.js';
import { describeWorld } from './readers.js';

/** Options of `FakeTelegramServer.waitFor`. */
export interface WaitForOptions {
  /**
   * Real milliseconds before giving up.
   * @defaultValue 5000
   */
  readonly timeoutMs?: number;
  /** Words for the timeout message, e.g. `'the approval card'`. */
  readonly what?: string;
}

const RECHECK_INTERVAL_MS = 10;

/**
 * Resolves with the predicate's first truthy value; rejects after `timeoutMs` with a dump of every topic.
 * @param world - the fake's world (its changes trigger re-checks).
 * @param predicate - returns a truthy value once satisfied; exceptions count as "not yet".
 * @param options - timeout and description.
 */
export function waitForCondition<T>(
  world: TelegramWorld,
  predicate: () => T | undefined | null | false,
  options: WaitForOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    const check = (): boolean => {
      try {
        const value = predicate();
        if (value !== undefined && value !== null && value !== false) {
          finish();
          resolve(value);
          return true;
        }
      } catch (error) {
        lastError = error;
      }
      return false;
    };
    const unsubscribe = world.onChange(() => void check());
    const interval = setInterval(check, RECHECK_INTERVAL_MS);
    const timeout = setTimeout(() => {
      if (check()) return;
      finish();
      const cause = lastError instanceof Error ? `\nlast predicate error: ${lastError.message}` : '';
      reject(
        new Error(
          `FakeTelegramServer.waitFor: ${options.what ?? 'condition'} not met within ${timeoutMs} ms.${cause}\nWhat the chats hold:\n${describeWorld(world)}`,
        ),
      );
    }, timeoutMs);
    const finish = () => {
      unsubscribe();
      clearInterval(interval);
      clearTimeout(timeout);
    };
    check();
  });
}
