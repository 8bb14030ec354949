/**
 * Rules on cards: what a rule decides before a card is shown, the "Always allow …" button, and the `/rules`
 * list with its revoke buttons. Used by the approval flow; button payloads go through the flow's codec.
 * @module
 */
import { type Card, type CardButton, escapeMarkdown } from '../approvals/cards.js';
import type { PayloadCodec } from '../approvals/codec.js';
import { describePerson } from '../people.js';
import type { StoredRule } from '../store/types.js';
import type { ApprovalDecision, ApprovalRequest, ChatUser } from '../types.js';
import type { RuleBook } from './book.js';
import { alwaysAllowLabel, deriveAllowRule } from './derive.js';
import { describeRule } from './match.js';

const RULE_TOKEN_PREFIX = 'rule:';

/** What rules say about a request before anyone is asked. */
export type RuleOutcome =
  | { readonly kind: 'decided'; readonly decision: ApprovalDecision; readonly rule: StoredRule }
  | { readonly kind: 'ask'; readonly rule: StoredRule }
  | { readonly kind: 'none' };

/** Rules seen from the approval flow. */
export class RuleCardActions {
  readonly book: RuleBook;
  readonly #codec: PayloadCodec;

  constructor(book: RuleBook, codec: PayloadCodec) {
    this.book = book;
    this.#codec = codec;
  }

  /** Whether a rule decides `request` (deny or allow), insists on asking, or says nothing. */
  outcome(request: ApprovalRequest): RuleOutcome {
    const verdict = this.book.evaluate(request);
    if (!verdict) return { kind: 'none' };
    const { rule } = verdict;
    if (verdict.effect === 'ask') return { kind: 'ask', rule };
    const by = {
      type: 'auto',
      reason: `rule ${rule.ruleId} (${describeRule(rule)})`,
      rule: rule.ruleId,
    } as const;
    const decision: ApprovalDecision =
      verdict.effect === 'deny'
        ? { behavior: 'deny', by, reason: `Denied by the rule "${describeRule(rule)}"` }
        : { behavior: 'allow', scope: 'once', by };
    return { kind: 'decided', decision, rule };
  }

  /** The "Always allow …" label for a request's card, or undefined when no rule can be offered. */
  offer(request: ApprovalRequest): string | undefined {
    const spec = deriveAllowRule(request, request.suggestions);
    return spec ? alwaysAllowLabel(spec) : undefined;
  }

  /** Store the rule the card offered (derived again from the same request, so it is the one shown). */
  alwaysAllow(request: ApprovalRequest, user: ChatUser): StoredRule | undefined {
    const spec = deriveAllowRule(request, request.suggestions);
    return spec ? this.book.add(spec, describePerson(user)) : undefined;
  }

  /** The `/rules` card: each rule with a revoke button (config rules are listed without one). */
  listCard(): Card {
    const rules = this.book.list();
    if (rules.length === 0) {
      return {
        markdown: '📏 **Rules**\n\nNo rules yet. Tap "Always allow …" on a card to add one.',
        buttons: [],
      };
    }
    const lines = rules.map(
      (rule, i) =>
        `${i + 1}. ${escapeMarkdown(describeRule(rule))}${rule.source === 'config' ? ' _(config)_' : ''}` +
        `${rule.createdBy ? ` — ${escapeMarkdown(rule.createdBy)}` : ''}`,
    );
    const buttons: CardButton[][] = [];
    rules.forEach((rule, i) => {
      if (rule.source !== 'store') return;
      const tokenSeed = `${RULE_TOKEN_PREFIX}${rule.ruleId}`;
      const action = { type: 'revoke_rule' } as const;
      buttons.push([{ label: `Revoke ${i + 1}`, action, payload: this.#codec.encode(tokenSeed, action) }]);
    });
    return { markdown: ['📏 **Rules**', '', ...lines].join('\n'), buttons };
  }

  /** The `/rules` list as text, for places without buttons (revoke with `/rules revoke <n>`). */
  listText(prefix: string): string {
    const card = this.listCard();
    return card.buttons.length === 0
      ? card.markdown
      : `${card.markdown}\n\nRevoke one with ${prefix}rules revoke <number>.`;
  }

  /** Revoke the rule numbered `n` in the list (1-based). Returns the revoked rule, or undefined. */
  revokeNumber(n: number): StoredRule | undefined {
    const rule = this.book.list()[n - 1];
    return rule?.source === 'store' ? this.book.revoke(rule.ruleId) : undefined;
  }

  /**
   * A revoke button was tapped: returns the revoked rule, or undefined when no stored rule has that token
   * (revoked already, or forged). Tokens are derived from rule ids, so buttons survive a restart.
   */
  revokeByToken(token: string): StoredRule | undefined {
    const rule = this.book
      .list()
      .find((r) => r.source === 'store' && this.#codec.matches(token, `${RULE_TOKEN_PREFIX}${r.ruleId}`));
    return rule ? this.book.revoke(rule.ruleId) : undefined;
  }
}
