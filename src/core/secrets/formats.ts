/**
 * Well-known credential formats, each found from a literal anchor (`ghp_`, `AKIA`, `-----BEGIN `, `://`, …)
 * and checked with a bounded, sticky pattern at that spot. No pattern has a nested or unbounded quantifier, and
 * each starts only where the previous character cannot be part of the token, so one scan is linear in the text.
 * @module
 */
import type { ForwardScan } from './scan.js';

/** A secret found in a text: `text.slice(start, start + shown)` stays visible (a public prefix), the rest is masked. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  /** Characters at the start of the span left visible (e.g. `ghp_`, a Telegram bot's public id). */
  readonly shown: number;
  /** What it is, in words: `GitHub token`. */
  readonly label: string;
}

/** A built-in format: found at `anchor`, matched by `match(text, at)` where `at` is the anchor's index. */
export interface FormatRule {
  readonly anchor: string;
  readonly label: string;
  match(text: string, at: number, scan: ForwardScan): SecretSpan | undefined;
}

/** Characters of base64url-ish tokens: a token never starts right after one of them. */
export function isTokenChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A rule for `anchor` + `body` (a bounded regex source); the anchor (or `shown` characters) stays visible. It starts
 * only where no letter or digit precedes. A `fixed` length format must also end where no token character
 * follows (a longer run is something else); a variable-length one takes what its body allows, so a token glued
 * to the next word is still masked.
 */
