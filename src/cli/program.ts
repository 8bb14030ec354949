/**
 * `agent-tether`'s argument parsing (commander): commands, flags, usage errors (exit 2), failures printed
 * as one line without a stack (exit 1).
 * @module
 */
import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from './commands/context.js';
import { type DemoOptions, demoCommand } from './commands/demo.js';
import { type DoctorOptions, doctorCommand } from './commands/doctor.js';
import { type HooksOptions, hooksCommand } from './commands/hooks.js';
import { type InitOptions, initCommand } from './commands/init.js';
import { APPROVAL_NAMES, RUNNER_NAMES, type RunOptions, runCommand } from './commands/run.js';
import { type ServeCommandOptions, serveCommand } from './commands/serve.js';
import { type StatusOptions, statusCommand } from './commands/status.js';
import { PLATFORM_NAMES } from './config.js';
import { describeFailure, EXIT_USAGE } from './errors.js';
import { type CliLogger, createCliLogger } from './logger.js';
import { type CliIo, processIo } from './terminal.js';

/** Default port of `demo`. */
export const DEFAULT_DEMO_PORT = 8787;

function packageVersion(): string {
  try {
    const manifest = createRequire(import.meta.url)('../../package.json') as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError('it should be a port number from 0 to 65535 (0 picks a free one)');
  }
  return port;
}

const configOption = () =>
  new Option(
    '--config <path>',
    'config file (default: $AGENT_TETHER_CONFIG or ~/.config/agent-tether/config.json)',
  );

/**
 * Build the program. Every action stores its exit code through `finish`.
 * @param io - Where output goes.
 * @param finish - Receives the exit code of the command that ran.
 */
