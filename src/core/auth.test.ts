import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Authorizer, type AuthorizerOptions } from './auth.js';
import { ConfigError } from './errors.js';
import { normalizePairingCode, PairingCodeMatcher, SlidingWindowLimiter } from './pairing.js';
import { MemoryStore } from './store/memory.js';
import { SqliteStore } from './store/sqlite.js';
import type { ChatUser, Clock } from './types.js';

class FakeClock implements Clock {
  time = 1_700_000_000_000;
  now = () => this.time;
  setTimeout = () => undefined;
  clearTimeout = () => undefined;
  advance(ms: number) {
    this.time += ms;
  }
}

const person = (id: string, name = `user${id}`): ChatUser => ({ id, name, platform: 'telegram' });
const ann = person('1001', 'ann');
const mallory = person('666', 'mallory');

function setup(options: Partial<AuthorizerOptions> = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const auth = new Authorizer({ platform: 'telegram', store, clock, ...options });
  return { store, clock, auth };
}

const wrongCodeFor = (code: string) => (code === '00000000' ? '11111111' : '00000000');

describe('Authorizer with an allowlist', () => {
  it('authorizes the listed users only, whether their ids were given as numbers or strings', () => {
    const { auth } = setup({ allowedUserIds: [1001, ' 1002 ', 'U0ABC'] });
    expect(auth.isAuthorized('1001')).toBe(true);
    expect(auth.isAuthorized('1002')).toBe(true);
    expect(auth.isAuthorized('U0ABC')).toBe(true);
    expect(auth.isAuthorized('666')).toBe(false);
    expect(auth.isAuthorized('')).toBe(false);
  });

  it('has pairing off unless asked for, and says so to a stranger trying a code', () => {
    const { auth } = setup({ allowedUserIds: [1001] });
    expect(auth.pairingEnabled).toBe(false);
    expect(auth.pairingCode).toBeUndefined();
    expect(auth.tryPair(mallory, '12345678')).toEqual({ ok: false, reason: 'pairing_disabled' });
    expect(auth.isAuthorized(mallory.id)).toBe(false);
    expect(auth.tryPair(ann, 'anything')).toEqual({ ok: true, alreadyPaired: true });
  });

  it('turns pairing on next to the allowlist when asked', () => {
    const { auth } = setup({ allowedUserIds: [1001], requirePairing: true });
    expect(auth.pairingEnabled).toBe(true);
    expect(auth.pairingCode).toMatch(/^\d{8}$/);
  });
});

