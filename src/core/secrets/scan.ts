/**
 * Per-text memo of forward searches. Candidates are examined left to right, so remembering the last answer for
 * each needle makes every "where is the next `"` / newline / `-----END `" question cost amortized O(1): the
 * text is searched for each needle at most once overall, whatever an adversary repeats.
 * @module
 */

/** Memoized `indexOf` over one text, for queries whose `from` never decreases (per needle). */
export class ForwardScan {
  readonly text: string;
  readonly #memo = new Map<string, { from: number; at: number }>();

  constructor(text: string) {
    this.text = text;
  }

  /** `text.indexOf(needle, from)`, answered from the previous answer when it still holds. */
  next(needle: string, from: number): number {
    const memo = this.#memo.get(needle);
    if (memo && from >= memo.from && (memo.at === -1 || memo.at >= from)) return memo.at;
    const at = this.text.indexOf(needle, from);
    this.#memo.set(needle, { from, at });
    return at;
  }

  /** The first of several needles after `from` (or -1). */
  first(needles: readonly string[], from: number): number {
    let best = -1;
    for (const needle of needles) {
      const at = this.next(needle, from);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    return best;
  }
}
