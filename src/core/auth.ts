/**
 * {@link Authorizer}: who may act on a platform — an allowlist, users paired with a pairing code
 * (persisted in the {@link Store}), or, only when explicitly asked for, anyone.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigError } from './errors.js';
import {
  generatePairingCode,
  normalizePairingCode,
  PairingCodeMatcher,
  SlidingWindowLimiter,
  validatePairingCode,
} from './pairing.js';
import type { Store, StoredPairedUser } from './store/types.js';
import { type ChatUser, type Clock, systemClock } from './types.js';

/** Wrong codes one user may try per {@link USER_ATTEMPT_WINDOW_MS} by default. */
export const DEFAULT_MAX_FAILED_ATTEMPTS = 5;
/** The per-user window for wrong pairing codes: 15 minutes. */
export const USER_ATTEMPT_WINDOW_MS = 15 * 60_000;
/** Wrong codes accepted from everyone together per {@link GLOBAL_ATTEMPT_WINDOW_MS}. */
export const GLOBAL_MAX_FAILED_ATTEMPTS = 20;
/** The global window for wrong pairing codes: 1 minute. */
export const GLOBAL_ATTEMPT_WINDOW_MS = 60_000;

/** Refusals and throttled attempts audited per user per minute; more are dropped so a flood cannot fill the disk. */
const NOISY_AUDITS_PER_USER = 10;
/** The same, for everyone together. */
const NOISY_AUDITS_GLOBAL = 100;
const MAX_NAME_LENGTH = 128;

/** Options of {@link Authorizer}. */
export interface AuthorizerOptions {
  /** The platform this authorizer guards, e.g. `telegram`. Paired users are stored under it. */
  platform: string;
  /** Where paired users and the audit log are kept. */
  store: Store;
  /** Users always authorized, by platform user id (numbers are stringified). */
  allowedUserIds?: Iterable<string | number>;
  /**
   * A fixed pairing code (at least 8 characters; spaces and dashes are ignored). Implies pairing.
   * @defaultValue a random 8-digit code, when pairing is on
   */
  pairingCode?: string;
  /**
   * Keep the pairing code valid after it has been used. Less safe: the code is typed in a shared chat.
   * @defaultValue false (each code pairs one person, then a new one is generated)
   */
  reusablePairingCode?: boolean;
  /**
   * Whether people can pair by sending the code.
   * @defaultValue true when `allowedUserIds` is empty or `pairingCode` is given
   */
  requirePairing?: boolean;
  /**
   * Dangerous: authorize everyone who can write to the bot. For a private channel you fully control.
   * @defaultValue false
   */
  allowAnyone?: boolean;
  /** The clock for the attempt limits. @defaultValue systemClock */
  clock?: Clock;
  /**
   * Masks the free text of audit records (a person's name can hold a secret; a bridge passes its secret
   * masking here). @defaultValue no masking
   */
  maskAudit?: (text: string, threadId: string | undefined) => string;
  /**
   * Wrong codes one user may send per 15 minutes before being refused for a while. Independently, at most
   * 20 wrong codes per minute are accepted from everyone together.
   * @defaultValue 5
   */
  maxFailedAttempts?: number;
}

/** The outcome of {@link Authorizer.tryPair}. */
export type PairingResult =
  | { readonly ok: true; readonly alreadyPaired: boolean }
  | {
      readonly ok: false;
      readonly reason: 'wrong_code' | 'rate_limited' | 'pairing_disabled';
      /** For `rate_limited`: how long until the next attempt is accepted. */
      readonly retryAfterMs?: number;
    };

/** Where a refused action happened, for the audit log. */
export interface RefusalContext {
  readonly threadId?: string;
  readonly requestId?: string;
}

/**
 * Decides who may act on one platform, and runs pairing: a person not on the allowlist sends the pairing
 * code (shown to the operator on the terminal) and is remembered in the store from then on.
 * Wrong codes are limited per user and globally, so guessing an 8-digit code is hopeless; the code is
 * never logged or audited.
 * @example
 * ```ts
 * const auth = new Authorizer({ platform: 'telegram', store, allowedUserIds: [123456789] });
 * if (!auth.isAuthorized(user.id)) {
 *   auth.refuse(user, 'approval.answer', { threadId });
 *   return;
 * }
 * ```
 */
