import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkPlainText,
  chunkTokens,
  PLATFORM_LIMITS,
  type RenderToken,
  renderChunks,
  renderWebHtml,
  validateTelegramHtml,
} from '../../src/format/index.js';
import { escapeTelegramHtml } from '../../src/format/telegram.js';
import { tokensToString } from '../../src/format/tokens.js';
import {
  discordVisible,
  expectedVisible,
  expectedVisibleWithoutMarks,
  slackVisible,
  squash,
  telegramVisible,
  webVisible,
} from './format-visible-text.js';
import { checkWebHtml } from './format-web-validate.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 1000);

// Fragments an agent (or an attacker speaking through one) might write, mixed with arbitrary text.
// biome-ignore format: one fragment list reads better packed
const FRAGMENTS = [
  '**', '*', '_', '__', '~~', '~', '`', '``', '```', '```js\n', '\n', '\n\n', '> ', '>> ', '- ', '* ', '1. ', '  - ',
  '# ', '### ', '[', ']', '(', ')', '[x](https://e.com/a_b)', '[y](javascript:alert(1))', '[z](tg://user?id=1)',
  'https://auto.example/x_y*z', 'mailto:a@b.co', '![alt](https://i.example/p.png)', '<b>', '</b>', '<i>x</i>',
  '<script>', '<!channel>', '<!here>', '<@U123>', '<#C1>', '<@&5>', '</cmd:1>', '@everyone', '@here', '@channel',
  '&', '&amp;', '&lt;', '&#x1F600;', '<', '>', '"', '|', '\\', '---', '- [ ] ', '- [x] ',
  '| a | b |\n|---|--:|\n| 1 | 2 |\n', '[^1]', '\n\n[^1]: note', '[r]\n\n[r]: https://r.example', '😀', '👍🏽',
  '👨‍👩‍👧', '🇫🇷', 'é', 'e\u0301', ' ', '    indented', 'word', 'other words here',
];

const markdown = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

// Small limits so splitting happens on nearly every run (the real limits are exercised on long token streams below).
const limit = fc.integer({ min: 32, max: 300 });

function checkChunks(input: string, chunks: readonly string[], max: number): void {
  if (/\S/.test(input)) expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) {
    expect(chunk.length).toBeGreaterThan(0);
    expect(chunk.length).toBeLessThanOrEqual(max);
    // No chunk starts or ends inside a surrogate pair.
    expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  }
}

describe('formatting properties', () => {
  it('every platform: chunks fit, are safe, and keep the visible text', () => {
    fc.assert(
      fc.property(markdown, limit, (md, max) => {
        const visible = expectedVisible(md);
        const visibleWithoutMarks = expectedVisibleWithoutMarks(md);

        const telegram = renderChunks(md, 'telegram', { limit: max });
        checkChunks(md, telegram, max);
        for (const chunk of telegram) expect(validateTelegramHtml(chunk), chunk).toBeUndefined();
        expect(telegramVisible(telegram)).toBe(visible);

        const slack = renderChunks(md, 'slack', { limit: max });
        checkChunks(md, slack, max);
        for (const chunk of slack) {
          expect(chunk).not.toMatch(/<[!@#]/);
          // Every `<` left is a link this renderer made from a real http(s) link (a bare `>` is only quote markup).
          expect(chunk.replace(/<https?:\/\/[^\s<>|]+\|[^<>]*>/g, '')).not.toMatch(/</);
          expect(chunk).not.toMatch(/@(?:channel|here|everyone)/i);
        }
        expect(slackVisible(slack)).toBe(visibleWithoutMarks);

        const discord = renderChunks(md, 'discord', { limit: max });
        checkChunks(md, discord, max);
        for (const chunk of discord) {
          expect(chunk).not.toMatch(/@(?:everyone|here)/i);
          expect(chunk).not.toMatch(/<(?:@|#|\/|a?:\w+:|t:\d)/);
        }
        expect(discordVisible(discord)).toBe(visibleWithoutMarks);

        const web = renderChunks(md, 'web', { limit: max });
        checkChunks(md, web, max);
        for (const chunk of web) expect(checkWebHtml(chunk), chunk).toBeUndefined();
        // HTML lists carry no text markers, so compare with the unsplit rendering: chunking loses nothing.
        expect(webVisible(web)).toBe(webVisible([renderWebHtml(md)]));

        const plain = renderChunks(md, 'plain', { limit: max });
        checkChunks(md, plain, max);
        expect(squash(plain.join(''))).toBe(visible);
      }),
      { numRuns },
    );
  });

  // Long token streams at the real limits: nested Telegram formatting around long text must be closed and
  // reopened at every split and stay valid.
  const TAGS = [
    ['<b>', '</b>'],
    ['<i>', '</i>'],
    ['<s>', '</s>'],
    ['<a href="https://e.com/?a=1&amp;b=2">', '</a>'],
    ['<pre><code class="language-ts">', '</code></pre>'],
    ['<blockquote>', '</blockquote>'],
  ] as const;
  const piece = fc.oneof(
    fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.integer({ min: 1, max: 80 }))
      .map(([text, times]): RenderToken => ({ kind: 'text', text: escapeTelegramHtml(text.repeat(times)) })),
    fc.constantFrom<RenderToken>(
      { kind: 'text', text: '\n' },
      { kind: 'text', text: '\n\n' },
      { kind: 'text', text: ' ' },
    ),
    fc.integer({ min: 0, max: TAGS.length - 1 }).map((i): RenderToken => {
      const [open, close] = TAGS[i] ?? TAGS[0];
      return { kind: 'open', text: open, close };
    }),
    fc.constant<RenderToken>({ kind: 'close' }),
  );
  const tokenStream = fc.array(piece, { maxLength: 30 }).map((tokens) => {
    // Keep the stream well-formed the way renderers make it: pre and blockquote hold no other tags inside.
    const out: RenderToken[] = [];
    const open: string[] = [];
    for (const token of tokens) {
      if (token.kind === 'close') {
        if (open.length === 0) continue;
        open.pop();
      } else if (token.kind === 'open') {
        if (open.some((tag) => tag.startsWith('<pre') || tag.startsWith('<a'))) continue;
        if (token.text.startsWith('<blockquote') && open.length > 0) continue;
        if (token.text.startsWith('<pre') && open.some((tag) => tag.startsWith('<a'))) continue;
        open.push(token.text);
      }
      out.push(token);
    }
    return out;
  });
  const realLimit = fc.constantFrom(PLATFORM_LIMITS.telegram, PLATFORM_LIMITS.discord, 500, 64);

  it('chunker: long formatted streams split within the limit into valid Telegram HTML, losing no text', () => {
    fc.assert(
      fc.property(tokenStream, realLimit, (tokens, max) => {
        const whole = tokensToString(tokens);
        const chunks = chunkTokens(tokens, max);
        checkChunks(/\S/.test(whole.replace(/<[^>]*>/g, '')) ? whole : '', chunks, max);
        for (const chunk of chunks) expect(validateTelegramHtml(chunk), chunk).toBeUndefined();
        expect(telegramVisible(chunks)).toBe(
          squash(whole.replace(/<[^>]*>/g, ''))
            .replace(/&amp;/g, '&')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"'),
        );
      }),
      { numRuns },
    );
  });

  it('chunkPlainText: fits, never splits a surrogate pair, loses nothing but boundary whitespace', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), limit, (text, max) => {
        const chunks = chunkPlainText(text, max);
        checkChunks(text, chunks, max);
        expect(squash(chunks.join(''))).toBe(squash(text));
      }),
      { numRuns },
    );
  });
});
