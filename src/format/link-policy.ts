/**
 * Which link targets a renderer may turn into clickable links (anything else is shown as text), and when a
 * link's label could deceive about where it goes. Every renderer calls these, whatever parses the Markdown.
 * @module
 */
import { stripHiddenCharacters } from './hidden-characters.js';

const WEB = /^https?:\/\/[^\s/?#]+/i;
const TELEGRAM = /^(?:https?:\/\/[^\s/?#]+|tg:\/\/\S+|mailto:[^\s@]+@\S+)/i;
// Whitespace, controls, bidi overrides and characters that must be percent-encoded (and would end a
// Slack or Discord link early) never belong in a link we render.
const UNSAFE = /[\s\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069<>"`\\]/;

/** True for `http:` / `https:` URLs with a host and nothing unsafe in them. */
export function isWebUrl(url: string): boolean {
  return WEB.test(url) && !UNSAFE.test(url);
}

/**
 * True for the link targets Telegram accepts in `<a href>`: http(s), `tg://` and `mailto:`. Agent text is rendered
 * with {@link isWebUrl} only (a `tg://user?id=…` link is an inline mention, `tg://join` joins a chat).
 */
export function isTelegramLinkUrl(url: string): boolean {
  return TELEGRAM.test(url) && !UNSAFE.test(url);
}

/** Longest URL any renderer turns into a link; longer ones are shown as text. */
export const MAX_LINK_URL_LENGTH = 2048;

/**
 * An address written in a label: `https://host/path`, `www.host…`, `host.tld`, an IPv4 address, `[IPv6]` or
 * `localhost` (each optionally with a port and a path).
 */
const ADDRESS_IN_TEXT =
  /(?:[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+|www\.[^\s/?#]+|(?<![\p{L}\p{N}_@.-])(?:(?:[\p{L}\p{N}_-]+\.)+\p{L}[\p{L}\p{N}-]*|(?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-f:.]{2,45}\]|localhost)(?=[/:?#]|\s|$|[),;!]))[^\s]*/giu;

/** Host (punycode, lower case, no `www.`) and path of an address, or undefined when it is not one. */
function addressParts(address: string): { host: string; path: string } | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`;
  try {
    const url = new URL(withScheme);
    if (url.hostname === '') return undefined;
    const path = `${url.pathname}${url.search}${url.hash}`.replace(/\/+$/, '');
    return { host: url.hostname.toLowerCase().replace(/^www\./, ''), path };
  } catch {
    return undefined;
  }
}

/** Whether a label names the same address as the link's target (scheme, case of the host, trailing slash aside). */
function sameAddress(label: string, url: string): boolean {
  const normal = (text: string) =>
    text
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^www\./i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  return normal(label) === normal(url);
}

/** Whether a host is an internationalised (punycode) name, which may imitate another host letter by letter. */
function isInternationalHost(host: string): boolean {
  return host.split('.').some((label) => label.startsWith('xn--'));
}

/**
 * Whether a link's label could make a reader believe it goes somewhere else. True when the label (its hidden
 * characters removed, compatibility forms folded) names an address whose host differs from the target's, or
 * whose path the target does not start with; or when it names an address and the target's host is an
 * internationalised name (a homoglyph of a known host reads the same in the label). A renderer then shows the
 * real target next to the label.
 * @param labelText - the label's visible text.
 * @param url - the link's target.
 */
export function labelHidesTarget(labelText: string, url: string): boolean {
  const label = stripHiddenCharacters(labelText).normalize('NFKC');
  const target = addressParts(url.trim());
  // The label is the target itself (a bare link, an autolink): what is shown is where it goes.
  if (sameAddress(labelText, url) && (target === undefined || !isInternationalHost(target.host)))
    return false;
  const addresses = [...label.matchAll(ADDRESS_IN_TEXT)].map((m) => m[0].replace(/[),.;:!]+$/, ''));
  if (addresses.length === 0) return false;
  if (target === undefined) return true;
  if (isInternationalHost(target.host)) return true;
  return addresses.some((address) => {
    const named = addressParts(address);
    if (named === undefined) return true;
    if (named.host !== target.host) return true;
    return (
      named.path !== '' &&
      !(
        target.path === named.path ||
        target.path.startsWith(`${named.path}/`) ||
        /^[?#]/.test(target.path.slice(named.path.length))
      )
    );
  });
}

/**
 * The target as a person should read it: internationalised hosts in their punycode form (`xn--…`), so a
 * homoglyph of a known host cannot pass for it.
 */
export function displayTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return isInternationalHost(parsed.hostname) ? parsed.href : url;
  } catch {
    return url;
  }
}
