/**
 * The one gate every text a bridge sends passes through before it is rendered: agent output, status lines,
 * approval and choice cards (tool inputs, diffs), "Show all", replies, thread names and audit records. It masks
 * secrets with a {@link MaskBook} per thread, so a secret keeps its mask within the thread. What the agent
 * receives is never touched: only what we send to the chat.
 * @module
 */
import type { Card } from '../approvals/cards.js';
import type { OutgoingFile } from '../outgoing-file.js';
import { PEM_FOOTER, PEM_HEADER } from './formats.js';
import { MaskBook, maskText, SecretMasker, type SecretMaskingOptions } from './masker.js';

/** Shown under an approval card whose input held a secret. */
export const SECRET_APPROVAL_NOTICE =
  '🔒 _Contains a secret, masked here. Approving approves the real command, secret included._';
/** Shown under any other card that held a secret. */
export const SECRET_CARD_NOTICE = '🔒 _Contains a secret, masked here._';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 text of `bytes`, or undefined when they are not text (invalid UTF-8 or a NUL byte). */
function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Threads whose mask books are kept at most (the oldest is forgotten first). */
const MAX_BOOKS = 10_000;
/** Texts up to this long that hold no secret are remembered (see {@link OutgoingSecrets.text}). */
const MAX_CLEAN_LENGTH = 200;
/** How many such texts are remembered at most (then forgotten all at once). */
const MAX_CLEAN_TEXTS = 512;
/** The book of text sent outside any thread (a general channel). */
const GENERAL = '\u0000general';

/**
 * A line of a key's base64 body (16+ characters, or a shorter last one ending in `=` padding) or one of its
 * `Proc-Type:`/`DEK-Info:` headers, leading and trailing spaces aside (keys are often indented, as in YAML).
 */
const KEY_LINE =
  /^(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]{1,15}={1,2}|(?:Proc-Type|DEK-Info): [^\n]{0,200})$/;

/** Whether `text` could be lines of a key's body (a sentence can not: it has spaces; a word is too short). */
function isKeyBody(text: string): boolean {
  if (text.length > 65_536 || text.trim() === '') return false;
  return text.split('\n').every((line) => line.trim() === '' || KEY_LINE.test(line.trim()));
}

/** Whether `text` opens a private key it does not close (its last BEGIN has no END after it). */
function opensKey(text: string): boolean {
  const begin = text.lastIndexOf('-----BEGIN ');
  if (begin < 0 || text.indexOf('-----END ', begin) >= 0) return false;
  PEM_HEADER.lastIndex = begin;
  return PEM_HEADER.test(text);
}

/** Secret masking of one bridge's outgoing text. */
export class OutgoingSecrets {
  readonly #masker: SecretMasker | undefined;
  readonly #books = new Map<string, MaskBook>();
  /** Recent short texts that hold no secret. */
  readonly #clean = new Set<string>();
  readonly #cleanPlain = new Set<string>();
  /** Threads whose last output opened a private key without its END line. */
  readonly #inKey = new Set<string>();

  /**
   * @param options - the bridge's `secretMasking` option; masking is on unless `enabled` is false.
   * @throws ConfigError when a configured pattern is invalid or could backtrack.
   */
  constructor(options: SecretMaskingOptions = {}) {
    this.#masker = options.enabled === false ? undefined : new SecretMasker(options);
  }

  /** False when the bridge was told not to mask (`secretMasking: { enabled: false }`). */
  get enabled(): boolean {
    return this.#masker !== undefined;
  }

  /**
   * Markdown `text` with its secrets masked (as its reader sees it: escapes and character references resolved),
   * numbered within `threadId`'s book.
   * @param threadId - the thread the text goes to; undefined for a general channel.
   */
  text(threadId: string | undefined, text: string): string {
    return this.#masked(threadId, text, true);
  }

  /** Plain `text` (an audit record, never rendered as Markdown) with its secrets masked. */
  plain(threadId: string | undefined, text: string): string {
    return this.#masked(threadId, text, false);
  }

  #masked(threadId: string | undefined, text: string, markdown: boolean): string {
    if (!this.#masker) return text;
    const clean = markdown ? this.#clean : this.#cleanPlain;
    if (clean.has(text)) return text;
    const book = this.#book(threadId ?? GENERAL);
    const masked = markdown ? this.#masker.maskMarkdown(text, book) : this.#masker.mask(text, book);
    // Whether a text holds a secret depends on the text alone (the masker's rules are fixed): remember short
    // clean ones — the same status lines and audit details come again and again.
    if (masked === text && text.length <= MAX_CLEAN_LENGTH) {
      if (clean.size >= MAX_CLEAN_TEXTS) clean.clear();
      clean.add(text);
    }
    return masked;
  }

  /**
   * Agent output for `threadId`, masked like {@link OutgoingSecrets.text}, and a private key printed a line at a
   * time (one output per line) masked to its END line: once an output opens a key and does not close it, the
   * thread's next outputs are the key's as long as they are base64, up to and including the END line.
   */
  output(threadId: string, text: string): string {
    if (!this.#masker) return text;
    if (this.#inKey.has(threadId)) {
      if (text.trim() === '') return text; // a blank output between two lines of the key
      const end = PEM_FOOTER.exec(text);
      const keyEnd = end ? end.index + end[0].length : isKeyBody(text) ? text.length : 0;
      if (keyEnd > 0) {
        if (end) this.#inKey.delete(threadId);
        const span = { start: 0, end: keyEnd, shown: 0, label: 'private key' };
        const rest = text.slice(keyEnd);
        return (
          maskText(span, text.slice(0, keyEnd), this.#book(threadId)) +
          (rest ? this.output(threadId, rest) : '')
        );
      }
      this.#inKey.delete(threadId); // the key was cut off: this is other output
    }
    const masked = this.text(threadId, text);
    if (masked !== text && opensKey(text)) this.#inKey.add(threadId);
    return masked;
  }

  /** A card with its Markdown masked and, when something was masked, a line saying so (and what approving does). */
  card(threadId: string, card: Card): Card {
    const markdown = this.text(threadId, card.markdown);
    if (markdown === card.markdown) return card;
    const notice = card.kind === 'approval' ? SECRET_APPROVAL_NOTICE : SECRET_CARD_NOTICE;
    return { ...card, markdown: `${markdown}\n\n${notice}` };
  }

  /**
   * A file with its name, caption and (when it is text) content masked: the whole diff behind "Show all", a file
   * an agent made. Binary content (an image) is sent as it is.
   */
  file(threadId: string, file: OutgoingFile): OutgoingFile {
    if (!this.#masker) return file;
    const text = typeof file.content === 'string' ? file.content : decodeText(file.content);
    const content = text === undefined ? file.content : this.text(threadId, text);
    return {
      ...file,
      fileName: this.text(threadId, file.fileName),
      content: content === text ? file.content : content,
      ...(file.caption === undefined ? {} : { caption: this.text(threadId, file.caption) }),
    };
  }

  /** Forget a removed thread's book. */
  forget(threadId: string): void {
    this.#books.delete(threadId);
    this.#inKey.delete(threadId);
  }

  #book(scope: string): MaskBook {
    let book = this.#books.get(scope);
    if (!book) {
      book = new MaskBook();
      this.#books.set(scope, book);
      if (this.#books.size > MAX_BOOKS) {
        const oldest = this.#books.keys().next().value;
        if (oldest !== undefined) this.#books.delete(oldest);
      }
    }
    return book;
  }
}
