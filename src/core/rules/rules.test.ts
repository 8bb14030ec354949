import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandPrefix, deriveAllowRule } from './derive.js';
import {
  type ActiveRule,
  commandMatches,
  evaluateRules,
  isSimpleCommand,
  pathMatches,
  ruleMatches,
} from './match.js';

const bash = (command: string, directory = '/repo') => ({
  requestId: 'r',
  toolName: 'Bash',
  input: { command },
  directory,
});
const active = (rule: Omit<ActiveRule, 'ruleId' | 'createdAt' | 'source'>, id = 'x'): ActiveRule => ({
  ...rule,
  ruleId: id,
  createdAt: 0,
  source: 'store',
});

describe('what a command rule covers', () => {
  it.each([
    ['git status', 'git status', true],
    ['git status', 'git status --short', true],
    ['git status', 'git statusx', false],
    ['git status', 'git status && rm -rf /', false],
    ['git status', 'git status; rm -rf /', false],
    ['git status', 'git status | sh', false],
    ['git status', 'git status $(rm -rf /)', false],
    ['git status', 'git status `rm -rf /`', false],
    ['git status', 'git status > /etc/passwd', false],
    ['git status', 'git status\nrm -rf /', false],
    ['npm test*', 'npm test', true],
    ['npm test*', 'npm test -- --grep x', true],
    ['npm test*', 'npm test && rm x', false],
    ['a && b', 'a && b', true],
    ['a && b', 'a && b && c', false],
    ['*', 'a && b', false],
  ])('%j covers %j: %s', (pattern, command, expected) => {
    expect(commandMatches(pattern, command)).toBe(expected);
  });

  it('a path rule covers files inside the session directory only', () => {
    expect(pathMatches('src/**', '/repo/src/a/b.ts', '/repo')).toBe(true);
    expect(pathMatches('src/*', '/repo/src/a/b.ts', '/repo')).toBe(false);
    expect(pathMatches('src/**', 'src/x.ts', '/repo')).toBe(true);
    expect(pathMatches('**', '/etc/passwd', '/repo')).toBe(false);
    expect(pathMatches('**', '/repo/../etc/passwd', '/repo')).toBe(false);
    expect(pathMatches('**', '/repo/x', undefined)).toBe(false);
  });

  it('project, tool and expiry narrow a rule', () => {
    const rule = { ruleId: 'r', createdAt: 0, effect: 'allow', tool: 'bash', project: '/repo' } as const;
    expect(ruleMatches(rule, bash('ls', '/repo/sub'), 0)).toBe(true);
    expect(ruleMatches(rule, bash('ls', '/repository'), 0)).toBe(false);
    expect(ruleMatches({ ...rule, expiresAt: 10 }, bash('ls'), 10)).toBe(false);
    expect(ruleMatches(rule, { ...bash('ls'), toolName: 'Write' }, 0)).toBe(false);
  });

  it('deny beats ask beats allow; never-auto-approve beats allow', () => {
    const rules = [
      active({ effect: 'allow', tool: 'Bash' }, 'a'),
      active({ effect: 'deny', command: 'rm' }, 'd'),
    ];
    const opts = { now: 0, neverAutoApprove: () => false };
    expect(evaluateRules(rules, bash('rm x'), opts)?.rule.ruleId).toBe('d');
    expect(evaluateRules(rules, bash('ls'), opts)?.effect).toBe('allow');
    expect(evaluateRules(rules, bash('ls'), { now: 0, neverAutoApprove: () => true })).toBeUndefined();
    const withAsk = [...rules, active({ effect: 'ask', command: 'ls' }, 'q')];
    expect(evaluateRules(withAsk, bash('ls -la'), opts)?.effect).toBe('ask');
  });
});

describe('the rule "Always allow" derives', () => {
  it.each([
    ['npm test -- --watch', 'npm test'],
    ['npm run build', 'npm run build'],
    ['git status', 'git status'],
    ['ls -la', 'ls'],
    ['rm -rf build', 'rm -rf build'],
    ['git push origin main', 'git push origin main'],
  ])('%j → %j', (command, expected) => {
    expect(commandPrefix(command)).toBe(expected);
  });

  it('ignores a suggestion broader than the command or with a glob', () => {
    const broad = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm:*' }] }];
    expect(deriveAllowRule(bash('npm test'), broad)?.command).toBe('npm');
    const other = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'curl:*' }] }];
    expect(deriveAllowRule(bash('npm test'), other)?.command).toBe('npm test');
    const glob = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'n*' }] }];
    expect(deriveAllowRule(bash('npm test'), glob)?.command).toBe('npm test');
  });

  it('file tools get the file relative to the directory; nothing outside it or without one', () => {
    const edit = (file: string, directory?: string) => ({
      requestId: 'r',
      toolName: 'Edit',
      input: { file_path: file },
      ...(directory ? { directory } : {}),
    });
    expect(deriveAllowRule(edit('/repo/src/a.ts', '/repo'))).toEqual({
      effect: 'allow',
      tool: 'Edit',
      path: 'src/a.ts',
      project: '/repo',
    });
    expect(deriveAllowRule(edit('/etc/passwd', '/repo'))).toBeUndefined();
    expect(deriveAllowRule(edit('/repo/a.ts'))).toBeUndefined();
  });

  const word = fc.stringMatching(/^[a-z0-9._=-]{1,6}$/);
  const operator = fc.constantFrom('&&', '||', ';', '|', '$(', '`', '>', '<', '\n', '&');
  const command = fc
    .tuple(
      fc.array(word, { minLength: 1, maxLength: 4 }),
      fc.option(operator),
      fc.array(word, { maxLength: 3 }),
    )
    .map(([a, op, b]) => [...a, ...(op === null ? [] : [op]), ...b].join(' '));

  it('property: a derived rule covers the command the person saw, and never a command with more shell syntax', () => {
    fc.assert(
      fc.property(command, word, operator, (seen, extra, op) => {
        const rule = deriveAllowRule(bash(seen));
        if (!rule) return;
        expect(commandMatches(rule.command!, seen)).toBe(true);
        if (!isSimpleCommand(seen.trim())) expect(rule.command).toBe(seen.trim());
        // Appending another command to what the person saw is never covered.
        expect(commandMatches(rule.command!, `${seen} ${op} ${extra}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
