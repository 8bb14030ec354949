/**
 * The previous formatting pipeline (micromark → mdast → tree walker → per-unit chunker), kept verbatim as the
 * benchmark baseline so `npm run bench` measures old and new side by side in one run. Not shipped.
 * @module
 */
import { chunkTokens } from './chunk.js';
import { renderMarkdownTokens } from './render-tree.js';
import { telegramDialect } from './telegram.js';

/** The old `renderChunks(md, 'telegram')`. */
export function renderTelegramChunksBaseline(md: string): string[] {
  return chunkTokens(renderMarkdownTokens(md, telegramDialect), 4096);
}
