/**
 * `NAME=value`, `name: value`, `"name": "value"` and header pairs whose name says secret (`*_TOKEN`, `*_SECRET`,
 * `*_KEY`, `PASSWORD`, `Authorization`, `Cookie`, …). Found from the separator: the name is read backwards from
 * it and the value forwards, each within a fixed bound, so the work per separator is constant.
 * @module
 */
import { isPlaceholder, type SecretSpan } from './formats.js';
import type { ForwardScan } from './scan.js';

/** Longest name looked at, in characters. */
const MAX_NAME = 64;
/** Longest value masked as one secret, in characters (a cookie header, a quoted password). */
const MAX_VALUE = 4096;

/** Last word of a name that makes it a secret, and what to call its value. */
const SECRET_LAST: Readonly<Record<string, string>> = {
  token: 'token',
  secret: 'secret',
  password: 'password',
  passwd: 'password',
  pwd: 'password',
  pass: 'password',
  passphrase: 'password',
  apikey: 'API key',
  credential: 'credential',
  credentials: 'credential',
  cookie: 'cookie',
  auth: 'credential',
  authorization: 'credential',
  sig: 'signature',
  signature: 'signature',
  pat: 'token',
};

/** Words before a final `key` that make it not a secret (`primary_key`, `sort_key`, `public_key`). */
const BENIGN_KEY = new Set(
  'public publishable primary foreign sort partition cache idempotency hash range lookup map object row column unique composite index group shard routing dedup dedupe i18n translation message react list item component host partition dict ssh_public'.split(
    ' ',
  ),
);
/** Words before a final `token` that make it not a secret (`next_token`, `max_token`). */
const BENIGN_TOKEN = new Set(
  'next page continuation pagination sync cancellation cancel max input output total completion prompt end start eos bos pad unk sep cls mask special'.split(
    ' ',
  ),
);
/** Words that make a name secret wherever they are (`SECRET_KEY_BASE`), unless its last word says it is metadata. */
const STRONG = new Set([
  'secret',
  'password',
  'passwd',
  'passphrase',
  'credential',
  'credentials',
  'private',
]);
const METADATA = new Set(
  'name names id ids type types count length len size file filename path dir url uri arn ref version hint prompt field label required enabled min max format policy rotation expiry expires expiration ttl hash hashed digest strength reset changed updated created at rules pattern regex manager store provider mode env'.split(
    ' ',
  ),
);
/** Header names whose whole value is a credential. */
const HEADER_LABELS: Readonly<Record<string, string>> = {
  authorization: 'credential',
  'proxy-authorization': 'credential',
  cookie: 'cookie',
  'set-cookie': 'cookie',
  'x-api-key': 'API key',
  'api-key': 'API key',
  'x-auth-token': 'token',
  'private-token': 'token',
  'x-goog-api-key': 'API key',
  'x-figma-token': 'token',
};
/** Authorization schemes kept visible before the credential. */
const SCHEMES = /^(?:bearer|basic|token|bot|digest|negotiate|apikey|key|sso-key|hmac|aws4-hmac-sha256)\s+/i;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.\s/:]+/)
    .filter((w) => w !== '');
}

/** Extra names from the options, compiled: exact names or `*` globs, case-insensitive. */
export type NameMatcher = (name: string) => boolean;

/** A matcher for configured names: `MY_CRED` (exact), `*_CRED` (suffix), `ACME_*` (prefix). */
export function compileNames(names: readonly string[]): NameMatcher {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const prefixes: string[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name.startsWith('*')) suffixes.push(name.slice(1));
    else if (name.endsWith('*')) prefixes.push(name.slice(0, -1));
    else exact.add(name);
  }
  return (name) => {
    const low = name.toLowerCase();
    return exact.has(low) || suffixes.some((s) => low.endsWith(s)) || prefixes.some((p) => low.startsWith(p));
  };
}

/**
 * What a name's value is, when the name says it is secret; undefined otherwise.
 * @param name - e.g. `GITHUB_TOKEN`, `apiKey`, `x-api-key`, `client_secret`.
 * @example
 * ```ts
 * secretNameLabel('OPENAI_API_KEY'); // 'API key'
 * secretNameLabel('input_tokens');   // undefined
 * ```
 */
