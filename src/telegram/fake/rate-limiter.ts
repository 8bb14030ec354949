/**
 * Sliding-window flood control with Telegram's documented limits, on fake time.
 * @module
 */
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import type { FakeTelegramRateLimits } from './types.js';

interface Window {
  readonly limit: number;
  readonly spanMs: number;
  readonly key: string;
}

/** Counts calls that create or edit messages per chat, per group and globally, and says how long to wait when over. */
export class FloodControl {
  readonly #sent = new Map<string, number[]>();
  readonly #limits: Required<FakeTelegramRateLimits> | undefined;

  /**
   * @param limits - the limits, or `false` for none.
   * @param clock - fake time source.
   */
  constructor(
    limits: FakeTelegramRateLimits | false | undefined,
    readonly clock: ScaledClock,
  ) {
    this.#limits =
      limits === false
        ? undefined
        : {
            perChatPerSecond: limits?.perChatPerSecond ?? 1,
            perGroupPerMinute: limits?.perGroupPerMinute ?? 20,
            globalPerSecond: limits?.globalPerSecond ?? 30,
          };
  }

  /**
   * Records a message to `chatId` if every window has room.
   * @param chatId - the destination chat.
   * @returns `undefined` when recorded, else the fake milliseconds until the fullest window frees a slot.
   */
  tryConsume(chatId: number): number | undefined {
    if (!this.#limits) return undefined;
    const now = this.clock.now();
    const windows: Window[] = [
      { key: `chat:${chatId}`, limit: this.#limits.perChatPerSecond, spanMs: 1000 },
      { key: 'global', limit: this.#limits.globalPerSecond, spanMs: 1000 },
    ];
    if (chatId < 0)
      windows.push({ key: `group:${chatId}`, limit: this.#limits.perGroupPerMinute, spanMs: 60_000 });
    let waitMs = 0;
    for (const window of windows) {
      const times = this.#recent(window, now);
      if (times.length >= window.limit) {
        const oldest = times[times.length - window.limit] ?? now;
        waitMs = Math.max(waitMs, oldest + window.spanMs - now);
      }
    }
    if (waitMs > 0) return waitMs;
    for (const window of windows) this.#recent(window, now).push(now);
    return undefined;
  }

  #recent(window: Window, now: number): number[] {
    const times = (this.#sent.get(window.key) ?? []).filter((t) => t > now - window.spanMs);
    this.#sent.set(window.key, times);
    return times;
  }
}

/**
 * The `retry_after` to report for a fake wait: the wait rounded up to whole fake seconds (as Telegram
 * reports integers), then converted to real seconds so a client sleeping `retry_after` seconds
 * (grammY's polling loop, `@grammyjs/auto-retry`) sleeps the scaled time. With `timeScale` 1 this is
 * Telegram's integer; with `timeScale < 1` it is a fraction such as `0.01`.
 * @param fakeWaitMs - how long the flood window needs, in fake ms.
 * @param clock - the fake clock.
 */
export function retryAfterSeconds(fakeWaitMs: number, clock: ScaledClock): number {
  const fakeSeconds = Math.max(1, Math.ceil(fakeWaitMs / 1000));
  return Number((fakeSeconds * clock.timeScale).toPrecision(6));
}
