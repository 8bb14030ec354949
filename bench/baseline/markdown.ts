/**
 * Markdown parsing: the one place that turns agent Markdown (CommonMark + GFM) into an mdast tree.
 * Every platform renderer walks the tree this returns, so the text is parsed once and the same way everywhere.
 * @module
 */
import type { Definition, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Parses Markdown (CommonMark with GitHub extensions: tables, strikethrough, task lists, autolinks,
 * footnotes) into an mdast tree.
 * @param md - the Markdown source, e.g. an agent's reply.
 * @returns the mdast root node.
 * @example
 * ```ts
 * const root = parseMarkdown('**hi** [docs](https://example.com)');
 * root.children[0]?.type; // 'paragraph'
 * ```
 */
export function parseMarkdown(md: string): Root {
  return fromMarkdown(md, PARSE_OPTIONS);
}

// Built once: constructing the GFM extensions costs more than parsing a typical message.
const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

/**
 * Collects the link reference definitions (`[id]: https://…`) of a tree, keyed by their normalised identifier,
 * so `[text][id]` references can be rendered as links.
 * @param root - a tree from {@link parseMarkdown}.
 */
export function collectDefinitions(root: Root): ReadonlyMap<string, Definition> {
  const found = new Map<string, Definition>();
  const visit = (node: Nodes): void => {
    if (node.type === 'definition') {
      if (!found.has(node.identifier)) found.set(node.identifier, node);
      return;
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(root);
  return found;
}
