/**
 * {@link RuleBook}: the rules of one bridge — the config's (fixed, listed first) and the ones people stored
 * from cards — evaluated before a person is asked.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoredRule } from '../store/types.js';
import type { ApprovalRequest, Clock } from '../types.js';
import { type ActiveRule, evaluateRules, type RuleSpec, type RuleVerdict } from './match.js';

/** Options of {@link RuleBook}. */
export interface RuleBookOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Rules from the config, in order. They apply before stored rules and cannot be revoked from a chat. */
  readonly configRules?: readonly RuleSpec[];
  /** True when a tool may never be auto-approved (an `allow` rule does not apply to it). */
  readonly neverAutoApprove: (toolName: string) => boolean;
}

/** Config rules and stored rules, evaluated together. */
export class RuleBook {
  readonly #o: RuleBookOptions;
  readonly #config: readonly ActiveRule[];

  constructor(options: RuleBookOptions) {
    this.#o = options;
    this.#config = (options.configRules ?? []).map((spec, i) => ({
      ...spec,
      ruleId: `config-${i + 1}`,
      createdAt: 0,
      source: 'config' as const,
    }));
  }

  /** Every rule that still applies: the config's first, then the stored ones, oldest first. */
  list(): ActiveRule[] {
    const now = this.#o.clock.now();
    const stored = this.#o.store
      .listRules()
      .filter((rule) => rule.expiresAt === undefined || rule.expiresAt > now)
      .map((rule) => ({ ...rule, source: 'store' as const }));
    return [...this.#config.filter((r) => r.expiresAt === undefined || r.expiresAt > now), ...stored];
  }

  /** The verdict on a request, or undefined when no rule decides it. */
  evaluate(request: ApprovalRequest): RuleVerdict | undefined {
    return evaluateRules(this.list(), request, {
      now: this.#o.clock.now(),
      neverAutoApprove: this.#o.neverAutoApprove,
    });
  }

  /** Store a new rule; returns it. */
  add(spec: RuleSpec, createdBy?: string): StoredRule {
    const rule: StoredRule = {
      ...spec,
      ruleId: randomUUID().slice(0, 8),
      createdAt: this.#o.clock.now(),
      ...(createdBy !== undefined ? { createdBy } : {}),
    };
    this.#o.store.putRule(rule);
    return rule;
  }

  /** Remove a stored rule. Returns it, or undefined when it did not exist (config rules cannot be revoked). */
  revoke(ruleId: string): StoredRule | undefined {
    const rule = this.#o.store.listRules().find((r) => r.ruleId === ruleId);
    if (!rule) return undefined;
    return this.#o.store.deleteRule(ruleId) ? rule : undefined;
  }
}