describe('Authorizer pairing', () => {
  it('generates a random 8-digit code when no allowlist is given', () => {
    const codes = new Set(Array.from({ length: 20 }, () => setup().auth.pairingCode));
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(codes.size).toBeGreaterThan(15);
    expect(setup().auth.pairingEnabled).toBe(true);
  });

  it('pairs a person who sends the code, remembers them, and says so when they pair again', () => {
    const { auth, store } = setup();
    expect(auth.isAuthorized(ann.id)).toBe(false);
    expect(auth.tryPair(ann, auth.pairingCode!)).toEqual({ ok: true, alreadyPaired: false });
    expect(auth.isAuthorized(ann.id)).toBe(true);
    expect(auth.tryPair(ann, auth.pairingCode!)).toEqual({ ok: true, alreadyPaired: true });
    expect(auth.pairedUsers()).toEqual([
      { platform: 'telegram', userId: ann.id, name: 'ann', pairedAt: expect.any(Number) },
    ]);
    // Another authorizer on the same store (a restart) still knows ann; another platform does not.
    expect(new Authorizer({ platform: 'telegram', store }).isAuthorized(ann.id)).toBe(true);
    expect(new Authorizer({ platform: 'discord', store }).isAuthorized(ann.id)).toBe(false);
  });

  it('keeps paired users across a restart of the SQLite store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-tether-auth-'));
    try {
      const first = SqliteStore.open(dir);
      const auth = new Authorizer({ platform: 'telegram', store: first, pairingCode: '4242-4242' });
      expect(auth.tryPair(ann, '42424242').ok).toBe(true);
      first.close();
      const second = SqliteStore.open(dir);
      const again = new Authorizer({ platform: 'telegram', store: second, pairingCode: '9999-0000' });
      expect(again.isAuthorized(ann.id)).toBe(true);
      expect(again.isAuthorized(mallory.id)).toBe(false);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a fixed code typed with spaces, dashes or full-width digits', () => {
    const spaced = setup({ pairingCode: '1234-5678', allowedUserIds: [1] }).auth;
    expect(spaced.pairingEnabled).toBe(true);
    expect(spaced.tryPair(person('a'), ' 1234 5678 ').ok).toBe(true);
    const wide = setup({ pairingCode: '1234-5678', allowedUserIds: [1] }).auth;
    expect(wide.tryPair(person('b'), '１２３４５６７８').ok).toBe(true);
    expect(wide.tryPair(person('c'), '12345679')).toEqual({ ok: false, reason: 'wrong_code' });
  });

  it('treats a code of any other length as simply wrong', () => {
    const { auth } = setup({ pairingCode: 'correct horse battery' });
    for (const attempt of ['', '1', 'correct horse', 'x'.repeat(10_000)]) {
      expect(auth.tryPair(person(`p${attempt.length}`), attempt)).toEqual({
        ok: false,
        reason: 'wrong_code',
      });
    }
    expect(auth.tryPair(ann, 'CORRECT-HORSE-BATTERY').ok).toBe(true);
  });

  it('a code pairs one person only: the next code is announced, a used fixed code stays used after a restart', () => {
    const store = new MemoryStore();
    const auth = new Authorizer({ platform: 'telegram', store, pairingCode: '1234-5678' });
    const announced: string[] = [];
    auth.onPairingCode((code) => announced.push(code));
    expect(auth.tryPair(ann, '12345678').ok).toBe(true);
    // Somebody who read the code in the chat cannot reuse it.
    expect(auth.tryPair(mallory, '12345678')).toEqual({ ok: false, reason: 'wrong_code' });
    expect(announced).toEqual([auth.pairingCode]);
    const restarted = new Authorizer({ platform: 'telegram', store, pairingCode: '1234-5678' });
    expect(restarted.pairingCode).not.toBe('1234-5678');
    expect(restarted.tryPair(mallory, '12345678')).toEqual({ ok: false, reason: 'wrong_code' });
    expect(restarted.isAuthorized(ann.id)).toBe(true);
    // Opting in keeps a code usable.
    const reusable = new Authorizer({
      platform: 'slack',
      store,
      pairingCode: '8765-4321',
      reusablePairingCode: true,
    });
    expect(reusable.tryPair(ann, '87654321').ok).toBe(true);
    expect(reusable.tryPair(mallory, '87654321').ok).toBe(true);
  });

  it('refuses a guessable fixed code, explaining the fix', () => {
    expect(() => setup({ pairingCode: '1234' })).toThrow(ConfigError);
    expect(() => setup({ pairingCode: '12 34-56' })).toThrow(/at least 8.*Fix:/);
  });

  it('forgets a paired user on unpair, without touching the allowlist', () => {
    const { auth, store } = setup({ allowedUserIds: [7], requirePairing: true });
    auth.tryPair(ann, auth.pairingCode!);
    auth.unpair(ann.id);
    auth.unpair('7');
    expect(auth.isAuthorized(ann.id)).toBe(false);
    expect(auth.isAuthorized('7')).toBe(true);
    expect(auth.pairedUsers()).toEqual([]);
    expect(store.listAudit().map((e) => e.action)).toEqual(['pairing.paired', 'pairing.unpaired']);
  });
});

describe('Authorizer against guessing', () => {
  it('locks a user out after 5 wrong codes for 15 minutes, even with the right code', () => {
    const { auth, clock } = setup();
    const code = auth.pairingCode!;
    for (let i = 0; i < 5; i++) {
      expect(auth.tryPair(mallory, wrongCodeFor(code))).toEqual({ ok: false, reason: 'wrong_code' });
      clock.advance(1000);
    }
    const locked = auth.tryPair(mallory, code);
    expect(locked).toEqual({ ok: false, reason: 'rate_limited', retryAfterMs: 15 * 60_000 - 5000 });
    expect(auth.isAuthorized(mallory.id)).toBe(false);
    // Other people are not affected.
    expect(auth.tryPair(ann, code).ok).toBe(true);
    // The code was used up by ann: the next one is different.
    const next = auth.pairingCode!;
    expect(next).not.toBe(code);

    clock.advance(15 * 60_000 - 5001);
    expect(auth.tryPair(mallory, next)).toMatchObject({ reason: 'rate_limited', retryAfterMs: 1 });
    clock.advance(1);
    expect(auth.tryPair(mallory, next)).toEqual({ ok: true, alreadyPaired: false });
  });

  it('honours a custom per-user limit', () => {
    const { auth } = setup({ maxFailedAttempts: 2 });
    const wrong = wrongCodeFor(auth.pairingCode!);
    auth.tryPair(mallory, wrong);
    auth.tryPair(mallory, wrong);
    expect(auth.tryPair(mallory, wrong)).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(() => setup({ maxFailedAttempts: 0 })).toThrow(ConfigError);
  });

  it('accepts at most 20 wrong codes a minute from everyone together', () => {
    const { auth, clock } = setup();
    const code = auth.pairingCode!;
    for (let i = 0; i < 20; i++) expect(auth.tryPair(person(`sock${i}`), wrongCodeFor(code)).ok).toBe(false);
    const blocked = auth.tryPair(ann, code);
    expect(blocked).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(blocked.ok === false && blocked.retryAfterMs).toBe(60_000);
    clock.advance(60_000);
    expect(auth.tryPair(ann, code).ok).toBe(true);
  });

  it('makes guessing 8 digits hopeless: an hour of attempts from endless accounts checks at most 1200 codes', () => {
    const { auth, clock } = setup();
    let checked = 0;
    for (let second = 0; second < 3600; second++) {
      for (let k = 0; k < 3; k++) {
        const result = auth.tryPair(person(`bot-${second}-${k}`), String(second * 3 + k).padStart(8, '0'));
        if (result.ok || result.reason === 'wrong_code') checked++;
      }
      clock.advance(1000);
    }
    expect(checked).toBeLessThanOrEqual(20 * 60);
    // At that rate covering 10^8 codes takes about 9.5 years.
  });
});