export class Authorizer {
  /** The platform this authorizer guards. */
  readonly platform: string;
  /** Whether people can pair with {@link Authorizer.tryPair}. */
  readonly pairingEnabled: boolean;
  /**
   * The code to show the operator (never to log), or undefined when pairing is off. Codes are single-use:
   * after someone pairs, a new code replaces it (see {@link Authorizer.onPairingCode}), because the person typed
   * the old one where others in the chat could read it.
   */
  get pairingCode(): string | undefined {
    return this.#code;
  }

  #code: string | undefined;
  readonly #codeListeners = new Set<(code: string) => void>();
  readonly #reusable: boolean;

  readonly #store: Store;
  readonly #clock: Clock;
  readonly #mask: (text: string, threadId: string | undefined) => string;
  readonly #allowed: ReadonlySet<string>;
  readonly #allowAnyone: boolean;
  #matcher: PairingCodeMatcher | undefined;
  readonly #userFailures: SlidingWindowLimiter;
  readonly #globalFailures = new SlidingWindowLimiter(GLOBAL_MAX_FAILED_ATTEMPTS, GLOBAL_ATTEMPT_WINDOW_MS);
  readonly #noisyPerUser = new SlidingWindowLimiter(NOISY_AUDITS_PER_USER, 60_000);
  readonly #noisyGlobal = new SlidingWindowLimiter(NOISY_AUDITS_GLOBAL, 60_000);

  /** @throws ConfigError on contradictory or unsafe options, saying how to fix them. */
  constructor(options: AuthorizerOptions) {
    if (!options.platform) throw new ConfigError('Authorizer needs a platform name, e.g. "telegram".');
    const maxFailed = options.maxFailedAttempts ?? DEFAULT_MAX_FAILED_ATTEMPTS;
    if (!Number.isInteger(maxFailed) || maxFailed < 1) {
      throw new ConfigError(`maxFailedAttempts must be a whole number of at least 1, got ${maxFailed}.`);
    }
    const allowAnyone = options.allowAnyone === true;
    if (allowAnyone && options.requirePairing === true) {
      throw new ConfigError(
        'allowAnyone and requirePairing contradict each other: with allowAnyone everyone is already ' +
          'authorized. Fix: drop one of them.',
      );
    }
    this.platform = options.platform;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#mask = options.maskAudit ?? ((text) => text);
    this.#allowAnyone = allowAnyone;
    this.#allowed = new Set(
      [...(options.allowedUserIds ?? [])].map((id) => String(id).trim()).filter(Boolean),
    );
    this.#userFailures = new SlidingWindowLimiter(maxFailed, USER_ATTEMPT_WINDOW_MS);

    const defaultPairing = this.#allowed.size === 0 || options.pairingCode !== undefined;
    this.pairingEnabled = !allowAnyone && (options.requirePairing ?? defaultPairing);
    this.#reusable = options.reusablePairingCode === true;
    if (this.pairingEnabled) {
      // A fixed code that already paired someone stays used up across restarts.
      const fixed = options.pairingCode;
      const usable = fixed !== undefined && (this.#reusable || !this.#store.getValue(this.#usedKey(fixed)));
      const code = usable ? fixed : generatePairingCode();
      this.#matcher = new PairingCodeMatcher(validatePairingCode(code));
      this.#code = code;
    } else {
      this.#matcher = undefined;
      this.#code = undefined;
    }
  }

