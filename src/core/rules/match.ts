/**
 * What a rule covers, as pure functions: a tool name, a command (word-boundary prefix or glob, and only
 * ever a whole simple command), a path glob relative to the session's directory, a project directory and
 * an expiry. Deny beats ask beats allow; a tool on the never-auto-approve list is never allowed by a rule.
 * @module
 */
import path from 'node:path';
import type { StoredRule } from '../store/types.js';
import type { ApprovalRequest } from '../types.js';

/** A rule as the config file writes it (no id, no creation time). */
export type RuleSpec = Omit<StoredRule, 'ruleId' | 'createdAt' | 'createdBy'>;

/** A rule with where it came from: the config file (not revocable from a chat) or the store. */
export interface ActiveRule extends StoredRule {
  readonly source: 'config' | 'store';
}

/** The rule that decides a request, and what it decides. */
export interface RuleVerdict {
  readonly effect: StoredRule['effect'];
  readonly rule: ActiveRule;
}

/**
 * Shell syntax that joins, substitutes or redirects commands. A command containing any of it is compound:
 * a prefix or glob rule never matches it, only a rule equal to the whole command does.
 */
const SHELL_SYNTAX = /[;&|`<>\n\r]|\$\(|\$\{|\\$/;

/** True when the command is one plain command without `&&`, `;`, pipes, substitution or redirection. */
export function isSimpleCommand(command: string): boolean {
  return !SHELL_SYNTAX.test(command);
}

/** The command of a Bash-like tool input (`command` as a string, or an argv array joined by spaces). */
export function commandOf(input: Record<string, unknown> | undefined): string | undefined {
  const command = input?.command ?? input?.cmd;
  if (typeof command === 'string') return command.trim();
  if (Array.isArray(command) && command.every((part) => typeof part === 'string')) {
    return (command as string[]).join(' ').trim();
  }
  return undefined;
}

const PATH_KEYS = ['file_path', 'notebook_path', 'path', 'filePath'] as const;

/** The file a file tool acts on, if its input names one. */
export function filePathOf(input: Record<string, unknown> | undefined): string | undefined {
  for (const key of PATH_KEYS) {
    const value = input?.[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/**
 * The file's path relative to `directory`, with `/` separators; undefined when it is outside it (a path rule
 * never covers a file outside the session's directory).
 */
export function relativeInside(file: string, directory: string): string | undefined {
  const relative = path.relative(path.resolve(directory), path.resolve(directory, file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiled globs (rules are evaluated on every request; a config has few distinct globs). */
const compiledGlobs = new Map<string, RegExp>();

/** A glob as a RegExp: `**` any characters, `*` any but `/` (unless `slashes`), `?` one character. */
function globRegExp(glob: string, slashes: boolean): RegExp {
  const key = `${slashes ? 1 : 0}${glob}`;
  const cached = compiledGlobs.get(key);
  if (cached) return cached;
  if (compiledGlobs.size >= 1000) compiledGlobs.clear();
  const compiled = compileGlob(glob, slashes);
  compiledGlobs.set(key, compiled);
  return compiled;
}

function compileGlob(glob: string, slashes: boolean): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') {
        source = `${source.slice(0, -2)}(?:.*/)?`;
        i++;
      }
    } else if (c === '*') source += slashes ? '.*' : '[^/]*';
    else if (c === '?') source += slashes ? '.' : '[^/]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * Whether a command rule covers a command. Without `*`, the pattern is a prefix at a word boundary
 * (`git status` covers `git status --short`, not `git statusx`); with `*` it is a glob over the whole
 * command (`npm test*`). Either way only a simple command can match; a compound one (`a && b`) is covered
 * only by a pattern equal to it.
 */
export function commandMatches(pattern: string, command: string): boolean {
  const p = pattern.trim();
  const c = command.trim();
  if (p === '') return false;
  if (!isSimpleCommand(c)) return p === c;
  if (!isSimpleCommand(p)) return false;
  if (p.includes('*')) return globRegExp(p, true).test(c);
  return c === p || c.startsWith(`${p} `);
}

/** Whether a path glob (relative to `directory`) covers the request's file. */
export function pathMatches(glob: string, file: string, directory: string | undefined): boolean {
  if (directory === undefined) return false;
  const relative = relativeInside(file, directory);
  return relative !== undefined && globRegExp(glob.replace(/^\.\//, ''), false).test(relative);
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether one rule covers a request at time `now`. Every field the rule sets must match. */
export function ruleMatches(rule: StoredRule, request: ApprovalRequest, now: number): boolean {
  if (rule.expiresAt !== undefined && rule.expiresAt <= now) return false;
  if (rule.tool !== undefined && rule.tool.toLowerCase() !== request.toolName.toLowerCase()) return false;
  if (rule.project !== undefined) {
    if (request.directory === undefined || !isInside(request.directory, rule.project)) return false;
  }
  if (rule.command !== undefined) {
    const command = commandOf(request.input);
    if (command === undefined || !commandMatches(rule.command, command)) return false;
  }
  if (rule.path !== undefined) {
    const file = filePathOf(request.input);
    if (file === undefined || !pathMatches(rule.path, file, request.directory)) return false;
  }
  return true;
}

/**
 * The verdict of a rule list on a request: any matching `deny` wins, then `ask`, then `allow` — but never
 * `allow` for a tool in `neverAutoApprove` (a person must decide those). Undefined when no rule matches.
 */
export function evaluateRules(
  rules: readonly ActiveRule[],
  request: ApprovalRequest,
  options: { now: number; neverAutoApprove: (toolName: string) => boolean },
): RuleVerdict | undefined {
  const matching = rules.filter((rule) => ruleMatches(rule, request, options.now));
  for (const effect of ['deny', 'ask', 'allow'] as const) {
    const rule = matching.find((r) => r.effect === effect);
    if (!rule) continue;
    if (effect === 'allow' && options.neverAutoApprove(request.toolName)) return undefined;
    return { effect, rule };
  }
  return undefined;
}

/** "allow Bash `npm test*`", "deny Write `secrets/**`", for lists and the audit log (plain text). */
export function describeRule(rule: StoredRule): string {
  const parts: string[] = [rule.effect, rule.tool ?? 'any tool'];
  if (rule.command !== undefined) parts.push(`\`${rule.command}\``);
  if (rule.path !== undefined) parts.push(`path \`${rule.path}\``);
  if (rule.project !== undefined) parts.push(`in ${rule.project}`);
  return parts.join(' ');
}
