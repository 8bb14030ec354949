/**
 * Which link targets a renderer may turn into clickable links. Anything else is shown as text.
 * @module
 */

const WEB = /^https?:\/\/[^\s/?#]+/i;
const TELEGRAM = /^(?:https?:\/\/[^\s/?#]+|tg:\/\/\S+|mailto:[^\s@]+@\S+)/i;
// Whitespace, controls, bidi overrides and characters that must be percent-encoded (and would end a
// Slack or Discord link early) never belong in a link we render.
const UNSAFE = /[\s\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069<>"`\\]/;

/** True for `http:` / `https:` URLs with a host and nothing unsafe in them. */
export function isWebUrl(url: string): boolean {
  return WEB.test(url) && !UNSAFE.test(url);
}

/** True for the link targets Telegram accepts in `<a href>`: http(s), `tg://` and `mailto:`. */
export function isTelegramLinkUrl(url: string): boolean {
  return TELEGRAM.test(url) && !UNSAFE.test(url);
}

/** Longest URL any renderer turns into a link; longer ones are shown as text. */
export const MAX_LINK_URL_LENGTH = 2048;

/** True for text a reader would take for a web address: `https://…`, `www.…`, `example.com/…`. */
function looksLikeAddress(text: string): boolean {
  return /^\s*(?:[a-z][a-z0-9+.-]*:\/\/|www\.|[\w-]+(?:\.[\w-]+)+(?:[/:?#]|\s*$))/i.test(text);
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

/**
 * True when a link's visible label reads as another address than its target, so the renderer must show the
 * target too (a label must never hide where a link goes).
 * @param labelText - the label's visible text.
 * @param url - the link target as written.
 */
export function labelHidesTarget(labelText: string, url: string): boolean {
  return looksLikeAddress(labelText) && !sameAddress(labelText, url);
}
