/**
 * Plain-text rendering: what a reader sees, without markup. Used as the fallback when a platform refuses
 * formatted text, and as the reference "visible text" in the property tests.
 * @module
 */

import { renderMarkdownTokens } from './pipeline.js';
import { plainDialect } from './plain-dialect.js';
import { tokensToString } from './tokens.js';

/**
 * Renders Markdown to its visible text: no markup characters, links as their label, images as
 * `alt (url)`, lists with `• ` / `1. ` markers, tables as aligned columns.
 * @param md - Markdown source.
 * @example
 * ```ts
 * renderPlainText('**Done** — see [the log](https://example.com)'); // 'Done — see the log'
 * ```
 */
export function renderPlainText(md: string): string {
  return tokensToString(renderMarkdownTokens(md, plainDialect));
}
