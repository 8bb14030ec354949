import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMITS, PayloadCodec } from './codec.js';

describe('button payload codec', () => {
  const codec = new PayloadCodec('0123456789abcdef0123456789abcdef');

  it('fits Telegram callback data (64 bytes) for any request id and round-trips', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 500 }),
        fc.integer({ min: 0, max: 99 }),
        (requestId, index) => {
          for (const action of [
            { type: 'allow' },
            { type: 'deny_reason' },
            { type: 'choice', index },
          ] as const) {
            const payload = codec.encode(requestId, action);
            expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(PAYLOAD_LIMITS.telegram);
            const decoded = codec.decode(payload);
            expect(decoded?.action).toEqual(action);
            expect(codec.matches(decoded?.token ?? '', requestId)).toBe(true);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
    );
  });

  it('refuses forged and foreign payloads', () => {
    const other = new PayloadCodec('another-secret-of-enough-length!');
    const forged = other.encode('req-1', { type: 'allow' });
    const decoded = codec.decode(forged);
    expect(decoded && codec.matches(decoded.token, 'req-1')).toBe(false);
    for (const junk of [
      '',
      'at1:a',
      'at1:z:AAAAAAAAAAAAAAAA',
      'at1:a:short',
      `at1:a:${'A'.repeat(100)}`,
      'allow',
    ]) {
      expect(codec.decode(junk)).toBeUndefined();
    }
  });
});
