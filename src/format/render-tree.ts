/**
 * The one walker every renderer shares. A {@link Dialect} says how each construct looks on a platform; the
 * walker decides structure (block separation, lists, tables, task items, images), so every platform shows the
 * same visible text. It walks markdown-it's flat token stream with an explicit stack (no recursion), so deep
 * nesting cannot overflow the stack here; where the parser itself overflows, the text is shown as a code block.
 * @module
 */
import { displayTarget, labelHidesTarget } from './link-policy.js';
import type { Token } from './markdown.js';
import { type Align, layoutTable } from './table-layout.js';
import { appendAll, hasVisibleText, mapLineBreaks, type RenderToken, textToken } from './tokens.js';

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

/** An open block container while walking: its rendered children and what it needs when it closes. */
interface ContainerFrame {
  kind: 'root' | 'quote' | 'item';
  out: RenderToken[];
  sep: string;
  ctx: RenderContext;
  /** A task item's box (`[x]` true, `[ ]` false). */
  checked?: boolean;
}
interface ListFrame {
  kind: 'list';
  ctx: RenderContext;
  ordered: boolean;
  start: number;
  items: RenderToken[][];
}
interface LeafFrame {
  kind: 'leaf';
  ctx: RenderContext;
  type: 'paragraph' | 'heading';
  depth: number;
  out: RenderToken[];
}
interface TableFrame {
  kind: 'table';
  ctx: RenderContext;
  rows: string[][];
  align: Align[];
}
type BlockFrame = ContainerFrame | ListFrame | LeafFrame | TableFrame;

/** An open inline span while walking: its rendered content and its visible text (for link labels). */
interface InlineFrame {
  readonly type: 'root' | 'strong' | 'em' | 's' | 'link';
  readonly ctx: RenderContext;
  readonly href?: string;
  out: RenderToken[];
  plain: string;
}

const TASK = /^\[([ xX])\][ \t]+(?=\S)/;

class TokenRenderer {
  readonly #d: Dialect;

  constructor(dialect: Dialect) {
    this.#d = dialect;
  }

