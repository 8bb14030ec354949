/**
 * Masking of anything that looks like a platform token, applied to every log line and every error the CLI
 * prints. A token must never reach a terminal, a log file or a bug report.
 * @module
 */
import { SecretMasker } from '../core/secrets/masker.js';

/** What a masked secret is replaced with (a Telegram token keeps its public bot id, a Slack token its prefix). */
export const MASK = '[redacted]';

/**
 * The same masker the bridges use for chat text (every built-in format and secret-named setting), plus two
 * lenient patterns for platform tokens of unusual length, which a log must never show either.
 */
const LOG_MASKER = new SecretMasker({
  patterns: [
    { label: 'Telegram bot token', pattern: '(?<=\\d:)[A-Za-z0-9_-]{30,}' },
    { label: 'Slack token', pattern: '(?<=\\b(?:xox[a-z]|xapp)-)[A-Za-z0-9-]{8,}' },
  ],
});

/**
 * Replace every secret in `text` with {@link MASK}: the bridges' masker (see `SecretMasker`), rendered for logs.
 * @param text - Any text about to be shown or logged.
 * @example
 * ```ts
 * maskSecrets('token 123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'); // 'token 123456:[redacted]'
 * ```
 */
export function maskSecrets(text: string): string {
  return LOG_MASKER.mask(text, undefined, () => MASK);
}

/**
 * A copy of `value` with every string masked by {@link maskSecrets}; errors become plain objects
 * (`type`, `message`, `stack`, `code`) so their text is masked too. Cycles and depth are bounded.
 * @param value - A log object or any value inside one.
 */
export function maskSecretsDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: maskSecrets(value.message),
      ...(value.stack === undefined ? {} : { stack: maskSecrets(value.stack) }),
      ...(code === undefined ? {} : { code }),
      ...(value.cause === undefined ? {} : { cause: maskSecretsDeep(value.cause, depth + 1, seen) }),
    };
  }
  if (Array.isArray(value)) return value.map((item) => maskSecretsDeep(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = maskSecretsDeep(item, depth + 1, seen);
  return copy;
}
