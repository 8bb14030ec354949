/**
 * Pairing-code primitives: generating a code, comparing one in constant time, and counting failed
 * attempts in a sliding window. {@link Authorizer} builds on them.
 * @module
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './errors.js';

/** Digits in a generated pairing code: 10^8 codes, out of reach under the attempt limits. */
export const PAIRING_CODE_DIGITS = 8;

/** The shortest fixed pairing code accepted (after normalising). */
export const MIN_PAIRING_CODE_LENGTH = 8;

/** A fresh random pairing code of {@link PAIRING_CODE_DIGITS} digits, from a CSPRNG (`crypto.randomInt`). */
export function generatePairingCode(): string {
  return String(randomInt(0, 10 ** PAIRING_CODE_DIGITS)).padStart(PAIRING_CODE_DIGITS, '0');
}

/**
 * How a typed code is compared: Unicode-normalised (NFKC, so full-width digits count), without spaces,
 * dashes or dots, upper-cased. `1234 5678`, `1234-5678` and `１２３４５６７８` all equal `12345678`.
 */
export function normalizePairingCode(code: string): string {
  return code
    .normalize('NFKC')
    .replace(/[\s\-_.]/gu, '')
    .toUpperCase();
}

/**
 * Checks a fixed pairing code given in configuration and returns its normalised form.
 * @throws ConfigError when it is shorter than {@link MIN_PAIRING_CODE_LENGTH} characters.
 */
export function validatePairingCode(code: string): string {
  const normalized = normalizePairingCode(code);
  if (normalized.length < MIN_PAIRING_CODE_LENGTH) {
    throw new ConfigError(
      `pairingCode is too short (${normalized.length} characters after removing spaces and dashes): ` +
        `it must have at least ${MIN_PAIRING_CODE_LENGTH}, or it can be guessed. ` +
        'Fix: use a longer code, or omit pairingCode to get a random 8-digit one.',
    );
  }
  return normalized;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * A pairing code held as its SHA-256 digest and compared with `crypto.timingSafeEqual` on the digests,
 * which always have the same length: the time taken reveals neither the code's length nor a prefix.
 */
export class PairingCodeMatcher {
  readonly #digest: Buffer;

  /** @param code - The expected code, already normalised. */
  constructor(code: string) {
    this.#digest = digest(code);
  }

  /** Whether `candidate` (as typed by a person) is the code. */
  matches(candidate: string): boolean {
    return timingSafeEqual(this.#digest, digest(normalizePairingCode(candidate)));
  }
}

/**
 * Counts events per key in a sliding time window, e.g. wrong pairing codes per user per 15 minutes.
 * Memory stays bounded: expired keys are swept, and past `maxKeys` the oldest keys are forgotten.
 */
export class SlidingWindowLimiter {
  readonly #events = new Map<string, number[]>();

  /**
   * @param limit - Events allowed in one window; one more is refused.
   * @param windowMs - The window length.
   * @param maxKeys - How many keys to track at most. @defaultValue 10000
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until `key` may act again, or 0 when it is under the limit now. */
  retryAfter(key: string, now: number): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.limit) return 0;
    // The window frees up when the oldest event that keeps us at the limit expires.
    return recent[recent.length - this.limit]! + this.windowMs - now;
  }

  /** Records one event for `key` at `now`. */
  record(key: string, now: number): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#events.delete(key);
    this.#events.set(key, recent.slice(-this.limit));
    if (this.#events.size > this.maxKeys) this.#sweep(now);
  }

  /** Forgets the events of `key`. */
  clear(key: string): void {
    this.#events.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#events.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }

  #sweep(now: number): void {
    for (const [key, events] of this.#events) {
      if (events.every((at) => at <= now - this.windowMs)) this.#events.delete(key);
    }
    // Map order is least recently recorded first.
    for (const key of this.#events.keys()) {
      if (this.#events.size <= this.maxKeys) break;
      this.#events.delete(key);
    }
  }
}
