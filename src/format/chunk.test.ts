import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { chunkPlainText } from './chunk.js';
import { PLATFORM_LIMITS, renderChunks } from './index.js';

describe('chunking', () => {
  it('exports the platform limits', () => {
    expect(PLATFORM_LIMITS).toEqual({ telegram: 4096, slack: 4000, discord: 2000, web: 100_000 });
  });

  it('prefers paragraph, then line, then word boundaries', () => {
    const paragraph = 'alpha beta gamma delta';
    expect(chunkPlainText(`${paragraph}\n\n${paragraph}`, 40)).toEqual([paragraph, paragraph]);
    expect(chunkPlainText(`${paragraph}\n${paragraph}`, 40)).toEqual([paragraph, paragraph]);
    expect(chunkPlainText(`${paragraph} ${paragraph}`, 40)).toEqual([
      'alpha beta gamma delta alpha beta gamma',
      'delta',
    ]);
    expect(chunkPlainText('x'.repeat(70), 32)).toEqual(['x'.repeat(32), 'x'.repeat(32), 'x'.repeat(6)]);
  });

  it('never splits a surrogate pair, a flag or an entity', () => {
    for (const chunk of chunkPlainText('😀'.repeat(40), 33)) expect(chunk).not.toMatch(/[\uD800-\uDBFF]$/);
    for (const chunk of chunkPlainText('🇫🇷'.repeat(20), 34)) expect([...chunk].length % 2).toBe(0);
    for (const chunk of renderChunks('&'.repeat(100), 'telegram', { limit: 32 })) {
      expect(chunk).toMatch(/^(?:&amp;)+$/);
    }
  });

  it('never returns an empty list for visible input, nor empty chunks', () => {
    expect(renderChunks('   ', 'telegram')).toEqual([]);
    expect(renderChunks('x', 'telegram')).toEqual(['x']);
    expect(renderChunks('```\n\n\n\n```\n\nend', 'telegram', { limit: 32 })).toEqual([
      '<pre>\n\n</pre>\n\nend',
    ]);
  });

  it('refuses limits too small to hold reopened markup', () => {
    expect(() => chunkPlainText('x', 8)).toThrow(ConfigError);
  });
});
