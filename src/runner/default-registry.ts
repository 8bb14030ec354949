/**
 * The registry with the built-in runners: `claude`, `codex`, `acp`, `subprocess`, `scripted`.
 * @module
 */

import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/types.js';
import { AcpRunner, splitCommandLine } from './acp/acp-runner.js';
import { ClaudeRunner } from './claude/claude-runner.js';
import { CodexRunner } from './codex/codex-runner.js';
import { RunnerRegistry } from './registry.js';
import { ScriptedRunner } from './scripted.js';
import { parseScript } from './scripted-schema.js';
import { demoScript, type ScriptStep } from './scripted-script.js';
import { createSubprocessRunner } from './subprocess.js';
import type { RunnerEvents } from './types.js';

const ClaudeConfig = z.object({
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  model: z.string().optional(),
  oneShot: z.boolean().optional(),
  heartbeatMs: z.number().int().nonnegative().optional(),
  stopGraceMs: z.number().int().nonnegative().optional(),
});

const CodexConfig = z.object({
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
  model: z.string().optional(),
  codexPath: z.string().optional(),
  sandbox: z.enum(['read-only', 'workspace-write', 'danger-full-access']).optional(),
  oneShot: z.boolean().optional(),
  ephemeral: z.boolean().optional(),
  heartbeatMs: z.number().int().nonnegative().optional(),
  stopGraceMs: z.number().int().nonnegative().optional(),
});

const AcpConfig = z.object({
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
  oneShot: z.boolean().optional(),
  startTimeoutMs: z.number().int().positive().optional(),
  heartbeatMs: z.number().int().nonnegative().optional(),
  stopGraceMs: z.number().int().nonnegative().optional(),
});

const ScriptedConfig = z.object({
  script: z.array(z.unknown()).optional(),
  title: z.string().optional(),
  paceMs: z.number().int().nonnegative().optional(),
});

function parse<T>(runner: string, schema: z.ZodType<T>, config: unknown, example: string): T {
  const parsed = schema.safeParse(config);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    `${runner} runner config is invalid at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'unknown'}. Example: ${example}`,
  );
}

/** The `claude` factory: config `{ cwd?, env?, model?, oneShot?, heartbeatMs?, stopGraceMs? }`. */
export function createClaudeRunner(
  events: RunnerEvents,
  config: Readonly<Record<string, unknown>>,
  logger?: Logger,
): ClaudeRunner {
  const c = parse('claude', ClaudeConfig, config, '{ cwd: "/path/to/repo" }');
  return new ClaudeRunner(events, { ...dropUndefined(c), ...(logger === undefined ? {} : { logger }) });
}

/**
 * The `codex` factory: config `{ cwd?, env?, model?, codexPath?, sandbox?, oneShot?, ephemeral?, heartbeatMs?,
 * stopGraceMs? }`. Codex itself is found when a session starts.
 */
export function createCodexRunner(
  events: RunnerEvents,
  config: Readonly<Record<string, unknown>>,
  logger?: Logger,
): CodexRunner {
  const c = parse('codex', CodexConfig, config, '{ cwd: "/path/to/repo" }');
  return new CodexRunner(events, { ...dropUndefined(c), ...(logger === undefined ? {} : { logger }) });
}

/**
 * The `acp` factory: config `{ command, args?, cwd?, env?, oneShot?, startTimeoutMs?, heartbeatMs?, stopGraceMs? }`.
 * `command` may be a whole command line (`"gemini --acp"`, split on spaces, quotes group, no shell) or an array.
 */
export function createAcpRunner(
  events: RunnerEvents,
  config: Readonly<Record<string, unknown>>,
  logger?: Logger,
): AcpRunner {
  const c = parse('acp', AcpConfig, config, '{ command: "gemini --acp" }');
  const words = typeof c.command === 'string' ? splitCommandLine(c.command) : c.command;
  const [command = '', ...rest] = words;
  return new AcpRunner(events, {
    ...dropUndefined({ ...c, command: undefined }),
    command,
    args: [...rest, ...(c.args ?? [])],
    ...(logger === undefined ? {} : { logger }),
  });
}

/** The `scripted` factory: config `{ script?, title?, paceMs? }`; without a script it plays `demoScript(paceMs)`. */
export function createScriptedRunner(
  events: RunnerEvents,
  config: Readonly<Record<string, unknown>>,
  logger?: Logger,
): ScriptedRunner {
  const c = parse('scripted', ScriptedConfig, config, '{ script: [{ output: "hi" }, { exit: 0 }] }');
  let script: ScriptStep[] | undefined;
  try {
    script = c.script === undefined ? undefined : parseScript(c.script);
  } catch (error) {
    throw new ConfigError(`scripted runner: ${(error as Error).message}`, { cause: error });
  }
  return new ScriptedRunner(events, {
    script: script ?? demoScript(c.paceMs),
    ...(c.title === undefined ? {} : { title: c.title }),
    ...(logger === undefined ? {} : { logger }),
  });
}

/** Options of {@link createDefaultRunnerRegistry}. */
export interface DefaultRunnerRegistryOptions {
  /** Given to the registry and to every runner it creates. */
  readonly logger?: Logger;
  /**
   * Config each runner gets unless `create` gives the same key, by runner name, e.g.
   * `{ acp: { command: 'gemini --acp' } }` so a session started with only `{ cwd }` knows its agent.
   */
  readonly defaults?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * A registry with `claude` ({@link ClaudeRunner}), `codex` ({@link CodexRunner}), `acp` ({@link AcpRunner}),
 * `subprocess` ({@link SubprocessRunner}) and `scripted` ({@link ScriptedRunner}). The Claude Agent SDK is only loaded when a
 * claude session starts; Codex is only looked for when a codex session starts.
 * @example
 * ```ts
 * const runner = createDefaultRunnerRegistry().create('subprocess', events, { command: 'node', args: ['agent.mjs'] });
 * ```
 */
export function createDefaultRunnerRegistry(options: DefaultRunnerRegistryOptions = {}): RunnerRegistry {
  const { logger } = options;
  const registry = new RunnerRegistry(logger === undefined ? {} : { logger });
  const withDefaults = (name: string, config: Readonly<Record<string, unknown>>) => ({
    ...options.defaults?.[name],
    ...config,
  });
  registry.register('claude', (events, config) =>
    createClaudeRunner(events, withDefaults('claude', config), logger),
  );
  registry.register('codex', (events, config) =>
    createCodexRunner(events, withDefaults('codex', config), logger),
  );
  registry.register('acp', (events, config) => createAcpRunner(events, withDefaults('acp', config), logger));
  registry.register('subprocess', (events, config) =>
    createSubprocessRunner(events, withDefaults('subprocess', config)),
  );
  registry.register('scripted', (events, config) =>
    createScriptedRunner(events, withDefaults('scripted', config), logger),
  );
  return registry;
}

function dropUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