  render(tokens: readonly Token[]): RenderToken[] {
    const d = this.#d;
    const stack: BlockFrame[] = [{ kind: 'root', out: [], sep: d.blockSeparator, ctx: TOP }];
    const top = (): BlockFrame => stack[stack.length - 1] as BlockFrame;
    for (const token of tokens) {
      const frame = top();
      const ctx = frame.ctx;
      switch (token.type) {
        case 'paragraph_open':
        case 'heading_open':
          stack.push({
            kind: 'leaf',
            ctx,
            type: token.type === 'heading_open' ? 'heading' : 'paragraph',
            depth: Number(token.tag.slice(1)) || 1,
            out: [],
          });
          break;
        case 'paragraph_close':
        case 'heading_close': {
          const leaf = stack.pop() as LeafFrame;
          this.#append(
            top(),
            leaf.type === 'heading' ? d.heading(leaf.depth, leaf.out) : d.paragraph(leaf.out),
          );
          break;
        }
        case 'inline':
          if (frame.kind === 'table') frame.rows.at(-1)?.push(this.#plainInline(token.children ?? []));
          else if (frame.kind === 'leaf')
            appendAll(frame.out, this.#inline(this.#taskItem(stack, token), ctx));
          break;
        case 'blockquote_open':
          stack.push({
            kind: 'quote',
            out: [],
            sep: d.blockSeparator,
            ctx: { ...ctx, quoteDepth: ctx.quoteDepth + 1 },
          });
          break;
        case 'blockquote_close': {
          const quote = stack.pop() as ContainerFrame;
          this.#append(top(), d.blockquote(quote.out, top().ctx));
          break;
        }
        case 'bullet_list_open':
        case 'ordered_list_open':
          stack.push({
            kind: 'list',
            ctx,
            ordered: token.type === 'ordered_list_open',
            start: listStart(token),
            items: [],
          });
          break;
        case 'list_item_open':
          stack.push({ kind: 'item', out: [], sep: '\n', ctx });
          break;
        case 'list_item_close': {
          const item = stack.pop() as ContainerFrame;
          const list = top() as ListFrame;
          list.items.push(this.#listItem(list, item));
          break;
        }
        case 'bullet_list_close':
        case 'ordered_list_close': {
          const list = stack.pop() as ListFrame;
          this.#append(top(), this.#list(list));
          break;
        }
        case 'fence':
        case 'code_block': {
          const lang = token.type === 'fence' ? token.info.trim().split(/\s+/)[0] || undefined : undefined;
          this.#append(frame, d.codeBlock(token.content.replace(/\n$/, ''), lang, ctx));
          break;
        }
        case 'hr':
          this.#append(frame, d.thematicBreak());
          break;
        case 'html_block':
          this.#append(frame, d.paragraph([textToken(d.escape(token.content.replace(/\n$/, '')))]));
          break;
        case 'table_open':
          stack.push({ kind: 'table', ctx, rows: [], align: [] });
          break;
        case 'tr_open':
          if (frame.kind === 'table') frame.rows.push([]);
          break;
        case 'th_open':
          if (frame.kind === 'table') frame.align.push(alignOf(attr(token, 'style')));
          break;
        case 'table_close': {
          const table = stack.pop() as TableFrame;
          this.#append(top(), d.codeBlock(layoutTable(table.rows, table.align), undefined, table.ctx));
          break;
        }
        default:
          // thead/tbody/tr/td closes and the like carry nothing to show.
          break;
      }
    }
    const root = stack[0] as ContainerFrame;
    return root.out;
  }

  /** Adds a rendered block to its container, separated from the previous one. */
  #append(frame: BlockFrame, rendered: RenderToken[]): void {
    if (rendered.length === 0 || frame.kind === 'list' || frame.kind === 'table') return;
    if (frame.kind !== 'leaf' && frame.out.length > 0) frame.out.push(textToken(frame.sep));
    appendAll(frame.out, rendered);
  }

  /** GitHub task items (`- [x] done`): the first paragraph of a list item loses its box and the item is marked. */
  #taskItem(stack: readonly BlockFrame[], inline: Token): readonly Token[] {
    const children = inline.children ?? [];
    const item = stack[stack.length - 2];
    const first = children[0];
    if (item?.kind !== 'item' || item.out.length > 0 || item.checked !== undefined || first?.type !== 'text')
      return children;
    const match = TASK.exec(first.content);
    if (!match) return children;
    item.checked = match[1] !== ' ';
    const rest = Object.assign(Object.create(Object.getPrototypeOf(first)) as Token, first, {
      content: first.content.slice(match[0].length),
    });
    return [rest, ...children.slice(1)];
  }

