/**
 * The rule an "Always allow" button stores: from the agent's own permission suggestion when it gives one
 * that covers no more than the request, else derived from the request. Never broader than what the person
 * saw: a compound command (`a && b`) only ever yields a rule equal to the whole command.
 * @module
 */
import type { ApprovalRequest } from '../types.js';
import {
  commandMatches,
  commandOf,
  filePathOf,
  isSimpleCommand,
  type RuleSpec,
  relativeInside,
} from './match.js';

/** Longest pattern offered on a button: a longer one would be cut, hiding what the rule covers. */
export const MAX_OFFERED_PATTERN = 48;

/** Commands that run other code or delete: a rule for them covers the exact command only, never a prefix. */
const EXACT_ONLY = new Set([
  'rm',
  'sudo',
  'su',
  'sh',
  'bash',
  'zsh',
  'dash',
  'fish',
  'env',
  'eval',
  'exec',
  'xargs',
  'find',
  'curl',
  'wget',
  'dd',
  'chmod',
  'chown',
  'mv',
  'cp',
  'node',
  'python',
  'python3',
  'perl',
  'ruby',
  'npx',
  'ssh',
  'scp',
  'kill',
  'pkill',
  'git push',
  'docker',
  'nohup',
  'time',
  'watch',
  'timeout',
]);

const PLAIN_WORD = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** `npm test -- --watch` → `npm test`; `git status` → `git status`; `ls -la` → `ls`. */
export function commandPrefix(command: string): string {
  const words = command.trim().split(/\s+/);
  const [first = '', second] = words;
  if (EXACT_ONLY.has(first)) return command.trim();
  if (second !== undefined && PLAIN_WORD.test(second)) {
    const third = words[2];
    // `npm run build` → `npm run build`: "npm run" alone would cover every script.
    if ((second === 'run' || second === 'exec') && third !== undefined && PLAIN_WORD.test(third)) {
      return `${first} ${second} ${third}`;
    }
    const two = `${first} ${second}`;
    return EXACT_ONLY.has(two) ? command.trim() : two;
  }
  return first;
}

/** Claude Code's suggestion `{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }] }`. */
function suggestedPrefix(suggestions: readonly unknown[] | undefined, toolName: string): string | undefined {
  for (const suggestion of suggestions ?? []) {
    if (suggestion === null || typeof suggestion !== 'object') continue;
    const s = suggestion as { type?: unknown; behavior?: unknown; rules?: unknown };
    if (s.type !== 'addRules' || (s.behavior !== undefined && s.behavior !== 'allow')) continue;
    for (const rule of Array.isArray(s.rules) ? (s.rules as unknown[]) : []) {
      const r = rule as { toolName?: unknown; ruleContent?: unknown } | null;
      if (r?.toolName !== toolName || typeof r.ruleContent !== 'string') continue;
      const content = r.ruleContent.trim();
      return content.endsWith(':*') ? content.slice(0, -2).trim() : content;
    }
  }
  return undefined;
}

/**
 * The rule "Always allow" would store for `request`, or undefined when none can be offered (no directory
 * for a file tool, a file outside it, or a pattern too long to show whole on a button).
 */
export function deriveAllowRule(
  request: ApprovalRequest,
  suggestions?: readonly unknown[],
): RuleSpec | undefined {
  const tool = request.toolName;
  const project = request.directory !== undefined ? { project: request.directory } : {};
  const command = commandOf(request.input);
  if (command !== undefined) {
    if (command === '') return undefined;
    let pattern: string;
    if (!isSimpleCommand(command)) {
      pattern = command;
    } else {
      const suggested = suggestedPrefix(suggestions, tool);
      // A suggestion is taken only when it covers this command and is itself a plain prefix (no glob).
      pattern =
        suggested !== undefined && !suggested.includes('*') && commandMatches(suggested, command)
          ? suggested
          : commandPrefix(command);
    }
    if (pattern.length > MAX_OFFERED_PATTERN) return undefined;
    return { effect: 'allow', tool, command: pattern, ...project };
  }
  const file = filePathOf(request.input);
  if (file !== undefined) {
    if (request.directory === undefined) return undefined;
    const relative = relativeInside(file, request.directory);
    if (relative === undefined || relative.length > MAX_OFFERED_PATTERN || /[*?]/.test(relative)) {
      return undefined;
    }
    return { effect: 'allow', tool, path: relative, ...project };
  }
  if (tool.length > MAX_OFFERED_PATTERN) return undefined;
  return { effect: 'allow', tool, ...project };
}

/** The button label for a derived rule, e.g. "Always allow `npm test`". */
export function alwaysAllowLabel(rule: RuleSpec): string {
  const what = rule.command ?? rule.path ?? rule.tool ?? '';
  return `Always allow ${what}`;
}