export function secretNameLabel(name: string, extra?: NameMatcher): string | undefined {
  if (extra?.(name)) return 'secret';
  const header = HEADER_LABELS[name.toLowerCase()];
  if (header) return header;
  const w = words(name);
  const last = w[w.length - 1];
  if (last === undefined) return undefined;
  const before = w[w.length - 2];
  if (last === 'key') {
    if (before === undefined || BENIGN_KEY.has(before)) return undefined;
    return before === 'api' || w.includes('api') ? 'API key' : 'key';
  }
  if (last === 'token' && before !== undefined && BENIGN_TOKEN.has(before)) return undefined;
  const label = SECRET_LAST[last];
  if (label) return label;
  if (METADATA.has(last)) return undefined;
  const strong = w.find((word) => STRONG.has(word));
  if (strong === 'private') return w.includes('key') ? 'private key' : undefined;
  return strong === undefined ? undefined : (SECRET_LAST[strong] ?? 'secret');
}

function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45 ||
    code === 46
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** Characters ending an unquoted value. */
function endsValue(code: number): boolean {
  // whitespace " ' ` , ; & ( ) < > [ ] { } |
  return (
    code <= 32 ||
    code === 34 ||
    code === 39 ||
    code === 96 ||
    code === 44 ||
    code === 59 ||
    code === 38 ||
    code === 40 ||
    code === 41 ||
    code === 60 ||
    code === 62 ||
    code === 91 ||
    code === 93 ||
    code === 123 ||
    code === 125 ||
    code === 124
  );
}

/** Every name {@link secretNameLabel} accepts contains one of these (a quick pre-test). */
const MAYBE_SECRET_NAME =
  /secret|passw|passphrase|credential|private|token(?![a-z])|key(?![a-z])|pass(?![a-z])|pwd(?![a-z])|auth(?:orization)?(?![a-z])|cookie(?![a-z])|sig(?:nature)?(?![a-z])|pat(?![a-z])/i;
const LINE_ENDS = ['\n', '\r', '"', "'"];

/** Memo of the last unquoted run scanned: a later start inside it ends where it ended. */
const runMemo = new WeakMap<ForwardScan, { start: number; end: number }>();

/** Where the unquoted value starting at `start` ends (at whitespace, a quote or punctuation that ends values). */
function runEnd(text: string, start: number, scan: ForwardScan): number {
  const memo = runMemo.get(scan);
  if (memo && start >= memo.start && start <= memo.end) return memo.end;
  let end = start;
  while (end < text.length && !endsValue(text.charCodeAt(end))) end++;
  runMemo.set(scan, { start, end });
  return end;
}

const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const HAS_DIGIT = /[0-9]/;

/** The name before separator index `sep`: `[start, end)`, and whether it was quoted. */
function nameBefore(text: string, sep: number): { start: number; end: number; quoted: boolean } | undefined {
  let end = sep;
  const spaced = end > 0 && isSpace(text.charCodeAt(end - 1));
  while (end > 0 && sep - end < 4 && isSpace(text.charCodeAt(end - 1))) end--;
  let quoted = false;
  const q = text.charCodeAt(end - 1);
  if (q === 34 || q === 39) {
    quoted = true;
    end--;
  } else if (spaced && text.charCodeAt(sep) === 58) {
    // `name : value` is a ternary or a type, never a setting.
    return undefined;
  }
  let start = end;
  while (start > 0 && end - start < MAX_NAME && isNameChar(text.charCodeAt(start - 1))) start--;
  if (start === end || end - start >= MAX_NAME) return undefined;
  // The mask itself reads `‹secret: label›`: never take its word for a name.
  if (start > 0 && text.charCodeAt(start - 1) === 0x2039) return undefined;
  return { start, end, quoted };
}

/**
 * The secret value of a `name=value` / `name: value` pair whose separator is at `sep`, if its name says secret.
 * @param formatAt - finds a well-known format at the value's start (it names the secret better).
 */