export function buildProgram(
  io: CliIo,
  finish: (code: number) => void,
  state: { logger?: CliLogger },
): Command {
  const program = new Command('agent-tether');
  program
    .description('Supervise AI coding agents from your phone: Telegram, Slack, Discord or a local web page.')
    .version(packageVersion(), '-V, --version')
    .option('-v, --verbose', 'log debug details (tokens are always masked)')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });

  const contextOf = (command: Command): CommandContext => {
    const verbose = command.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
    state.logger ??= createCliLogger({ verbose, ...(io.env.LOG_LEVEL ? { level: io.env.LOG_LEVEL } : {}) });
    return { io, logger: state.logger };
  };

  program
    .command('demo')
    .description('try it: a demo agent on a local web page (no account, no config, no network)')
    .addOption(
      new Option('--port <port>', 'port of the page (0 picks a free one)')
        .argParser(parsePort)
        .default(DEFAULT_DEMO_PORT),
    )
    .option('--host <host>', 'interface to listen on; 0.0.0.0 lets your phone on the LAN in', '127.0.0.1')
    .option('--no-open', 'do not open the page in the browser')
    .action(async (options: DemoOptions, command: Command) => {
      finish(await demoCommand(options, contextOf(command)));
    });

  program
    .command('run')
    .description('supervise an agent session until it exits')
    .argument(
      '[words...]',
      'after --: the prompt (claude, codex, acp, scripted) or the command and its arguments (subprocess)',
    )
    .addOption(
      new Option('--platform <name>', "where to supervise (default: the config's, else web)").choices(
        PLATFORM_NAMES,
      ),
    )
    .addOption(new Option('--runner <name>', 'the agent backend').choices(RUNNER_NAMES).default('claude'))
    .option('--cwd <dir>', "the agent's working directory (default: the current one)")
    .option('--name <name>', 'the thread name (default: the prompt or command)')
    .addOption(
      new Option('--approval <mode>', 'permission mode to start in').choices(APPROVAL_NAMES).default('ask'),
    )
    .addOption(configOption())
    .addOption(
      new Option(
        '--port <port>',
        'web: port of the page (default: 8787, another free one when taken)',
      ).argParser(parsePort),
    )
    .option('--host <host>', 'web: interface to listen on; 0.0.0.0 lets your phone on the LAN in')
    .option('--no-open', 'web: do not open the page in the browser')
    .option('--script <file>', 'scripted: a JSON file of steps to play instead of the demo')
    .option('--model <model>', 'claude, codex: the model')
    .option('--one-shot', 'claude, codex, acp: end after the first turn')
    .option('--telegram-api-root <url>', 'telegram: Bot API root (self-hosted Bot API server)')
    .option('--slack-api-url <url>', 'slack: Web API URL')
    .option('--discord-api <url>', 'discord: REST API URL')
    .option('--agent-cmd <command>', 'acp: the ACP agent to run, e.g. "gemini --acp" or "opencode acp"')
    .option(
      '--no-serve',
      'do not join a running agent-tether serve; hold the platform connection in this process',
    )
    .action(async (words: string[], options: RunOptions, command: Command) => {
      finish(await runCommand(words, options, contextOf(command)));
    });

  program
    .command('init')
    .description('write the config file (asks only what is needed)')
    .addOption(new Option('--platform <name>', 'the platform to set up').choices(PLATFORM_NAMES))
    .option('--non-interactive', 'ask nothing: validate the flags and environment, then write')
    .option('--offline', 'do not check the tokens online')
    .option('--telegram-token <token>', 'Telegram bot token from @BotFather')
    .option('--telegram-group-id <id>', 'Telegram forum group id (-100…)')
    .option('--telegram-allowed-user-ids <ids>', 'Telegram user ids allowed to answer, comma-separated')
    .option('--telegram-api-root <url>', 'Telegram Bot API root (self-hosted Bot API server)')
    .option('--slack-bot-token <token>', 'Slack bot token (xoxb-…)')
    .option('--slack-app-token <token>', 'Slack app-level token (xapp-…)')
    .option('--slack-channel-id <id>', 'Slack channel id (C…)')
    .option('--slack-api-url <url>', 'Slack Web API URL')
    .option('--discord-token <token>', 'Discord bot token')
    .option('--discord-channel-id <id>', 'Discord channel id')
    .option('--discord-api <url>', 'Discord REST API URL')
    .addOption(configOption())
    .action(async (options: InitOptions, command: Command) => {
      finish(await initCommand(options, contextOf(command)));
    });

  program
    .command('doctor')
    .description('check the config and every configured platform, with the fix for each problem')
    .addOption(configOption())
    .option('--telegram-api-root <url>', 'Telegram Bot API root (self-hosted Bot API server)')
    .option('--slack-api-url <url>', 'Slack Web API URL')
    .option('--discord-api <url>', 'Discord REST API URL')
    .option('--agent-cmd <command>', 'also check this ACP agent command, e.g. "gemini --acp"')
    .option('--redis <url>', "also check the Redis several hosts share (default: the config's redis.url)")
    .action(async (options: DoctorOptions, command: Command) => {
      finish(await doctorCommand(options, contextOf(command)));
    });

  program
    .command('serve')
    .description(
      'one daemon for every session: platforms held once, terminal Claude Code through hooks, run joins it',
    )
    .option(
      '--platform <names>',
      "comma-separated platforms (default: the config's serve.platforms, else every configured one, else web)",
    )
    .addOption(
      new Option('--port <port>', 'control endpoint port on 127.0.0.1 (default 8788)').argParser(parsePort),
    )
    .option('--runner <name>', 'the runner /new starts (default: claude)')
    .option('--host <host>', 'web: interface to listen on; 0.0.0.0 lets your phone on the LAN in')
    .addOption(new Option('--web-port <port>', 'web: port of the page').argParser(parsePort))
    .option('--print-service [kind]', 'print a systemd user unit (Linux) or launchd agent (macOS) and exit')
    .option(
      '--redis <url>',
      'several hosts, one bot: the Redis they share (redis://host:6379); needs ioredis',
    )
    .option('--host-name <name>', "with --redis: this host's name among them (default: the machine's name)")
    .addOption(configOption())
    .action(async (options: ServeCommandOptions, command: Command) => {
      finish(await serveCommand(options, contextOf(command)));
    });

  program
    .command('status')
    .description('is serve running, and its live sessions (source, state, age, directory)')
    .addOption(configOption())
    .option(
      '--redis <url>',
      "with several hosts: list them and who holds the bot (default: the config's redis.url)",
    )
    .action(async (options: StatusOptions, command: Command) => {
      finish(await statusCommand(options, contextOf(command)));
    });

  const hooks = program
    .command('hooks')
    .description("supervise the Claude Code you run in a terminal: add or remove agent-tether's http hooks");
  for (const action of ['install', 'uninstall'] as const) {
    hooks
      .command(action)
      .description(
        action === 'install'
          ? "merge agent-tether's hooks into a Claude Code settings file (others' hooks kept)"
          : "remove only agent-tether's hooks from a Claude Code settings file",
      )
      .addOption(
        new Option(
          '--scope <scope>',
          'user: ~/.claude/settings.json, project: .claude/settings.json, local: .claude/settings.local.json',
        )
          .choices(['user', 'project', 'local'])
          .default('user'),
      )
      .option('--dry-run', 'print the new settings instead of writing them')
      .addOption(
        new Option(
          '--port <port>',
          "serve's control port (default: the running serve's, else 8788)",
        ).argParser(parsePort),
      )
      .addOption(configOption())
      .action(async (options: HooksOptions, command: Command) => {
        finish(await hooksCommand(action, options, contextOf(command)));
      });
  }

  return program;
}

/**
 * Run the CLI with `argv` (as `process.argv`: node, script, arguments…).
 * @returns the exit code: the command's, 1 for a failure, 2 for bad usage.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const state: { logger?: CliLogger } = {};
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    state,
  );
  if (argv.length <= 2) {
    // Bare `agent-tether`: the help is what was asked for, not a usage error.
    io.out(program.helpInformation().trimEnd());
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const failure = describeFailure(error);
    state.logger?.debug({ err: error }, 'command failed');
    io.err(`error: ${failure.line}`);
    return failure.exitCode;
  }
}

/**
 * The executable's entry: run, then end the process with the exit code. If something still holds the event
 * loop open after the command finished (a socket a platform SDK forgot), the process ends anyway.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const code = await runCli(argv);
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1500).unref();
}
