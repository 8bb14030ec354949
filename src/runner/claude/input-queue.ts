/**
 * A push-based async iterable: the streaming input the Agent SDK reads user messages from.
 * @module
 */

/** Values pushed now are yielded to the single consumer later; `end()` finishes the iteration. */
export class InputQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  /** Queue a value. Ignored after `end()`. */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake?.();
  }

  /** Finish the iteration once the queued values are consumed. */
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  /** Whether `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