function prefixed(
  label: string,
  anchor: string,
  body: string,
  shown = anchor.length,
  fixed = false,
): FormatRule {
  const pattern = new RegExp(`${escapeRegExp(anchor)}(?:${body})${fixed ? '(?![A-Za-z0-9_-])' : ''}`, 'y');
  return {
    anchor,
    label,
    match(text, at) {
      if (at > 0 && isAlphanumeric(text.charCodeAt(at - 1))) return undefined;
      pattern.lastIndex = at;
      const m = pattern.exec(text);
      return m ? { start: at, end: at + m[0].length, shown, label } : undefined;
    },
  };
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** The rule of a URL's host and path, found from the `://` before it (webhook URLs). */
function afterScheme(rule: FormatRule): FormatRule {
  return {
    anchor: '://',
    label: rule.label,
    match: (text, at, scan) =>
      text.startsWith(rule.anchor, at + 3) ? rule.match(text, at + 3, scan) : undefined,
  };
}

/** Escape a literal for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const B64URL = 'A-Za-z0-9_-';

/** A JWT: three base64url parts, the first two JSON objects (`eyJ` is `{"`). */
const JWT = prefixed('JWT', 'eyJ', `[${B64URL}]{5,4096}\\.eyJ[${B64URL}]{5,8192}\\.[${B64URL}]{16,2048}`, 0);

/** A PEM private key's BEGIN line (sticky: tested at an index). */
export const PEM_HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
/** A PEM private key's END line (where a key printed a line at a time ends). */
export const PEM_FOOTER = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
const PEM_BODY = /[A-Za-z0-9+/=\s\\:,.-]{0,65536}/y;
const PEM_MAX = 65_536;
/** PEM private keys: the whole block, BEGIN to END (or to the end of its base64 when the END is cut off). */
const PEM: FormatRule = {
  anchor: '-----BEGIN ',
  label: 'private key',
  match(text, at, scan) {
    PEM_HEADER.lastIndex = at;
    const header = PEM_HEADER.exec(text);
    if (!header) return undefined;
    const bodyStart = at + header[0].length;
    const endMarker = scan.next('-----END ', bodyStart);
    if (endMarker >= 0 && endMarker - bodyStart <= PEM_MAX) {
      const close = text.slice(endMarker + 9, endMarker + 89).indexOf('-----');
      const end = close >= 0 ? endMarker + 9 + close + 5 : endMarker + 9;
      return { start: at, end, shown: 0, label: 'private key' };
    }
    PEM_BODY.lastIndex = bodyStart;
    const body = PEM_BODY.exec(text);
    return { start: at, end: bodyStart + (body?.[0].length ?? 0), shown: 0, label: 'private key' };
  },
};

/**
 * `scheme://user:password@host`: the password is masked, the user and host stay. The user info ends at the last
 * `@` before the host (as URL parsers read it), so a password holding `@` is masked whole.
 */
const URL_USERINFO = /[^\s/?#"'<>`]{0,256}@/y;
const URL_PASSWORD: FormatRule = {
  anchor: '://',
  label: 'password in URL',
  match(text, at) {
    const from = at + 3;
    URL_USERINFO.lastIndex = from;
    const m = URL_USERINFO.exec(text);
    if (!m) return undefined;
    const userinfo = m[0].slice(0, -1);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return undefined;
    const password = userinfo.slice(colon + 1);
    if (password === '' || isPlaceholder(password)) return undefined;
    const start = from + colon + 1;
    return { start, end: start + password.length, shown: 0, label: 'password in URL' };
  },
};

/** Telegram bot token `<bot id>:<35 characters>`; the bot id is public and stays visible. */
const TELEGRAM_SECRET = /[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/y;
const TELEGRAM: FormatRule = {
  anchor: ':',
  label: 'Telegram bot token',
  match(text, at) {
    let start = at;
    while (start > 0 && at - start < 13 && isDigit(text.charCodeAt(start - 1))) start--;
    const digits = at - start;
    if (digits < 5 || digits > 12) return undefined;
    if (start > 0 && isTokenChar(text.charCodeAt(start - 1)) && !text.startsWith('bot', start - 3)) {
      return undefined;
    }
    TELEGRAM_SECRET.lastIndex = at + 1;
    if (!TELEGRAM_SECRET.exec(text)) return undefined;
    return { start, end: at + 36, shown: digits + 1, label: 'Telegram bot token' };
  },
};

/** Azure AD client secret: `xxx8Q~` then 31–34 characters. */
const AZURE_TAIL = /[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/y;
const AZURE_HEAD = /[A-Za-z0-9_~.-]{3}[0-9]/y;
const AZURE_CLIENT_SECRET: FormatRule = {
  anchor: 'Q~',
  label: 'Azure client secret',
  match(text, at) {
    const start = at - 4;
    if (start < 0 || (start > 0 && isTokenChar(text.charCodeAt(start - 1)))) return undefined;
    AZURE_HEAD.lastIndex = start;
    if (!AZURE_HEAD.exec(text)) return undefined;
    AZURE_TAIL.lastIndex = at + 2;
    const tail = AZURE_TAIL.exec(text);
    return tail ? { start, end: at + 2 + tail[0].length, shown: 0, label: 'Azure client secret' } : undefined;
  },
};

const GITLAB_PREFIXES = ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-'];
const SLACK_PREFIXES = ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'];

/** Every built-in format rule. */
export const FORMAT_RULES: readonly FormatRule[] = [
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((p) => prefixed('GitHub token', p, '[A-Za-z0-9]{36,251}')),
  prefixed('GitHub token', 'github_pat_', '[A-Za-z0-9_]{70,242}'),
  ...GITLAB_PREFIXES.map((p) => prefixed('GitLab token', p, '[A-Za-z0-9_.-]{20,200}')),
  ...SLACK_PREFIXES.map((p) => prefixed('Slack token', p, '[A-Za-z0-9-]{10,250}')),
  prefixed('Slack app token', 'xapp-', '[0-9]-[A-Za-z0-9-]{10,250}'),
  afterScheme(prefixed('Slack webhook', 'hooks.slack.com/services/', '[A-Za-z0-9/_-]{20,200}')),
  afterScheme(prefixed('Discord webhook', 'discord.com/api/webhooks/', '[0-9]{15,21}/[A-Za-z0-9_-]{40,100}')),
  afterScheme(
    prefixed('Discord webhook', 'discordapp.com/api/webhooks/', '[0-9]{15,21}/[A-Za-z0-9_-]{40,100}'),
  ),
  ...['AKIA', 'ASIA'].map((p) => prefixed('AWS access key ID', p, '[A-Z0-9]{16}', 4, true)),
  prefixed('Google API key', 'AIza', `[${B64URL}]{35}`, 4, true),
  prefixed('Google OAuth client secret', 'GOCSPX-', `[${B64URL}]{28}`, 7, true),
  prefixed('Google OAuth token', 'ya29.', `[${B64URL}]{20,2048}`),
  prefixed('Anthropic API key', 'sk-ant-', `[${B64URL}]{20,250}`),
  prefixed('OpenAI API key', 'sk-', `(?:proj|svcacct|admin)-[${B64URL}]{40,250}|[A-Za-z0-9]{32,250}`),
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'].map((p) =>
    prefixed('Stripe secret key', p, '[A-Za-z0-9]{20,250}'),
  ),
  prefixed('npm token', 'npm_', '[A-Za-z0-9]{36}', 4, true),
  JWT,
  PEM,
  URL_PASSWORD,
  TELEGRAM,
  AZURE_CLIENT_SECRET,
];

/** Discord bot token `<base64 user id>.<6>.<27–38>`, found from its middle part (the only fixed shape it has). */
export const DISCORD_MIDDLE = /\.[A-Za-z0-9_-]{6}\./g;
const DISCORD_TAIL = /[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/y;

/** The Discord token around a {@link DISCORD_MIDDLE} match at `dot`, if any. */
export function discordTokenAt(text: string, dot: number): SecretSpan | undefined {
  let start = dot;
  while (start > 0 && dot - start <= 28 && isTokenChar(text.charCodeAt(start - 1))) start--;
  const head = dot - start;
  if (head < 23 || head > 28) return undefined;
  const first = text.charCodeAt(start);
  // The first part is the base64 of a numeric id: it starts with M, N or O.
  if (first !== 77 && first !== 78 && first !== 79) return undefined;
  DISCORD_TAIL.lastIndex = dot + 8;
  const tail = DISCORD_TAIL.exec(text);
  return tail ? { start, end: dot + 8 + tail[0].length, shown: 0, label: 'Discord bot token' } : undefined;
}

const PLACEHOLDER =
  /^(?:\$\{?[A-Za-z_][\w.]*\}?|%[A-Za-z_]\w*%|\{\{.*\}\}|\{[A-Za-z_][\w.]*\}|<[^<>]*>|\*+|x+|X+|\.+|…|‹.*›|\[redacted\]|\[hidden\]|\[masked\]|null|none|None|nil|undefined|true|false|changeme|password|secret|token|your[-_].*|\$\(.*\))$/;

/** True for values that only stand for a secret: `${TOKEN}`, `<password>`, `****`, `null`, an existing mask. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}
