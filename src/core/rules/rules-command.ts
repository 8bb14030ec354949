/**
 * The `/rules` command: in a thread, a card listing every rule with a button to revoke each stored one;
 * in a general channel, the list as text. `/rules revoke <number>` revokes by number anywhere.
 * @module
 */
import type { ApprovalFlow } from '../approvals/flow.js';
import type { InboundHost } from '../bridge-inbound.js';
import type { CommandDef } from '../commands.js';
import { describeRule } from './match.js';

/** What the command needs from its bridge. */
export interface RulesCommandDeps {
  readonly flow: ApprovalFlow;
  /** The bridge's host: which threads exist, and the audit log. */
  readonly host: Pick<InboundHost, 'getThread' | 'audit'>;
  readonly prefix: string;
}

/** The `/rules` command definition. */
export function rulesCommand(d: RulesCommandDeps): CommandDef {
  return {
    description: 'List approval rules (with buttons to revoke them)',
    handler: async ({ threadId, args, user }) => {
      const revoke = /^revoke\s+(\d+)$/i.exec(args.trim());
      if (revoke) {
        const rule = d.flow.rules.revokeNumber(Number(revoke[1]));
        if (!rule) return `No stored rule number ${revoke[1]}. See ${d.prefix}rules for the list.`;
        d.host.audit({
          action: 'rule.revoked',
          userId: user.id,
          userName: user.name,
          ...(threadId !== undefined ? { threadId } : {}),
          detail: `rule ${rule.ruleId} (${describeRule(rule)})`,
        });
        return `Revoked: ${describeRule(rule).replace(/[`*_]/g, '')}`;
      }
      if (args.trim() !== '') return `Usage: ${d.prefix}rules, or ${d.prefix}rules revoke <number>.`;
      if (threadId !== undefined && d.host.getThread(threadId) !== undefined) {
        await d.flow.showRules(threadId);
        return undefined;
      }
      return d.flow.rules.listText(d.prefix);
    },
  };
}
