import { describe, expect, it } from 'vitest';
import { inQuietHours } from './reminders.js';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  it('cover a window in the given time zone, wrapping past midnight', () => {
    const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };
    expect(inQuietHours(night, at('2030-01-01T21:30:00Z'))).toBe(true); // 22:30 in Paris
    expect(inQuietHours(night, at('2030-01-01T05:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(night, at('2030-01-01T06:00:00Z'))).toBe(false); // 07:00
    expect(inQuietHours(night, at('2030-01-01T12:00:00Z'))).toBe(false);
    const lunch = { start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(inQuietHours(lunch, at('2030-01-01T12:30:00Z'))).toBe(true);
    expect(inQuietHours(lunch, at('2030-01-01T13:00:00Z'))).toBe(false);
  });

  it('a malformed time is refused with the fix', () => {
    expect(() => inQuietHours({ start: '9pm', end: '07:00' }, 0)).toThrow(/not a time like 22:00/);
  });
});
