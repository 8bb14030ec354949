/**
 * Characters that make text look like something else: bidirectional controls (which reorder what follows, so a
 * card can show `echo ok # …` while the shell runs `rm -rf`), zero-width and other invisible characters,
 * blank-looking fillers, tag characters (which can smuggle hidden text) and control characters. An approval card
 * must show what will run, so these are made visible as `⟨U+202E⟩` and the card is flagged.
 * @module
 */

/**
 * Every hidden or display-reordering character we reveal. Variation selectors U+FE00–U+FE0F are left alone: emoji
 * need them and they change neither order nor visibility of other text.
 */
const HIDDEN = new RegExp(
  [
    '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u115f\\u1160\\u2028-\\u202e\\u2060-\\u206f]',
    '[\\u200b-\\u200f\\u2800\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}]',
    // Combining marks that render as nothing (kept out of the classes above: they would join their neighbour).
    '\\u034f|\\u17b4|\\u17b5|[\\u180b-\\u180f]|[\\u{1d173}-\\u{1d17a}]|[\\u{e0100}-\\u{e01ef}]',
    '\\r(?!\\n)',
  ].join('|'),
  'gu',
);

/** Bidirectional controls: they change the order in which the following text is displayed. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** What {@link findHiddenCharacters} found. */
export interface HiddenCharacters {
  /** How many hidden characters the text holds. */
  readonly count: number;
  /** True when some of them reorder the display (bidi controls). */
  readonly reorders: boolean;
}

/** The code point of a character as `U+202E`. */
function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Count the hidden and display-reordering characters of a text.
 * @example
 * ```ts
 * findHiddenCharacters('echo ok \u202e# evil'); // { count: 1, reorders: true }
 * ```
 */
export function findHiddenCharacters(text: string): HiddenCharacters {
  let count = 0;
  let reorders = false;
  for (const [char] of text.matchAll(HIDDEN)) {
    count++;
    if (BIDI.test(char)) reorders = true;
  }
  return { count, reorders };
}

/**
 * Replace every hidden or display-reordering character with a visible marker such as `⟨U+202E⟩`. The markers
 * use no Markdown syntax, so the result can be placed in Markdown text or code as it is.
 * @example
 * ```ts
 * revealHiddenCharacters('a\u200bb'); // 'a⟨U+200B⟩b'
 * ```
 */
export function revealHiddenCharacters(text: string): string {
  return text.replace(HIDDEN, (char) => `⟨${codePointName(char)}⟩`);
}

/** Remove hidden characters (for comparing what a text looks like, e.g. a link label with its target). */
export function stripHiddenCharacters(text: string): string {
  return text.replace(HIDDEN, '');
}

/**
 * The warning line a card carries when it revealed hidden characters, or undefined when there were none.
 * @param found - what {@link findHiddenCharacters} found in the card's text.
 */
export function hiddenCharactersWarning(found: HiddenCharacters): string | undefined {
  if (found.count === 0) return undefined;
  const what = found.reorders
    ? 'invisible or text-direction characters that can make it look different from what runs'
    : 'invisible characters';
  return `⚠️ **Look closely:** this request contains ${found.count} ${what}; they are shown as ⟨U+…⟩.`;
}