  #listItem(list: ListFrame, item: ContainerFrame): RenderToken[] {
    const d = this.#d;
    const check = item.checked === undefined ? '' : item.checked ? '☑ ' : '☐ ';
    if (d.list) return check ? [textToken(check), ...item.out] : item.out;
    const marker = list.ordered ? `${list.start + list.items.length}. ` : '• ';
    const indent = '\n' + ' '.repeat(marker.length);
    return [textToken(marker + check), ...mapLineBreaks(item.out, indent, true)];
  }

  #list(list: ListFrame): RenderToken[] {
    if (this.#d.list) return this.#d.list(list.items, list.ordered);
    const out: RenderToken[] = [];
    for (const item of list.items) {
      if (out.length > 0) out.push(textToken('\n'));
      appendAll(out, item);
    }
    return out;
  }

  #inline(children: readonly Token[], ctx: RenderContext): RenderToken[] {
    const d = this.#d;
    const stack: InlineFrame[] = [{ type: 'root', ctx, out: [], plain: '' }];
    for (const child of children) {
      const frame = stack[stack.length - 1] as InlineFrame;
      switch (child.type) {
        case 'text':
        case 'text_special':
          frame.out.push(textToken(d.escape(child.content)));
          frame.plain += child.content;
          break;
        case 'softbreak':
          frame.out.push(textToken('\n'));
          frame.plain += '\n';
          break;
        case 'hardbreak':
          appendAll(frame.out, d.lineBreak());
          frame.plain += '\n';
          break;
        case 'code_inline':
          appendAll(frame.out, d.inlineCode(child.content, frame.ctx));
          frame.plain += child.content;
          break;
        case 'html_inline':
          frame.out.push(textToken(d.escape(child.content)));
          frame.plain += child.content;
          break;
        case 'image': {
          const text = imageText(this.#plainInline(child.children ?? []), attr(child, 'src'));
          frame.out.push(textToken(d.escape(text)));
          frame.plain += text;
          break;
        }
        case 'strong_open':
        case 'em_open':
        case 's_open':
          stack.push({
            type: child.type.slice(0, -5) as InlineFrame['type'],
            ctx: frame.ctx,
            out: [],
            plain: '',
          });
          break;
        case 'link_open':
          stack.push({
            type: 'link',
            ctx: { ...frame.ctx, inLink: true },
            href: attr(child, 'href'),
            out: [],
            plain: '',
          });
          break;
        case 'strong_close':
        case 'em_close':
        case 's_close':
        case 'link_close': {
          if (stack.length < 2) break;
          const span = stack.pop() as InlineFrame;
          const parent = stack[stack.length - 1] as InlineFrame;
          const rendered =
            span.type === 'link'
              ? this.#link(span.href ?? '', span.out, span.plain, parent.ctx)
              : marked(
                  span.type === 'strong' ? d.strong : span.type === 'em' ? d.emphasis : d.strike,
                  span.out,
                );
          appendAll(parent.out, rendered);
          parent.plain += span.plain;
          break;
        }
        default:
          break;
      }
    }
    return (stack[0] as InlineFrame).out;
  }

  #link(url: string, label: RenderToken[], labelText: string, ctx: RenderContext): RenderToken[] {
    const d = this.#d;
    if (ctx.inLink) return label;
    let shown = label;
    let shownText = labelText;
    if (!/\S/.test(labelText)) {
      shown = [textToken(d.escape(url))];
      shownText = url;
    }
    if (labelHidesTarget(shownText, url)) {
      // A label that reads as another address would hide where the link really goes: show the target too.
      const real = displayTarget(url);
      const target = d.link(url, [textToken(d.escape(real))], real, ctx);
      return [...shown, textToken(d.escape(' (')), ...target, textToken(d.escape(')'))];
    }
    return d.link(url, shown, shownText, ctx);
  }

  /** The visible text of inline content (table cells, image alt text). */
  #plainInline(children: readonly Token[]): string {
    let text = '';
    for (const child of children) {
      if (child.type === 'image')
        text += imageText(this.#plainInline(child.children ?? []), attr(child, 'src'));
      else if (child.type === 'softbreak' || child.type === 'hardbreak') text += '\n';
      else if (child.content && !child.type.endsWith('_open') && !child.type.endsWith('_close'))
        text += child.content;
    }
    return text;
  }
}

function marked(mark: MarkPair | undefined, inner: RenderToken[]): RenderToken[] {
  if (!mark || !hasVisibleText(inner)) return inner;
  return [{ kind: 'open', text: mark[0], close: mark[1] }, ...inner, { kind: 'close' }];
}

function listStart(token: Token): number {
  const start = Number(token.attrGet('start') ?? 1);
  return Number.isFinite(start) ? start : 1;
}

function attr(token: Token, name: string): string {
  return String(token.attrGet(name) ?? '');
}

function alignOf(style: string): Align {
  const match = /text-align:\s*(left|right|center)/.exec(style);
  return (match?.[1] as Align | undefined) ?? null;
}

/** The text shown for an image: its alt text and its address (chat messages cannot embed it inline). */
function imageText(alt: string, url: string): string {
  if (alt && url) return `${alt} (${url})`;
  return alt || url;
}

/** Renders parsed tokens with a dialect. */
export function renderTokens(tokens: readonly Token[], dialect: Dialect): RenderToken[] {
  return new TokenRenderer(dialect).render(tokens);
}
