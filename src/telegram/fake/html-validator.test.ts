import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTelegramHtml, visibleLength } from './html-validator.js';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

describe('parseTelegramHtml', () => {
  it('accepts every documented tag and reports the visible text and entities', () => {
    const html =
      '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>' +
      '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><a href="https://x.test/?a=1&amp;b=2">l</a>' +
      '<code>c</code><pre><code class="language-ts">let x;</code></pre><blockquote>q</blockquote>' +
      '<blockquote expandable>x</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>';
    const parsed = parseTelegramHtml(html);
    expect(parsed).toMatchObject({ ok: true, text: 'bsieunskdpqlclet x;qx👍' });
    if (!parsed.ok) return;
    expect(parsed.entities.map((entity) => entity.type)).toEqual([
      'bold',
      'bold',
      'italic',
      'italic',
      'underline',
      'underline',
      'strikethrough',
      'strikethrough',
      'strikethrough',
      'spoiler',
      'spoiler',
      'text_link',
      'code',
      'pre',
      'blockquote',
      'expandable_blockquote',
      'custom_emoji',
    ]);
    expect(parsed.entities).toContainEqual({
      type: 'text_link',
      offset: 11,
      length: 1,
      url: 'https://x.test/?a=1&b=2',
    });
    expect(parsed.entities).toContainEqual({ type: 'pre', offset: 13, length: 6, language: 'ts' });
  });

  it('decodes the four named entities and numeric ones', () => {
    expect(parseTelegramHtml('&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42;')).toMatchObject({
      ok: true,
      text: '<a> & "q" AB',
    });
  });

  it('counts UTF-16 offsets for entities after astral characters', () => {
    const parsed = parseTelegramHtml('😀 <b>x</b>');
    expect(parsed).toMatchObject({ ok: true, entities: [{ type: 'bold', offset: 3, length: 1 }] });
  });

  it.each([
    ['<p>hi</p>', 'Unsupported start tag "p" at byte offset 0'],
    ['é <br>', 'Unsupported start tag "br" at byte offset 3'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['<b>bold', `Can't find end tag corresponding to start tag "b"`],
    ['<b><i>x</b></i>', 'Unmatched end tag, expected "</i>", found "</b>" at byte offset 7'],
    ['x</b>', 'Unexpected end tag at byte offset 1'],
    ['<b', 'Unclosed start tag at byte offset 0'],
    ['fish &chips', 'Character "&" must be escaped as "&amp;" at byte offset 5'],
    ['&nbsp;', 'Unsupported HTML entity "&nbsp;" at byte offset 0'],
    ['a > b', 'Character ">" must be escaped as "&gt;" at byte offset 2'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<a>x</a>', 'Tag "a" must have a non-empty attribute "href" at byte offset 0'],
    ['<b onclick="x">y</b>', 'Unsupported attribute "onclick" in tag "b" at byte offset 3'],
    ['<code><b>x</b></code>', `Tag "b" can't be nested inside tag "code" at byte offset 6`],
    ['<a href="https://a.test"><a href="https://b.test">x</a></a>', `Tag "a" can't be nested inside tag "a"`],
    ['<blockquote><blockquote>x</blockquote></blockquote>', `Tag "blockquote" can't be nested`],
    ['<code class="language-ts">x</code>', 'Attribute "class" of tag "code" is allowed only'],
  ])('refuses %j', (html, reason) => {
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('accepts any text once it is escaped, and shows it unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(parseTelegramHtml(`<b>${escapeHtml(text)}</b>`)).toMatchObject({ ok: true, text });
      }),
    );
  });

  it('measures length in code points', () => {
    expect(visibleLength('😀a')).toBe(2);
  });
});