describe('Authorizer audit trail', () => {
  it('audits pairings and failed attempts without ever writing a code', () => {
    const { auth, store } = setup({ pairingCode: '31415926' });
    auth.tryPair(mallory, '27182818');
    auth.tryPair(ann, '31415926');
    const entries = store.listAudit();
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'pairing.failed',
        userId: '666',
        userName: 'mallory',
        detail: 'wrong_code',
      }),
      expect.objectContaining({
        action: 'pairing.paired',
        userId: '1001',
        userName: 'ann',
        platform: 'telegram',
      }),
    ]);
    const written = JSON.stringify(entries);
    expect(written).not.toContain('31415926');
    expect(written).not.toContain('27182818');
  });

  it('audits a refused action with where it happened', () => {
    const { auth, store, clock } = setup({ allowedUserIds: [1001] });
    auth.refuse(mallory, 'approval.answer', { threadId: 't1', requestId: 'r1' });
    expect(store.listAudit()).toEqual([
      {
        at: clock.time,
        platform: 'telegram',
        userId: '666',
        userName: 'mallory',
        action: 'auth.refused',
        threadId: 't1',
        requestId: 'r1',
        detail: 'approval.answer',
      },
    ]);
  });

  it('audits a flood of refusals only up to a bounded rate, so it cannot fill the disk', () => {
    const { auth, store, clock } = setup({ allowedUserIds: [1001] });
    for (let i = 0; i < 500; i++) auth.refuse(mallory, 'input');
    expect(store.listAudit()).toHaveLength(10);
    clock.advance(60_000);
    auth.refuse(mallory, 'input');
    expect(store.listAudit()).toHaveLength(11);
  });
});

describe('Authorizer allowAnyone', () => {
  it('authorizes everyone and turns pairing off', () => {
    const { auth } = setup({ allowAnyone: true });
    expect(auth.isAuthorized('whoever')).toBe(true);
    expect(auth.pairingEnabled).toBe(false);
    expect(auth.pairingCode).toBeUndefined();
  });

  it('refuses to be combined with requirePairing', () => {
    expect(() => setup({ allowAnyone: true, requirePairing: true })).toThrow(/contradict.*Fix:/);
  });
});

describe('pairing primitives', () => {
  it('normalises what people type', () => {
    expect(normalizePairingCode(' 12-34 56.78 ')).toBe('12345678');
    expect(normalizePairingCode('abcd-efgh')).toBe('ABCDEFGH');
  });

  it('compares codes of any length without throwing', () => {
    const matcher = new PairingCodeMatcher('12345678');
    expect(matcher.matches('1234-5678')).toBe(true);
    expect(matcher.matches('123456789')).toBe(false);
    expect(matcher.matches('')).toBe(false);
  });

  it('keeps the attempt counter bounded in memory', () => {
    const limiter = new SlidingWindowLimiter(1, 60_000, 100);
    for (let i = 0; i < 1000; i++) limiter.record(`user${i}`, 0);
    // The oldest keys were forgotten; the newest are still limited.
    expect(limiter.retryAfter('user0', 1)).toBe(0);
    expect(limiter.retryAfter('user999', 1)).toBe(59_999);
  });
});
