import { describe, expect, it } from 'vitest';
import {
  findHiddenCharacters,
  hiddenCharactersWarning,
  revealHiddenCharacters,
} from './hidden-characters.js';

describe('hidden characters', () => {
  it('reveals bidi controls, zero-width characters, tag characters and lone carriage returns', () => {
    expect(revealHiddenCharacters('a\u202eb\u2066c\u2069d\u200be\u{e0041}f\rg')).toBe(
      'a⟨U+202E⟩b⟨U+2066⟩c⟨U+2069⟩d⟨U+200B⟩e⟨U+E0041⟩f⟨U+000D⟩g',
    );
    expect(findHiddenCharacters('echo ok \u202e# x')).toEqual({ count: 1, reorders: true });
    expect(findHiddenCharacters('a\u200bb')).toEqual({ count: 1, reorders: false });
  });

  it('leaves ordinary text alone: tabs, newlines, CRLF, emoji with variation selectors, accents', () => {
    const text = 'line one\r\n\tline two ⚠️ café 👍🏽 日本語';
    expect(revealHiddenCharacters(text)).toBe(text);
    expect(hiddenCharactersWarning(findHiddenCharacters(text))).toBeUndefined();
  });

  it('the warning says whether the text can look different from what runs', () => {
    expect(hiddenCharactersWarning({ count: 2, reorders: true })).toMatch(/text-direction/);
    expect(hiddenCharactersWarning({ count: 1, reorders: false })).toMatch(/1 invisible characters/);
  });
});
