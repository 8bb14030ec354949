/**
 * The config file's approval settings: the ordered `rules` list (and the helpers turning it into bridge
 * options). Kept beside `config.ts` so the platform sections stay small.
 * @module
 */
import { z } from 'zod';
import type { RuleSpec } from '../core/rules/match.js';

/** One rule in the config file. */
export const ruleSchema = z
  .strictObject({
    effect: z.enum(['allow', 'deny', 'ask'], 'should be allow, deny or ask'),
    tool: z.string().min(1, 'should be a tool name like Bash').optional(),
    command: z
      .string()
      .min(1, 'should be a command prefix like "git status" or a glob like "npm test*"')
      .optional(),
    path: z
      .string()
      .min(1, 'should be a path glob relative to the session directory, like "src/**"')
      .optional(),
    project: z.string().min(1, 'should be an absolute directory').optional(),
    expires: z.iso
      .datetime({ offset: true, message: 'should be a date-time like 2027-01-31T18:00:00Z' })
      .optional(),
  })
  .refine((rule) => rule.tool !== undefined || rule.command !== undefined || rule.path !== undefined, {
    message: 'a rule needs at least one of tool, command or path (a rule for everything is too broad)',
  });

/** The `rules` list of the config file. */
export const rulesSchema = z.array(ruleSchema);

/** The config's rules as bridge options. */
export function rulesFromConfig(rules: z.infer<typeof rulesSchema>): RuleSpec[] {
  return rules.map((rule) => ({
    effect: rule.effect,
    ...(rule.tool !== undefined ? { tool: rule.tool } : {}),
    ...(rule.command !== undefined ? { command: rule.command } : {}),
    ...(rule.path !== undefined ? { path: rule.path } : {}),
    ...(rule.project !== undefined ? { project: rule.project } : {}),
    ...(rule.expires !== undefined ? { expiresAt: Date.parse(rule.expires) } : {}),
  }));
}
