/**
 * The plain-text dialect: visible text only, no markup, no escaping. It defines what "visible text" means
 * for the whole module (table cells, link labels, the plain fallback, the property tests).
 * @module
 */
import type { Dialect } from './render-tree.js';
import { THEMATIC_BREAK_TEXT, textToken } from './tokens.js';

/** Renders Markdown constructs as the text a reader would see, without any markup. */
export const plainDialect: Dialect = {
  escape: (text) => text,
  inlineCode: (value) => [textToken(value)],
  codeBlock: (value) => [textToken(value, true)],
  link: (_url, label) => label,
  heading: (_depth, content) => content,
  paragraph: (content) => content,
  blockquote: (content) => content,
  lineBreak: () => [textToken('\n')],
  thematicBreak: () => [textToken(THEMATIC_BREAK_TEXT)],
  blockSeparator: '\n\n',
};
