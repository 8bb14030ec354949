/**
 * The intermediate form every renderer produces: escaped text plus paired markup. Keeping markup as
 * open/close pairs (instead of one flat string) is what lets the chunker close formatting at the end of a
 * chunk and reopen it at the start of the next.
 * @module
 */
import { TetherError } from '../core/errors.js';

/**
 * One piece of rendered output.
 * - `text`: already-escaped output text; the chunker may split it between characters (never inside an
 *   entity, a backslash escape or a surrogate pair). `verbatim` marks code text, which indentation leaves alone.
 * - `open`: markup that starts a span (`<b>`, `*`, `<https://x|`); `close` is the markup that ends it.
 * - `close`: ends the innermost open span, emitting that span's `close` markup.
 * - `atom`: markup that must never be split (`<br>`, a Discord `<url>`); when it cannot fit in a chunk at
 *   all, the chunker shows `fallback` (escaped text) instead, or drops it when there is none.
 */
export type RenderToken =
  | { readonly kind: 'text'; readonly text: string; readonly verbatim?: boolean }
  | { readonly kind: 'open'; readonly text: string; readonly close: string }
  | { readonly kind: 'close' }
  | { readonly kind: 'atom'; readonly text: string; readonly fallback?: string };

/** What every dialect shows for a thematic break (`---`): chat platforms have no rule. */
export const THEMATIC_BREAK_TEXT = '———';

/** A text token. */
export function textToken(text: string, verbatim = false): RenderToken {
  return verbatim ? { kind: 'text', text, verbatim } : { kind: 'text', text };
}

/** Appends `source` to `target` in place (no spread: a spread of a huge array overflows the call stack). */
export function appendAll<T>(target: T[], source: readonly T[]): void {
  for (const item of source) target.push(item);
}

/** Wraps tokens in an open/close pair. */
export function wrapTokens(open: string, close: string, inner: readonly RenderToken[]): RenderToken[] {
  return [{ kind: 'open', text: open, close }, ...inner, { kind: 'close' }];
}

/**
 * Serialises tokens to the final output string.
 * @param tokens - tokens from a renderer.
 */
export function tokensToString(tokens: readonly RenderToken[]): string {
  const closers: string[] = [];
  let out = '';
  for (const token of tokens) {
    switch (token.kind) {
      case 'text':
      case 'atom':
        out += token.text;
        break;
      case 'open':
        out += token.text;
        closers.push(token.close);
        break;
      case 'close':
        out += closers.pop() ?? '';
        break;
      default: {
        const unreachable: never = token;
        throw new TetherError('CONFIG', `unknown token ${String(unreachable)}`);
      }
    }
  }
  while (closers.length > 0) out += closers.pop();
  return out;
}

/** True when some text token holds a non-whitespace character (what a reader would actually see). */
export function hasVisibleText(tokens: readonly RenderToken[]): boolean {
  return tokens.some(
    (token) =>
      (token.kind === 'text' && /\S/.test(token.text)) ||
      // An atom shows text when it has a text fallback (a Discord `<url>`), not when it is pure markup (`<br>`).
      (token.kind === 'atom' && /\S/.test(token.fallback ?? '')),
  );
}

/**
 * Rewrites every line break inside the tokens (text and markup) with `replacement`, e.g. to prefix quoted
 * lines with `> ` or indent list items. With `skipVerbatim`, code text and all markup are left alone.
 */
export function mapLineBreaks(
  tokens: readonly RenderToken[],
  replacement: string,
  skipVerbatim: boolean,
): RenderToken[] {
  return tokens.map((token): RenderToken => {
    switch (token.kind) {
      case 'text':
        if (skipVerbatim && token.verbatim) return token;
        return { ...token, text: token.text.replaceAll('\n', replacement) };
      case 'open':
        // Markup of code blocks belongs with its verbatim text: indent both or neither.
        if (skipVerbatim) return token;
        return {
          kind: 'open',
          text: token.text.replaceAll('\n', replacement),
          close: token.close.replaceAll('\n', replacement),
        };
      default:
        return token;
    }
  });
}

/**
 * A block quote as `> `-prefixed lines (Slack and Discord). Only the outermost quote is prefixed — neither
 * platform nests quotes — and a quote with nothing visible in it adds no empty `> `.
 */
export function lineQuote(content: RenderToken[], quoteDepth: number): RenderToken[] {
  return quoteDepth > 0 || !hasVisibleText(content)
    ? content
    : [textToken('> '), ...mapLineBreaks(content, '\n> ', false)];
}
