/**
 * Validation of scripts for the {@link ScriptedRunner} (zod): each step is an object with exactly one step
 * key; a misspelt key, an unknown step or a wrong value is refused with the step's number and the fix.
 * @module
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { ScriptStep } from './scripted-script.js';

/** The step keys, in the order the README lists them. */
export const SCRIPT_STEP_KINDS = [
  'output',
  'permission',
  'choice',
  'plan',
  'delayMs',
  'awaitInput',
  'metadata',
  'exit',
] as const;

const option = z.union([
  z.string().min(1),
  z.strictObject({ label: z.string().min(1), description: z.string().optional() }),
]);

const stepSchemas: Record<(typeof SCRIPT_STEP_KINDS)[number], z.ZodType> = {
  output: z.strictObject({
    output: z.string(),
    stream: z.enum(['stdout', 'stderr', 'combined']).optional(),
    kind: z.enum(['final', 'step']).optional(),
  }),
  permission: z.strictObject({
    permission: z.strictObject({
      toolName: z.string().min(1),
      input: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      onAllow: z.string().optional(),
      onDeny: z.string().optional(),
    }),
  }),
  choice: z.strictObject({
    choice: z.strictObject({
      question: z.string().min(1),
      header: z.string().optional(),
      options: z.array(option).min(1),
      // Steps played after an option is picked, by its label: the script reacts to the person's choice.
      onChoose: z.record(z.string(), z.array(z.lazy(() => stepSchema))).optional(),
    }),
  }),
  plan: z.strictObject({ plan: z.string().min(1) }),
  delayMs: z.strictObject({ delayMs: z.number().int().nonnegative() }),
  awaitInput: z.strictObject({ awaitInput: z.union([z.literal(true), z.literal('repeat')]) }),
  metadata: z.strictObject({ metadata: z.record(z.string(), z.unknown()) }),
  exit: z.strictObject({ exit: z.number().int().min(0).max(255) }),
};

const stepSchema: z.ZodType = z.unknown().superRefine((value, ctx) => {
  const kinds =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? SCRIPT_STEP_KINDS.filter((kind) => kind in value)
      : [];
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: `${kinds.length === 0 ? `not a step (${JSON.stringify(value)?.slice(0, 60)})` : `more than one step (${kinds.join(', ')})`}: a step is an object with one of ${SCRIPT_STEP_KINDS.join(', ')}`,
    });
    return;
  }
  const parsed = stepSchemas[kinds[0] as (typeof SCRIPT_STEP_KINDS)[number]].safeParse(value);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

/** A script: a non-empty array of steps. */
export const scriptSchema = z.array(stepSchema).min(1, 'a script needs at least one step');

/**
 * Check a script.
 * @returns the steps, typed.
 * @throws Error whose message names the step (1-based), the bad key and what a step may be.
 */
export function parseScript(value: unknown): ScriptStep[] {
  const parsed = scriptSchema.safeParse(value);
  if (parsed.success) return parsed.data as ScriptStep[];
  const issue = parsed.error.issues[0];
  const [index, ...rest] = issue?.path ?? [];
  const where = typeof index === 'number' ? `step ${index + 1}` : 'the script';
  const key = rest.length > 0 ? ` at "${rest.join('.')}"` : '';
  throw new ConfigError(`${where}${key}: ${issue?.message ?? 'invalid'}`);
}
