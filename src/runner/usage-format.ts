/**
 * Usage and other metadata as a person reads it: `tokens: 1,843 input · 612 output`, `cost: $0.0214`, not
 * the raw JSON an agent reported.
 * @module
 */

const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 6 });

/**
 * One metadata value for a chat line (plain text; the caller escapes it).
 * @param key - The metadata key, e.g. `tokens`, `cost`.
 * @param value - The parsed value.
 * @param raw - The value as reported, used when it has no friendlier form.
 */
export function formatUsageValue(key: string, value: unknown, raw: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return /cost|usd/i.test(key) ? `$${number(value)}` : number(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
      .map(([k, v]) => `${typeof v === 'number' ? number(v) : v} ${k.replace(/_/g, ' ')}`);
    if (parts.length > 0) return parts.join(' · ');
  }
  return raw;
}
