import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rulesFromConfig } from '../../src/cli/approval-config.js';
import { readConfigFile } from '../../src/cli/config-file.js';
import { RuleBook } from '../../src/core/rules/book.js';
import { MemoryStore } from '../../src/core/store/memory.js';

const example = fileURLToPath(new URL('../../examples/config-rules.json', import.meta.url));
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));

describe('rules in the config file', () => {
  it("the README's example is this tested file, and its rules decide as the README says", () => {
    expect(readFileSync(readme, 'utf8')).toContain(readFileSync(example, 'utf8').trim());
    const { config } = readConfigFile(example);
    const rules = rulesFromConfig(config.rules ?? []);
    expect(rules[4]?.expiresAt).toBe(Date.UTC(2027, 0, 31, 18));
    const clock = { now: () => Date.UTC(2027, 0, 1), setTimeout: () => 0, clearTimeout: () => {} };
    const book = new RuleBook({
      store: new MemoryStore(),
      clock,
      configRules: rules,
      neverAutoApprove: () => false,
    });
    const bash = (command: string) => ({
      requestId: 'r',
      toolName: 'Bash',
      input: { command },
      directory: '/x',
    });
    expect(book.evaluate(bash('git push --force'))?.effect).toBe('deny');
    expect(book.evaluate(bash('npm publish'))?.effect).toBe('ask');
    expect(book.evaluate(bash('npm test -- --ci'))?.effect).toBe('allow');
    expect(book.evaluate(bash('npm test; git push'))).toBeUndefined();
    const edit = (file: string, directory: string) => ({
      requestId: 'r',
      toolName: 'Edit',
      input: { file_path: file },
      directory,
    });
    expect(book.evaluate(edit('/home/me/app/src/a.ts', '/home/me/app'))?.effect).toBe('allow');
    expect(book.evaluate(edit('/home/me/other/src/a.ts', '/home/me/other'))).toBeUndefined();
  });

  it('a rule without tool, command or path is refused with a one-line error naming the fix', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'config.json');
    writeFileSync(file, JSON.stringify({ rules: [{ effect: 'allow' }] }), { mode: 0o600 });
    expect(() => readConfigFile(file)).toThrow(
      /invalid at "rules\.0": a rule needs at least one of tool, command or path/,
    );
    writeFileSync(file, JSON.stringify({ rules: [{ effect: 'maybe', tool: 'Bash' }] }), { mode: 0o600 });
    expect(() => readConfigFile(file)).toThrow(/"rules\.0\.effect": should be allow, deny or ask/);
  });
});

describe('reminders in the config file', () => {
  const file = fileURLToPath(new URL('../../examples/config-reminders.json', import.meta.url));

  it("the README's example is this tested file and becomes the bridge's reminder options", async () => {
    const { remindersFromConfig } = await import('../../src/cli/approval-config.js');
    expect(readFileSync(readme, 'utf8')).toContain(readFileSync(file, 'utf8').trim());
    const { config } = readConfigFile(file);
    expect(remindersFromConfig(config.reminders!)).toEqual({
      remindAfterMs: 300_000,
      repeat: 2,
      warnBeforeTimeoutMs: 120_000,
      quietHours: { start: '22:00', end: '07:30', timeZone: 'Europe/Paris' },
    });
  });
});
