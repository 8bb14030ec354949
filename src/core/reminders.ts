/**
 * Reminders for approvals nobody answers: a new message (which pings, unlike an edit) after a delay, a warning
 * before the request times out, and quiet hours during which neither pings. Escalation to another platform is
 * the router's part (`BridgeRouter` option `escalation`). All timers run on the injected clock.
 * @module
 */
import { ConfigError } from './errors.js';
import type { Clock, Logger } from './types.js';

/** Quiet hours, local to `timeZone`: `start` to `end` (wrapping past midnight when `end` < `start`). */
export interface QuietHours {
  /** `HH:MM`, e.g. `22:00`. */
  readonly start: string;
  /** `HH:MM`, e.g. `07:30`. */
  readonly end: string;
  /** An IANA time zone. @defaultValue the system's */
  readonly timeZone?: string;
}

/** Reminder settings of a bridge (each off-switchable). */
export interface ReminderOptions {
  /** Turn every reminder and warning off. @defaultValue true */
  readonly enabled?: boolean;
  /** Send a reminder this long after the card appeared; `0` for none. @defaultValue 5 minutes */
  readonly remindAfterMs?: number;
  /** Repeat the reminder this many times, `remindAfterMs` apart. @defaultValue 1 */
  readonly repeat?: number;
  /** Warn this long before the request times out; `0` for no warning. @defaultValue 2 minutes */
  readonly warnBeforeTimeoutMs?: number;
  /** During these hours reminders and warnings are not sent (escalations still are). */
  readonly quietHours?: QuietHours;
}

/** The defaults of {@link ReminderOptions}. */
export const REMINDER_DEFAULTS = {
  enabled: true,
  remindAfterMs: 5 * 60_000,
  repeat: 1,
  warnBeforeTimeoutMs: 2 * 60_000,
} as const;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(text: string): number {
  const match = HHMM.exec(text);
  if (!match) throw new ConfigError(`quiet hours: "${text}" is not a time like 22:00 (HH:MM, 24-hour)`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Whether `at` (epoch ms) falls inside the quiet hours. */
export function inQuietHours(quiet: QuietHours, at: number): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(quiet.timeZone !== undefined ? { timeZone: quiet.timeZone } : {}),
  }).formatToParts(new Date(at));
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  const now = hour * 60 + minute;
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** What the reminders need from their bridge. */
export interface ReminderHost {
  /** Post a new message in the thread (Markdown). */
  postText(threadId: string, markdown: string): Promise<void>;
  readonly logger: Logger;
}

interface Tracked {
  readonly threadKey: string;
  readonly label: string;
  readonly handles: unknown[];
  /** When each reminder or warning falls due. */
  readonly times: number[];
}

function span(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  return minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

/** Reminder and warning timers of the open requests of one bridge. */
export class ApprovalReminders {
  readonly #o: Required<Omit<ReminderOptions, 'quietHours'>> & { quietHours?: QuietHours };
  readonly #clock: Clock;
  readonly #host: ReminderHost;
  readonly #tracked = new Map<string, Tracked>();

  constructor(host: ReminderHost, clock: Clock, options: ReminderOptions = {}) {
    this.#host = host;
    this.#clock = clock;
    this.#o = { ...REMINDER_DEFAULTS, ...options };
    if (options.quietHours) {
      // Fail at construction, with the fix, rather than at the first reminder.
      minutesOf(options.quietHours.start);
      minutesOf(options.quietHours.end);
    }
  }

  /**
   * Start the timers of a request whose card is visible.
   * @param label - What the request is, in Markdown (e.g. "**Bash** `npm test`").
   * @param expiresAt - When it times out (epoch ms), if ever.
   */
  track(threadId: string, threadKey: string, requestId: string, label: string, expiresAt?: number): void {
    if (!this.#o.enabled) return;
    const times: number[] = [];
    const tracked: Tracked = { threadKey, label, handles: [], times };
    const now = this.#clock.now();
    const { remindAfterMs, repeat, warnBeforeTimeoutMs } = this.#o;
    if (remindAfterMs > 0) {
      for (let n = 1; n <= repeat; n++) {
        const at = now + remindAfterMs * n;
        if (expiresAt === undefined || at < expiresAt - warnBeforeTimeoutMs) {
          times.push(at);
          tracked.handles.push(
            this.#clock.setTimeout(
              () => this.#ping(threadId, requestId, `⏰ Still waiting for an answer: ${label}`),
              at - now,
            ),
          );
        }
      }
    }
    if (warnBeforeTimeoutMs > 0 && expiresAt !== undefined && expiresAt - warnBeforeTimeoutMs > now) {
      const at = expiresAt - warnBeforeTimeoutMs;
      times.push(at);
      tracked.handles.push(
        this.#clock.setTimeout(
          () =>
            this.#ping(
              threadId,
              requestId,
              `⏳ ${label} times out in ${span(warnBeforeTimeoutMs)}; without an answer it is denied.`,
            ),
          at - now,
        ),
      );
    }
    times.sort((a, b) => a - b);
    this.#tracked.set(requestId, tracked);
  }

  /** Stop a request's timers (it was answered, timed out or cancelled). */
  forget(requestId: string): void {
    const tracked = this.#tracked.get(requestId);
    if (!tracked) return;
    for (const handle of tracked.handles) this.#clock.clearTimeout(handle);
    this.#tracked.delete(requestId);
  }

  /** Stop every timer. */
  dispose(): void {
    for (const requestId of [...this.#tracked.keys()]) this.forget(requestId);
  }

  /** Lines for `/status`: the settings and the next reminder of the thread's open requests. */
  statusLines(threadKey: string | undefined): string[] {
    const o = this.#o;
    if (!o.enabled) return ['Reminders: off'];
    const parts = [
      o.remindAfterMs > 0 ? `after ${span(o.remindAfterMs)}${o.repeat > 1 ? ` (×${o.repeat})` : ''}` : 'none',
      o.warnBeforeTimeoutMs > 0 ? `warning ${span(o.warnBeforeTimeoutMs)} before the timeout` : 'no warning',
    ];
    if (o.quietHours) {
      const quiet = this.isQuiet() ? ' (now)' : '';
      parts.push(
        `quiet ${o.quietHours.start}–${o.quietHours.end}${o.quietHours.timeZone ? ` ${o.quietHours.timeZone}` : ''}${quiet}`,
      );
    }
    const lines = [`Reminders: ${parts.join(', ')}`];
    const now = this.#clock.now();
    for (const tracked of this.#tracked.values()) {
      if (threadKey !== undefined && tracked.threadKey !== threadKey) continue;
      const next = tracked.times.find((at) => at > now);
      if (next !== undefined) lines.push(`• next reminder for ${tracked.label} in ${span(next - now)}`);
    }
    return lines;
  }

  /** Whether now is inside the quiet hours. */
  isQuiet(): boolean {
    return this.#o.quietHours !== undefined && inQuietHours(this.#o.quietHours, this.#clock.now());
  }

  #ping(threadId: string, requestId: string, markdown: string): void {
    if (!this.#tracked.has(requestId) || this.isQuiet()) return;
    this.#host.postText(threadId, markdown).catch((error: unknown) => {
      this.#host.logger.warn({ err: error, threadId }, 'could not send an approval reminder');
    });
  }
}
