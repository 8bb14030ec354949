/**
 * Masking of anything that looks like a platform token, applied to every log line and every error the CLI
 * prints. A token must never reach a terminal, a log file or a bug report.
 * @module
 */

/** What a masked secret is replaced with (a Telegram token keeps its public bot id). */
export const MASK = '[redacted]';

const SECRET_PATTERNS: readonly { readonly pattern: RegExp; readonly replacement: string }[] = [
  // Telegram bot token: `<bot id>:<35 characters>`; the bot id is public, the rest is the secret.
  { pattern: /(\d+):[A-Za-z0-9_-]{30,}/g, replacement: `$1:${MASK}` },
  // Slack bot, user, app-level and refresh tokens.
  { pattern: /\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, replacement: `$1-${MASK}` },
  // Discord bot token: base64 user id, timestamp, HMAC.
  { pattern: /[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, replacement: MASK },
];

/**
 * Replace every substring that looks like a Telegram, Slack or Discord token with {@link MASK}.
 * @param text - Any text about to be shown or logged.
 * @example
 * ```ts
 * maskSecrets('token 123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0'); // 'token 123456:[redacted]'
 * ```
 */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const { pattern, replacement } of SECRET_PATTERNS) masked = masked.replace(pattern, replacement);
  return masked;
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
