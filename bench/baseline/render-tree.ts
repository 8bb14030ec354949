/**
 * The one mdast walker every renderer shares. A {@link Dialect} says how each construct looks on a platform;
 * the walker decides structure (block separation, lists, tables, references, images, footnotes), so every
 * platform shows the same visible text.
 * @module
 */
import type { Definition, List, PhrasingContent, Root, RootContent, Table } from 'mdast';
import { collectDefinitions, parseMarkdown } from './markdown.js';
import { plainDialect } from './plain-dialect.js';
import { layoutTable } from './table-layout.js';
import { hasVisibleText, mapLineBreaks, type RenderToken, textToken, tokensToString } from './tokens.js';

/** Where in the tree a node is being rendered. */
export interface RenderContext {
  /** Inside a link label: no nested links, and Telegram allows no code there. */
  readonly inLink: boolean;
  /** How many block quotes enclose the node (platforms without nested quotes flatten inner ones). */
  readonly quoteDepth: number;
}

/** A pair of markup strings around a span, e.g. `['<b>', '</b>']`. */
export type MarkPair = readonly [open: string, close: string];

/** How one platform writes each Markdown construct. All text passes through `escape` first. */
export interface Dialect {
  /** Escapes plain text so it shows as written and can inject nothing. */
  escape(text: string): string;
  /** Markup for bold, italic and strikethrough; omitted marks render their content only. */
  readonly strong?: MarkPair;
  readonly emphasis?: MarkPair;
  readonly strike?: MarkPair;
  /** Inline code. `value` is raw (unescaped). */
  inlineCode(value: string, ctx: RenderContext): RenderToken[];
  /** A code block (also used for tables). `value` is raw; `lang` is the fence's info word, unchecked. */
  codeBlock(value: string, lang: string | undefined, ctx: RenderContext): RenderToken[];
  /** A link. `url` is raw and unchecked; `label` is rendered; `labelText` is its visible text, unescaped. */
  link(url: string, label: RenderToken[], labelText: string, ctx: RenderContext): RenderToken[];
  /** A heading of depth 1–6. */
  heading(depth: number, content: RenderToken[]): RenderToken[];
  /** A paragraph (or a block of raw HTML shown as text). */
  paragraph(content: RenderToken[]): RenderToken[];
  /** A block quote; `ctx.quoteDepth` is the depth outside this quote. */
  blockquote(content: RenderToken[], ctx: RenderContext): RenderToken[];
  /** A list whose items are already rendered; omit to get text lines with `• ` / `1. ` markers. */
  list?(items: RenderToken[][], ordered: boolean): RenderToken[];
  /** A hard line break. */
  lineBreak(): RenderToken[];
  /** A thematic break (`---`). */
  thematicBreak(): RenderToken[];
  /** What separates two top-level blocks, e.g. `\n\n`. */
  readonly blockSeparator: string;
}

const TOP: RenderContext = { inLink: false, quoteDepth: 0 };

class TreeRenderer {
  readonly #dialect: Dialect;
  readonly #definitions: ReadonlyMap<string, Definition>;

  constructor(dialect: Dialect, definitions: ReadonlyMap<string, Definition>) {
    this.#dialect = dialect;
    this.#definitions = definitions;
  }

  blocks(nodes: readonly RootContent[], ctx: RenderContext, separator: string): RenderToken[] {
    const out: RenderToken[] = [];
    for (const node of nodes) {
      const rendered = this.block(node, ctx);
      if (rendered.length === 0) continue;
      if (out.length > 0) out.push(textToken(separator));
      out.push(...rendered);
    }
    return out;
  }

  block(node: RootContent, ctx: RenderContext): RenderToken[] {
    const d = this.#dialect;
    switch (node.type) {
      case 'paragraph':
        return d.paragraph(this.inline(node.children, ctx));
      case 'heading':
        return d.heading(node.depth, this.inline(node.children, ctx));
      case 'blockquote': {
        const inner = { ...ctx, quoteDepth: ctx.quoteDepth + 1 };
        return d.blockquote(this.blocks(node.children, inner, d.blockSeparator), ctx);
      }
      case 'code':
        return d.codeBlock(node.value, node.lang ?? undefined, ctx);
      case 'html':
        return d.paragraph([textToken(d.escape(node.value))]);
      case 'list':
        return this.list(node, ctx);
      case 'table':
        return d.codeBlock(this.tableText(node), undefined, ctx);
      case 'thematicBreak':
        return d.thematicBreak();
      case 'footnoteDefinition': {
        const label = textToken(d.escape(`[${node.label ?? node.identifier}] `));
        return [label, ...this.blocks(node.children, ctx, '\n')];
      }
      case 'definition':
        return [];
      default:
        // Phrasing content where a block was expected (only happens in malformed trees): render inline.
        return this.inline([node as PhrasingContent], ctx);
    }
  }

  list(node: List, ctx: RenderContext): RenderToken[] {
    const d = this.#dialect;
    const start = node.start ?? 1;
    const items = node.children.map((item, index) => {
      const content = this.blocks(item.children, ctx, '\n');
      if (d.list) {
        if (item.checked === null || item.checked === undefined) return content;
        return [textToken(item.checked ? '☑ ' : '☐ '), ...content];
      }
      const marker = node.ordered ? `${start + index}. ` : '• ';
      const check = item.checked === null || item.checked === undefined ? '' : item.checked ? '☑ ' : '☐ ';
      const indent = '\n' + ' '.repeat(marker.length);
      return [textToken(marker + check), ...mapLineBreaks(content, indent, true)];
    });
    if (d.list) return d.list(items, node.ordered === true);
    const out: RenderToken[] = [];
    for (const item of items) {
      if (out.length > 0) out.push(textToken('\n'));
      out.push(...item);
    }
    return out;
  }

