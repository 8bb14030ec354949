/**
 * Masking never breaks formatting: Markdown with generated secrets (and Markdown syntax around and inside them)
 * is masked, then rendered for every platform; every chunk stays within the limit and valid for its platform,
 * the visible text is what the masked Markdown says, and no secret (not even 12 characters of one) shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaskBook, SecretMasker } from '../../src/core/secrets/masker.js';
import { type FormatTarget, renderChunks, validateTelegramHtml } from '../../src/format/index.js';
import { leakedParts } from '../contract/secret-masking-contract.js';
import { lookAlikes, prng, secretSamples } from '../support/secret-corpus.js';
import { expectedVisible, squash, telegramVisible } from './format-visible-text.js';
import { checkWebHtml } from './format-web-validate.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 300);
const masker = new SecretMasker();
const samples = [...secretSamples(31), ...secretSamples(32)];

// biome-ignore format: one fragment list reads better packed
const MARKDOWN = [
  '**', '*', '_', '`', '```', '```sh\n', '\n', '\n\n', '> ', '- ', '1. ', '# ', '[', ']', '(', ')', '|', '\\',
  '[link](https://example.com/a_b)', '<b>', '&', '"', "'", '=', ': ', ' ', 'word', '| a | b |\n|---|---|\n| 1 | 2 |\n',
];

const document = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...MARKDOWN) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: samples.length - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(...lookAlikes(prng(33))) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
    ),
    { maxLength: 16 },
  )
  .map((parts) => {
    const used: number[] = [];
    const md = parts
      .map((part) => {
        if (typeof part !== 'number') return part;
        used.push(part);
        // Secrets are printed apart from the next word (a space, a line, punctuation or Markdown around them).
        const around = [' ', '\n', '`', '"', '(', ')', '*', '**', '> ', '|', ', '][part % 11] ?? ' ';
        return `${around}${samples[part]?.text ?? ''}${around}`;
      })
      .join('');
    return { md, secrets: used.map((i) => samples[i]?.secret ?? '') };
  });

const PLATFORMS: readonly FormatTarget[] = ['telegram', 'slack', 'discord', 'web', 'plain'];

describe('secret masking keeps formatting valid', () => {
  it('masked Markdown renders valid, within limits, on every platform, and shows no secret', () => {
    fc.assert(
      fc.property(document, fc.integer({ min: 32, max: 600 }), ({ md, secrets }, limit) => {
        const masked = masker.mask(md, new MaskBook());
        for (const platform of PLATFORMS) {
          const chunks = renderChunks(masked, platform, { limit });
          if (/\S/.test(masked)) expect(chunks.length).toBeGreaterThan(0);
          for (const chunk of chunks) {
            expect(chunk.length).toBeLessThanOrEqual(limit);
            expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
            if (platform === 'telegram') expect(validateTelegramHtml(chunk), chunk).toBeUndefined();
            if (platform === 'web') expect(checkWebHtml(chunk), chunk).toBeUndefined();
          }
          const seen = chunks.join('\n');
          for (const secret of secrets) expect(leakedParts(seen, secret), `${platform}: ${md}`).toEqual([]);
          if (platform === 'telegram') expect(telegramVisible(chunks)).toBe(expectedVisible(masked));
          if (platform === 'plain') expect(squash(chunks.join(''))).toBe(expectedVisible(masked));
        }
      }),
      { numRuns },
    );
  });

  it('a mask is inert Markdown: it renders as its own text on every platform', () => {
    for (const sample of samples) {
      const masked = masker.mask(sample.text);
      const mask = /‹secret: [^›]*›/.exec(masked)?.[0] ?? '';
      expect(mask).not.toBe('');
      for (const platform of PLATFORMS) {
        expect(renderChunks(mask, platform).join(''), `${platform} ${mask}`).toContain(mask);
      }
    }
  });
});
