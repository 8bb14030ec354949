/**
 * Scripts for the {@link ScriptedRunner}: the step types and the demo session the CLI plays.
 * @module
 */

import type { ChoiceOption } from '../core/types.js';
import type { OutputStream } from './types.js';

/** Ask for permission to use a tool; the session waits for `respondToPermission`. */
export interface ScriptPermission {
  readonly toolName: string;
  readonly input: Record<string, unknown>;
  readonly description?: string;
  /** Output after an allow. @defaultValue `✓ <toolName> allowed.` */
  readonly onAllow?: string;
  /** Output after a deny (the reason, if any, is appended). @defaultValue `✗ <toolName> denied` */
  readonly onDeny?: string;
}

/** Ask a question with fixed answers; the session waits for `respondToChoice`. */
export interface ScriptChoice {
  readonly question: string;
  readonly header?: string;
  readonly options: readonly (string | ChoiceOption)[];
  /** Steps to play after an option is picked, by its label (the session reacts to the choice). */
  readonly onChoose?: Readonly<Record<string, readonly ScriptStep[]>>;
}

/**
 * One step of a script. Steps run in order; a session whose script ends exits with code 0.
 * - `output`: emit text. - `permission`: ask and wait. - `choice`: ask a question and wait.
 *   With `onChoose`, the steps listed under the picked option's label play next.
 * - `plan`: ask to approve a plan and wait. - `delayMs`: pause. - `awaitInput`: wait for one input
 *   (`true`) or keep echoing inputs until stopped (`'repeat'`). - `metadata`: emit each key.
 * - `exit`: end the session with this code.
 */
export type ScriptStep =
  | { readonly output: string; readonly stream?: OutputStream; readonly kind?: 'final' | 'step' }
  | { readonly permission: ScriptPermission }
  | { readonly choice: ScriptChoice }
  | { readonly plan: string }
  | { readonly delayMs: number }
  | { readonly awaitInput: true | 'repeat' }
  | { readonly metadata: Readonly<Record<string, unknown>> }
  | { readonly exit: number };

/**
 * A plausible agent session for `agent-tether demo`: streams markdown with a code block, asks to run
 * `npm test`, asks which approach to take, edits a file twice (the second edit can be auto-approved by an
 * "Allow Edit" timer), reports usage, prints a summary and then echoes whatever the person writes.
 * @param pace - Milliseconds between visible steps. @defaultValue 600
 */
export function demoScript(pace = 600): ScriptStep[] {
  return [
    { output: "I'll look into the failing test in `src/cart.ts`." },
    { delayMs: pace },
    {
      output: [
        'The total is computed with floating point, so `0.1 + 0.2` drifts:',
        '',
        '```ts',
        'export function total(items: Item[]): number {',
        '  return items.reduce((sum, item) => sum + item.price * item.qty, 0);',
        '}',
        '```',
        '',
        'Let me run the tests to confirm.',
      ].join('\n'),
    },
    { delayMs: pace },
    {
      permission: {
        toolName: 'Bash',
        input: { command: 'npm test', description: 'Run the test suite' },
        onAllow: [
          '```',
          '$ npm test',
          ' ✓ cart › empty cart is 0',
          ' ✗ cart › sums prices (expected 0.3, got 0.30000000000000004)',
          ' 1 failed, 11 passed',
          '```',
        ].join('\n'),
        onDeny: "OK, I won't run the tests",
      },
    },
    { delayMs: pace },
    {
      choice: {
        question: 'Which approach should I take?',
        header: 'Approach',
        options: [
          { label: 'Integer cents', description: 'Store prices as whole cents' },
          { label: 'Round the total', description: 'Round to 2 decimals at the end' },
          { label: 'Loosen the test', description: 'Compare with a tolerance' },
        ],
        onChoose: {
          'Integer cents': [
            ...editSteps(
              pace,
              'sum + item.price * item.qty',
              'sum + item.priceCents * item.qty',
              'the sum now uses whole cents',
            ),
            ...editSteps(
              pace,
              'return items.reduce(',
              'return formatCents(items.reduce(',
              'the total is formatted from cents',
            ),
            { delayMs: pace },
            ...summary('Prices are summed as integer cents, so the total is exact.', 2),
          ],
          'Round the total': [
            ...editSteps(
              pace,
              'return items.reduce(',
              'return roundToCents(items.reduce(',
              'the total is rounded to 2 decimals',
            ),
            { delayMs: pace },
            ...summary('The total is rounded to 2 decimals at the end, so 0.1 + 0.2 shows as 0.30.', 1),
          ],
          'Loosen the test': [
            {
              permission: {
                toolName: 'Edit',
                input: {
                  file_path: 'test/cart.test.ts',
                  old_string: 'expect(total).toBe(0.3)',
                  new_string: 'expect(total).toBeCloseTo(0.3, 10)',
                },
                onAllow: 'Edited `test/cart.test.ts`: the test compares with a tolerance.',
              },
            },
            { delayMs: pace },
            ...summary(
              'The test now compares the total with a tolerance; the code is unchanged.',
              1,
              'test/cart.test.ts',
            ),
          ],
        },
      },
    },
    { awaitInput: 'repeat' },
  ];
}

function editSteps(pace: number, oldString: string, newString: string, what: string): ScriptStep[] {
  return [
    { delayMs: pace },
    {
      permission: {
        toolName: 'Edit',
        input: { file_path: 'src/cart.ts', old_string: oldString, new_string: newString },
        onAllow: `Edited \`src/cart.ts\`: ${what}.`,
      },
    },
  ];
}

function summary(line: string, places: number, file = 'src/cart.ts'): ScriptStep[] {
  const usage: ScriptStep = { metadata: { tokens: { input: 1843, output: 612 }, cost: 0.0214 } };
  return [
    usage,
    {
      output: [
        '**Summary**',
        '',
        `- ${line}`,
        `- \`${file}\` changed in ${places} place${places === 1 ? '' : 's'}.`,
        '',
        'Anything else?',
      ].join('\n'),
    },
  ];
}
