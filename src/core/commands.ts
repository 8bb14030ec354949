/**
 * The command registry: built-ins (`help`, `status`, `stop`, `usage`), custom commands with descriptions,
 * an optional catch-all, `/` and `!` prefixes, and generated help text.
 * @module
 */
import { ConfigError } from './errors.js';
import type { Awaitable, ChatUser, ThreadId } from './types.js';

/** What a command handler receives. */
export interface CommandContext {
  /** The thread the command was sent in; undefined in a general channel. */
  readonly threadId: ThreadId | undefined;
  readonly args: string;
  readonly user: ChatUser;
}

/** A command: its help description and its handler. The handler's string result is shown in the thread. */
export interface CommandDef {
  readonly description: string;
  readonly handler: (context: CommandContext) => Awaitable<string | undefined | void>;
  /** Only meaningful inside a thread (e.g. `stop`). */
  readonly threadOnly?: boolean;
}

/** Names of the built-in commands. */
export type BuiltinCommand = 'help' | 'status' | 'stop' | 'usage';

/** A parsed command line. */
export interface ParsedCommand {
  readonly name: string;
  readonly args: string;
}

/**
 * Parse `/name args`, `!name args` or `/name@botname args`. Returns undefined for text that is not a command.
 * @param prefixes - accepted prefixes. @defaultValue ['/', '!']
 */
export function parseCommand(
  text: string,
  prefixes: readonly string[] = ['/', '!'],
): ParsedCommand | undefined {
  const stripped = text.trim();
  const prefix = prefixes.find((p) => stripped.startsWith(p));
  if (!prefix) return undefined;
  const match = /^([A-Za-z][\w-]{0,31})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(stripped.slice(prefix.length));
  if (!match) return undefined;
  return { name: (match[1] ?? '').toLowerCase(), args: (match[2] ?? '').trim() };
}

/** Holds the commands a bridge answers. */
export class CommandRegistry {
  readonly #commands = new Map<string, CommandDef>();
  readonly #prefix: string;

  /** @param displayPrefix - the prefix shown in help text (`/` on Telegram, `!` on Slack and Discord). */
  constructor(displayPrefix = '/') {
    this.#prefix = displayPrefix;
  }

  /** Add or replace a command. Names are lower-case letters, digits, `_` and `-`. */
  register(name: string, def: CommandDef): this {
    const key = name.toLowerCase();
    if (!/^[a-z][\w-]{0,31}$/.test(key)) {
      throw new ConfigError(
        `Invalid command name "${name}": use 1-32 letters, digits, "_" or "-", starting with a letter`,
      );
    }
    this.#commands.set(key, def);
    return this;
  }

  /** Remove a command (e.g. a disabled built-in). */
  unregister(name: string): void {
    this.#commands.delete(name.toLowerCase());
  }

  get(name: string): CommandDef | undefined {
    return this.#commands.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.#commands.has(name.toLowerCase());
  }

  /** Commands sorted by name. */
  list(): { name: string; description: string }[] {
    return [...this.#commands.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, def]) => ({ name, description: def.description }));
  }

  /** The generated help text. */
  helpText(): string {
    const lines = this.list().map((c) => `${this.#prefix}${c.name} — ${c.description}`);
    return [
      '**Available commands**',
      '',
      ...lines,
      '',
      'Send a text message in a thread to forward it to the agent as input.',
    ].join('\n');
  }
}