  tableText(node: Table): string {
    const rows = node.children.map((row) => row.children.map((cell) => visibleInlineText(cell.children)));
    return layoutTable(rows, node.align ?? []);
  }

  inline(nodes: readonly PhrasingContent[], ctx: RenderContext): RenderToken[] {
    return nodes.flatMap((node) => this.phrasing(node, ctx));
  }

  phrasing(node: PhrasingContent, ctx: RenderContext): RenderToken[] {
    const d = this.#dialect;
    switch (node.type) {
      case 'text':
        return [textToken(d.escape(node.value))];
      case 'strong':
        return this.marked(d.strong, node.children, ctx);
      case 'emphasis':
        return this.marked(d.emphasis, node.children, ctx);
      case 'delete':
        return this.marked(d.strike, node.children, ctx);
      case 'inlineCode':
        return d.inlineCode(node.value, ctx);
      case 'break':
        return d.lineBreak();
      case 'html':
        return [textToken(d.escape(node.value))];
      case 'link':
        return this.link(node.url, node.children, ctx);
      case 'linkReference': {
        const definition = this.#definitions.get(node.identifier);
        if (!definition) return this.inline(node.children, ctx);
        return this.link(definition.url, node.children, ctx);
      }
      case 'image':
        return [textToken(d.escape(imageText(node.alt, node.url)))];
      case 'imageReference': {
        const definition = this.#definitions.get(node.identifier);
        return [textToken(d.escape(imageText(node.alt, definition?.url ?? '')))];
      }
      case 'footnoteReference':
        return [textToken(d.escape(`[${node.label ?? node.identifier}]`))];
      default:
        return [];
    }
  }

  marked(
    mark: MarkPair | undefined,
    children: readonly PhrasingContent[],
    ctx: RenderContext,
  ): RenderToken[] {
    const inner = this.inline(children, ctx);
    if (!mark || !hasVisibleText(inner)) return inner;
    return [{ kind: 'open', text: mark[0], close: mark[1] }, ...inner, { kind: 'close' }];
  }

  link(url: string, children: readonly PhrasingContent[], ctx: RenderContext): RenderToken[] {
    const d = this.#dialect;
    if (ctx.inLink) return this.inline(children, ctx);
    let label = this.inline(children, { ...ctx, inLink: true });
    let labelText = visibleInlineText(children);
    if (!/\S/.test(labelText)) {
      label = [textToken(d.escape(url))];
      labelText = url;
    }
    if (looksLikeAddress(labelText) && !sameAddress(labelText, url)) {
      // A label that reads as another address would hide where the link really goes: show the target too.
      const target = d.link(url, [textToken(d.escape(url))], url, ctx);
      return [...label, textToken(d.escape(' (')), ...target, textToken(d.escape(')'))];
    }
    return d.link(url, label, labelText, ctx);
  }
}

/** True for text a reader would take for a web address: `https://…`, `www.…`, `example.com/…`. */
function looksLikeAddress(text: string): boolean {
  return /^\s*(?:[a-z][a-z0-9+.-]*:\/\/|www\.|[\w-]+(?:\.[\w-]+)+(?:[/:?#]|\s*$))/i.test(text);
}

/** Whether a label names the same address as the link's target (scheme, case of the host, trailing slash aside). */
function sameAddress(label: string, url: string): boolean {
  const normal = (text: string) =>
    text
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^www\./i, '')
      .replace(/\/$/, '')
      .toLowerCase();
  return normal(label) === normal(url);
}

/** The text shown for an image: its alt text and its address (chat messages cannot embed it inline). */
function imageText(alt: string | null | undefined, url: string): string {
  if (alt && url) return `${alt} (${url})`;
  return alt || url;
}

// Renderers never mutate the tree, so the same text rendered for several platforms (a router, the plain
// fallback) is parsed once. Parsing dominates the cost of rendering.
const recentTrees = new Map<string, Root>();
const RECENT_TREES = 8;

function parseCached(md: string): Root {
  const cached = recentTrees.get(md);
  if (cached) return cached;
  const root = parseMarkdown(md);
  if (recentTrees.size >= RECENT_TREES) recentTrees.delete(recentTrees.keys().next().value as string);
  recentTrees.set(md, root);
  return root;
}

let plainRenderer: TreeRenderer | undefined;

/** The visible text of inline content (used for table cells and link labels). */
export function visibleInlineText(nodes: readonly PhrasingContent[]): string {
  plainRenderer ??= new TreeRenderer(plainDialect, new Map());
  return tokensToString(plainRenderer.inline(nodes, TOP));
}

/**
 * Renders a parsed tree with a dialect.
 * @param root - a tree from {@link parseMarkdown}.
 * @param dialect - the platform's dialect.
 */
export function renderTree(root: Root, dialect: Dialect): RenderToken[] {
  const renderer = new TreeRenderer(dialect, collectDefinitions(root));
  return renderer.blocks(root.children, TOP, dialect.blockSeparator);
}

/**
 * Parses and renders Markdown with a dialect. When the Markdown has characters but renders to nothing visible
 * (e.g. only link definitions), the source itself is shown as escaped text, so non-empty input never vanishes.
 * @param md - Markdown source.
 * @param dialect - the platform's dialect.
 */
export function renderMarkdownTokens(md: string, dialect: Dialect): RenderToken[] {
  const tokens = renderTree(parseCached(md), dialect);
  if (hasVisibleText(tokens) || !/\S/.test(md)) return tokens;
  return dialect.paragraph([textToken(dialect.escape(md.trim()))]);
}
