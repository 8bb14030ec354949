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
