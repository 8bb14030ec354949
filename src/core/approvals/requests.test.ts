import { describe, expect, it } from 'vitest';
import { newRequestId } from './requests.js';

describe('newRequestId', () => {
  it('is a version 7 UUID that starts with the time, so ids sort in the order they were made', () => {
    const ids = [
      newRequestId(1_700_000_000_000),
      newRequestId(1_700_000_000_001),
      newRequestId(1_800_000_000_000),
    ];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.replaceAll('-', '').slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
  });

  it('differs between two ids made in the same millisecond', () => {
    expect(newRequestId(5)).not.toBe(newRequestId(5));
  });
});
