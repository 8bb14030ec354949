import { describe, expect, it } from 'vitest';
import {
  type FormatTarget,
  renderChunks,
  renderPlainText,
  telegramVisibleText,
  validateTelegramHtml,
} from './index.js';
import { splitMarkdownSegments } from './pipeline.js';

const PLATFORMS: FormatTarget[] = ['telegram', 'slack', 'discord', 'web', 'plain'];
const squash = (text: string) => text.replace(/[\s\u200b\\]/g, '');

describe('hostile agent output never drops text', () => {
  for (const [name, md] of [
    ['3,000 nested quotes', `${'> '.repeat(3000)}the end`],
    ['3,000 nested list items', `${'- '.repeat(3000)}the end`],
    [
      '3,000 indented list levels',
      Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n') + '\nthe end',
    ],
    ['100,000 opening brackets', `${'['.repeat(100_000)}the end`],
  ] as const) {
    it(`${name}: every platform shows it all, falling back to text where the nesting is too deep`, () => {
      for (const platform of PLATFORMS) {
        const chunks = renderChunks(md, platform);
        expect(chunks.length, platform).toBeGreaterThan(0);
        expect(chunks.join('\n'), platform).toContain('the end');
      }
      const telegram = renderChunks(md, 'telegram');
      for (const chunk of telegram) expect(validateTelegramHtml(chunk)).toBeUndefined();
      // Nothing is lost: every non-space character of the source is visible (markers included, as text).
      const visible = squash(telegram.map((c) => telegramVisibleText(c) ?? '').join(''));
      expect(visible.length).toBeGreaterThanOrEqual(squash(renderPlainText(md)).length);
    });
  }

  it('a long document rendered in segments shows the same text as the whole, code blocks intact', () => {
    const block = (i: number) =>
      i % 3 === 0
        ? '```js\n' + Array.from({ length: 400 }, (_, j) => `const a${j} = ${i};`).join('\n') + '\n```'
        : `Paragraph ${i} with **bold** and \`code\` and [a link](https://example.com/${i}).`;
    const md = Array.from({ length: 200 }, (_, i) => block(i)).join('\n\n');
    expect(splitMarkdownSegments(md).length).toBeGreaterThan(4);
    const chunks = renderChunks(md, 'telegram');
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(4096);
      expect(validateTelegramHtml(chunk)).toBeUndefined();
    }
    const visible = chunks.map((c) => telegramVisibleText(c) ?? '').join('\n');
    expect(squash(visible)).toBe(squash(renderPlainText(md)));
    expect(visible).toContain('const a399 = 198;');
    expect(visible).not.toContain('```');
  });

  it('one enormous line is cut into segments without losing a character', () => {
    const md = 'word '.repeat(100_000);
    const segments = splitMarkdownSegments(md);
    expect(segments.length).toBeGreaterThan(10);
    expect(segments.map((s) => s.text).join('')).toBe(md.replace(/\n$/, ''));
    expect(
      squash(
        renderChunks(md, 'telegram')
          .map((c) => telegramVisibleText(c))
          .join(''),
      ),
    ).toBe(squash(md));
  });
});
