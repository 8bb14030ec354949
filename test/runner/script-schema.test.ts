import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/runner/scripted-schema.js';
import { demoScript } from '../../src/runner/scripted-script.js';

describe('scripted-session scripts', () => {
  it("the demo's script and the README's example script are valid", () => {
    expect(parseScript(demoScript()).length).toBeGreaterThan(5);
    const example = JSON.parse(readFileSync('examples/script.json', 'utf8')) as unknown;
    expect(parseScript(example)).toEqual(example);
  });

  it('names the step, the key and what a step may be', () => {
    expect(() => parseScript([])).toThrow('a script needs at least one step');
    expect(() => parseScript([{ output: 'a', exit: 0 }])).toThrow(
      'step 1: more than one step (output, exit)',
    );
    expect(() => parseScript([{ permission: { toolName: 'Bash' } }])).toThrow('step 1 at "permission.input"');
    expect(() =>
      parseScript([{ choice: { question: 'q', options: ['a'], onChoose: { a: [{ bogus: 1 }] } } }]),
    ).toThrow('step 1 at "choice.onChoose.a.0": not a step');
  });
});