export function namedSecretAt(
  text: string,
  sep: number,
  extra: NameMatcher | undefined,
  formatAt: (at: number) => SecretSpan | undefined,
  scan: ForwardScan,
): SecretSpan | undefined {
  const sepCode = text.charCodeAt(sep);
  const next = text.charCodeAt(sep + 1);
  const prev = text.charCodeAt(sep - 1);
  let nameEnd = sep;
  if (sepCode === 61) {
    // ==, !=, <=, >=, =~ are comparisons, not settings; `:=` is one.
    if (next === 61 || next === 126 || prev === 61 || prev === 33 || prev === 60 || prev === 62)
      return undefined;
    if (prev === 58) nameEnd = sep - 1;
  } else if (next === 58 || next === 61 || next === 47) {
    return undefined; // `::`, `:=` (seen from its `=`) and `://` are not settings
  }
  const name = nameBefore(text, nameEnd);
  if (!name) return undefined;
  // `token => …` is an arrow function; `'token' => '…'` a PHP or Ruby hash.
  if (sepCode === 61 && next === 62 && !name.quoted) return undefined;
  let nameText = text.slice(name.start, name.end);
  // Most names around a separator say nothing of secrets: a cheap test first.
  if (extra === undefined && !MAYBE_SECRET_NAME.test(nameText)) return undefined;
  nameText = nameText.replace(/^[-.]+/, '');
  const label = secretNameLabel(nameText, extra);
  if (!label) return undefined;
  const isHeader = sepCode === 58 && HEADER_LABELS[nameText.toLowerCase()] !== undefined;
  let at = sep + (sepCode === 61 && next === 62 ? 2 : 1);
  const spaced = isSpace(text.charCodeAt(at)) || isSpace(prev);
  while (at < text.length && at - sep < 8 && isSpace(text.charCodeAt(at))) at++;
  const open = text.charCodeAt(at);
  const quoted = open === 34 || open === 39 || open === 96;
  let start = quoted ? at + 1 : at;
  let scheme = false;
  if (label !== 'cookie') {
    const m = SCHEMES.exec(text.slice(start, start + 24));
    if (m) {
      start += m[0].length;
      scheme = true;
    }
  }
  let end: number;
  if (quoted) {
    // The closing quote (not an escaped one) on the same line, found through the memo: linear overall.
    const quote = String.fromCharCode(open);
    let close = scan.next(quote, start);
    for (let hops = 0; close > 0 && text.charCodeAt(close - 1) === 92 && hops < 16; hops++) {
      close = scan.next(quote, close + 1);
    }
    const newline = scan.next('\n', start);
    if (close < 0 || (newline >= 0 && newline < close) || close - start > MAX_VALUE) return undefined;
    end = close;
  } else if (isHeader && label === 'cookie') {
    // A cookie header's value runs to the end of its line (or of the quoted argument it is in).
    end = scan.first(LINE_ENDS, start);
    if (end < 0) end = text.length;
    if (end - start > MAX_VALUE) return undefined;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  } else {
    end = runEnd(text, start, scan);
    if (end - start > MAX_VALUE) return undefined;
  }
  if (end <= start) return undefined;
  // Already masked (masking twice changes nothing).
  const mark = scan.next('‹', start);
  if (mark >= 0 && mark <= end) return undefined;
  const format = formatAt(start);
  if (format && format.end <= end + 1) return format;
  const value = text.slice(start, end);
  if (isPlaceholder(value) || value.startsWith('‹') || value.length < 3) return undefined;
  if (quoted) {
    if (value.includes('${') || /^\{[\w.]*\}$/.test(value)) return undefined;
  } else if (isHeader && label === 'cookie') {
    if (!value.includes('=')) return undefined;
  } else if (!scheme && !(sepCode === 61 && !spaced)) {
    // `token = value`, `token: value` and headers without a scheme read like code and prose: only
    // credential-looking values count there. `TOKEN=value` (no spaces) is a setting whatever it holds.
    if (value.length < 6 || !HAS_DIGIT.test(value)) return undefined;
  }
  if (!quoted && (text.charCodeAt(end) === 40 || DOTTED_IDENTIFIER.test(value))) return undefined;
  return { start, end, shown: 0, label };
}
