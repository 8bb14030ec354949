/**
 * The config file's approval settings: the ordered `rules` list (and the helpers turning it into bridge
 * options). Kept beside `config.ts` so the platform sections stay small.
 * @module
 */
import { z } from 'zod';
import type { ReminderOptions } from '../core/reminders.js';
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

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'should be a time like 22:00 (HH:MM, 24-hour)');

/** The `reminders` section of the config file (minutes, as people write them). */
export const remindersSchema = z.strictObject({
  enabled: z.boolean('should be true or false').optional(),
  remindAfterMinutes: z
    .number('should be a number of minutes')
    .min(0, 'should be 0 (off) or more')
    .optional(),
  repeat: z.number().int('should be a whole number').min(1, 'should be 1 or more').optional(),
  warnBeforeTimeoutMinutes: z
    .number('should be a number of minutes')
    .min(0, 'should be 0 (off) or more')
    .optional(),
  quietHours: z
    .strictObject({
      start: clockTime,
      end: clockTime,
      timeZone: z.string().min(1, 'should be a time zone like Europe/Paris').optional(),
    })
    .optional(),
});

/** The config's reminders as bridge options. */
export function remindersFromConfig(reminders: z.infer<typeof remindersSchema>): ReminderOptions {
  return {
    ...(reminders.enabled !== undefined ? { enabled: reminders.enabled } : {}),
    ...(reminders.remindAfterMinutes !== undefined
      ? { remindAfterMs: reminders.remindAfterMinutes * 60_000 }
      : {}),
    ...(reminders.repeat !== undefined ? { repeat: reminders.repeat } : {}),
    ...(reminders.warnBeforeTimeoutMinutes !== undefined
      ? { warnBeforeTimeoutMs: reminders.warnBeforeTimeoutMinutes * 60_000 }
      : {}),
    ...(reminders.quietHours !== undefined
      ? {
          quietHours: {
            start: reminders.quietHours.start,
            end: reminders.quietHours.end,
            ...(reminders.quietHours.timeZone !== undefined
              ? { timeZone: reminders.quietHours.timeZone }
              : {}),
          },
        }
      : {}),
  };
}