  /** Whether `userId` may act: on the allowlist, paired (as stored), or everyone with `allowAnyone`. */
  isAuthorized(userId: string): boolean {
    if (this.#allowAnyone) return true;
    if (userId === '') return false;
    if (this.#allowed.has(userId)) return true;
    return this.#store.listPairedUsers(this.platform).some((paired) => paired.userId === userId);
  }

  /**
   * Tries to pair `user` with the code they sent. Already authorized users (allowlisted, paired, or
   * everyone with `allowAnyone`) succeed with `alreadyPaired: true` whatever they sent. A rate-limited user is refused even with the right code.
   * Every outcome is audited (`pairing.paired` / `pairing.failed`), never with the code.
   */
  tryPair(user: ChatUser, code: string): PairingResult {
    const now = this.#clock.now();
    if (this.isAuthorized(user.id)) return { ok: true, alreadyPaired: true };
    if (!this.pairingEnabled || this.#matcher === undefined) {
      this.#auditNoisy(user, 'pairing.failed', 'pairing_disabled');
      return { ok: false, reason: 'pairing_disabled' };
    }

    const retryAfterMs = Math.max(
      this.#userFailures.retryAfter(user.id, now),
      this.#globalFailures.retryAfter('*', now),
    );
    if (retryAfterMs > 0) {
      this.#auditNoisy(user, 'pairing.failed', 'rate_limited');
      return { ok: false, reason: 'rate_limited', retryAfterMs };
    }

    if (!this.#matcher.matches(code)) {
      this.#userFailures.record(user.id, now);
      this.#globalFailures.record('*', now);
      this.#audit(user, 'pairing.failed', 'wrong_code');
      return { ok: false, reason: 'wrong_code' };
    }

    this.#userFailures.clear(user.id);
    this.#store.putPairedUser({
      platform: this.platform,
      userId: user.id,
      name: user.name.slice(0, MAX_NAME_LENGTH),
      pairedAt: now,
    });
    this.#audit(user, 'pairing.paired');
    if (!this.#reusable) this.#rotateCode();
    return { ok: true, alreadyPaired: false };
  }

  /** Be told the new code each time one is used up. Returns a remover. */
  onPairingCode(listener: (code: string) => void): () => void {
    this.#codeListeners.add(listener);
    return () => this.#codeListeners.delete(listener);
  }

  #usedKey(code: string): string {
    const digest = createHash('sha256').update(normalizePairingCode(code)).digest('base64url');
    return `pairing-used:${this.platform}:${digest}`;
  }

  #rotateCode(): void {
    if (this.#code !== undefined) this.#store.setValue(this.#usedKey(this.#code), String(this.#clock.now()));
    const code = generatePairingCode();
    this.#matcher = new PairingCodeMatcher(code);
    this.#code = code;
    for (const listener of this.#codeListeners) listener(code);
  }

  /** Forgets a paired user (allowlisted users stay authorized). Audited as `pairing.unpaired`. */
  unpair(userId: string): void {
    const known = this.#store.listPairedUsers(this.platform).find((paired) => paired.userId === userId);
    this.#store.deletePairedUser(this.platform, userId);
    if (known) {
      this.#store.audit({
        at: this.#clock.now(),
        platform: this.platform,
        userId,
        userName: this.#mask(known.name, undefined),
        action: 'pairing.unpaired',
      });
    }
  }

  /** The users paired on this platform, oldest first. */
  pairedUsers(): StoredPairedUser[] {
    return this.#store.listPairedUsers(this.platform);
  }

  /**
   * Records that `user` was refused `action` (e.g. `approval.answer`, `input`) as an `auth.refused`
   * audit entry. A flood of refusals is audited only up to a bounded rate.
   */
  refuse(user: ChatUser, action: string, context: RefusalContext = {}): void {
    this.#auditNoisy(user, 'auth.refused', action, context);
  }

  #audit(user: ChatUser, action: string, detail?: string, context: RefusalContext = {}): void {
    this.#store.audit({
      at: this.#clock.now(),
      platform: this.platform,
      userId: user.id,
      userName: this.#mask(user.name.slice(0, MAX_NAME_LENGTH), context.threadId),
      action,
      ...(context.threadId !== undefined && { threadId: context.threadId }),
      ...(context.requestId !== undefined && { requestId: context.requestId }),
      ...(detail !== undefined && { detail: this.#mask(detail, context.threadId) }),
    });
  }

  #auditNoisy(user: ChatUser, action: string, detail: string, context: RefusalContext = {}): void {
    const now = this.#clock.now();
    if (this.#noisyPerUser.retryAfter(user.id, now) > 0 || this.#noisyGlobal.retryAfter('*', now) > 0) return;
    this.#noisyPerUser.record(user.id, now);
    this.#noisyGlobal.record('*', now);
    this.#audit(user, action, detail, context);
  }
}

/** The short text shown to a person after a failed pairing attempt, naming what to do next. */
export function describePairingFailure(result: Extract<PairingResult, { ok: false }>): string {
  if (result.reason === 'rate_limited') {
    return `⏳ Too many wrong codes. Try again in ${Math.ceil((result.retryAfterMs ?? 60_000) / 1000)} s.`;
  }
  if (result.reason === 'pairing_disabled') {
    return 'Pairing is turned off here: ask the owner to add your user id to allowedUserIds.';
  }
  return '❌ Wrong pairing code.';
}
