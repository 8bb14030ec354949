/**
 * `agent-tether run -- <prompt or command…>`: supervise one agent session on the configured platform
 * until the agent exits (or Ctrl-C).
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../../core/store/data-dir.js';
import { AGENT_GROUP_FILE } from '../../runner/agent-groups.js';
import { createDefaultRunnerRegistry } from '../../runner/default-registry.js';
import { parseScript } from '../../runner/scripted-schema.js';
import { supervise, threadNameFromPrompt } from '../../runner/supervise.js';
import { ApprovalChoices } from '../../runner/types.js';
import { findDaemon } from '../../serve/join.js';
import { createBridge } from '../bridge-factory.js';
import { CLAUDE_CREDENTIALS_FIX, findClaudeCredentials } from '../checks/claude-credentials.js';
import type { PlatformName } from '../config.js';
import { CliError, UsageError } from '../errors.js';
import { loadSettings } from '../load-settings.js';
import { ShutdownSignals } from '../shutdown.js';
import { openInBrowser, printWebAccess } from '../terminal.js';
import { DEFAULT_WEB_PORT, isAddressInUse, persistentAccessToken, portTakenNotice } from '../web-address.js';
import type { CommandContext } from './context.js';
import { runThroughDaemon } from './run-joined.js';

/** Exit codes after a stop signal, as shells report them (128 + the signal's number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** The runners `run` offers. */
export const RUNNER_NAMES = ['claude', 'codex', 'acp', 'subprocess', 'scripted'] as const;
/** One of {@link RUNNER_NAMES}. */
export type RunnerName = (typeof RUNNER_NAMES)[number];
/** The permission modes `--approval` offers. */
export const APPROVAL_NAMES = ['ask', 'acceptEdits', 'bypass'] as const;
/** One of {@link APPROVAL_NAMES}. */
export type ApprovalName = (typeof APPROVAL_NAMES)[number];

/** Options of `agent-tether run`. */
export interface RunOptions {
  /** Where people watch; @defaultValue the config's `platform`, else `web`. */
  readonly platform?: PlatformName;
  /** The agent backend. @defaultValue 'claude' */
  readonly runner: RunnerName;
  /** The agent's working directory. @defaultValue the current directory */
  readonly cwd?: string;
  /** The thread name. @defaultValue the prompt's first line, or the command line */
  readonly name?: string;
  /** Permission mode to start in. @defaultValue 'ask' */
  readonly approval: ApprovalName;
  /** The config file. @defaultValue see `configFilePath` */
  readonly config?: string;
  /** Web page port / interface (`--platform web`). */
  readonly port?: number;
  readonly host?: string;
  /** Open the web page in the browser. @defaultValue true */
  readonly open: boolean;
  /** `scripted`: a JSON file holding the steps to play instead of the demo script. */
  readonly script?: string;
  /** `claude`, `codex`: the model. */
  readonly model?: string;
  /** `claude`, `codex`, `acp`: end after the first turn. */
  readonly oneShot?: boolean;
  /** Self-hosted or fake platform servers (as for `doctor`). */
  readonly telegramApiRoot?: string;
  readonly slackApiUrl?: string;
  readonly discordApi?: string;
  /** Join a running `agent-tether serve` (commander's `--no-serve` sets false). @defaultValue true */
  readonly serve?: boolean;
  /** `acp`: the agent's command line, e.g. `gemini --acp`. */
  readonly agentCmd?: string;
}

function runnerConfig(
  options: RunOptions,
  words: readonly string[],
  cwd: string,
  dataDir: string,
): Record<string, unknown> {
  switch (options.runner) {
    case 'subprocess':
      // The agents' process groups are recorded so a run killed with SIGKILL has them ended at the next start.
      return { command: words[0], args: words.slice(1), cwd, groupFile: join(dataDir, AGENT_GROUP_FILE) };
    case 'claude':
    case 'codex':
      return {
        cwd,
        ...(options.model === undefined ? {} : { model: options.model }),
        ...(options.oneShot === undefined ? {} : { oneShot: options.oneShot }),
      };
    case 'acp':
      if (options.agentCmd === undefined || options.agentCmd.trim() === '')
        throw new UsageError(
          'run --runner acp needs the agent command, e.g. agent-tether run --runner acp --agent-cmd "gemini --acp" -- "fix the failing test"',
        );
      return {
        command: options.agentCmd,
        cwd,
        ...(options.oneShot === undefined ? {} : { oneShot: options.oneShot }),
      };
    case 'scripted':
      return options.script === undefined ? {} : { script: readScript(options.script) };
    default: {
      const never: never = options.runner;
      throw new UsageError(`Unknown runner ${String(never)}`);
    }
  }
}

function readScript(path: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(
      `Cannot read the script ${path} (${(error as Error).message}): give a JSON file holding an array of steps, e.g. [{"output":"hi"},{"exit":0}]`,
      { cause: error },
    );
  }
  try {
    return parseScript(parsed);
  } catch (error) {
    throw new CliError(
      `The script ${path} is not valid: ${(error as Error).message} (the README's "Scripted sessions" lists the steps)`,
      { cause: error },
    );
  }
}

function checkDirectory(cwd: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new CliError(`--cwd ${cwd} is not a directory: give the agent's project directory`);
}

/**
 * Supervise one session. `words` are what follows `--`: the command and its arguments for `subprocess`,
 * the prompt for `claude` and `scripted`.
 * @returns the agent's exit code (0 when unknown); 130 after Ctrl-C, 143 after SIGTERM, as shells expect.
 */
export async function runCommand(
  words: readonly string[],
  options: RunOptions,
  context: CommandContext,
): Promise<number> {
  const { io, logger } = context;
  if (words.length === 0 && options.runner !== 'scripted') {
    throw new UsageError(
      options.runner === 'subprocess'
        ? 'run --runner subprocess needs the command after --, e.g. agent-tether run --runner subprocess -- node agent.mjs'
        : `run needs a prompt after --, e.g. agent-tether run${options.runner === 'claude' ? '' : ` --runner ${options.runner}`} -- "fix the failing test"`,
    );
  }
  const loaded = loadSettings({ ...options }, io.env, options.config);
  let settings = loaded.settings;
  const platform = settings.platform ?? 'web';
  const cwd = resolve(options.cwd ?? process.cwd());
  checkDirectory(cwd);
  const prompt = options.runner === 'subprocess' ? '' : words.join(' ');
  const name =
    options.name ?? (options.runner === 'subprocess' ? words.join(' ') : threadNameFromPrompt(prompt));
  const config = runnerConfig(options, words, cwd, settings.dataDir ?? defaultDataDir(io.env));
  const registry = createDefaultRunnerRegistry({ logger });

  const daemon =
    options.serve === false ? undefined : await findDaemon(settings.dataDir ?? defaultDataDir(io.env));
  if (daemon) {
    if (options.runner === 'claude' && findClaudeCredentials(io.env).status === 'missing')
      throw new CliError(`Claude Code has no credentials, so it cannot log in: ${CLAUDE_CREDENTIALS_FIX}`);
    const approvalChoice = ApprovalChoices[options.approval];
    return runThroughDaemon(
      { daemon, registry, runner: options.runner, config, prompt, name, cwd, approvalChoice },
      context,
    );
  }

  // The web page gets a stable address (same port and token every run) so a bookmark or a QR code keeps working.
  const defaultWebPort = platform === 'web' && settings.web?.port === undefined;
  if (defaultWebPort) settings = { ...settings, web: { ...settings.web, port: DEFAULT_WEB_PORT } };
  const bridgeOptions = {
    logger,
    ...(platform === 'web' ? { webAccessToken: persistentAccessToken(settings.dataDir, io.env) } : {}),
  };
  let bridge = await createBridge(platform, settings, bridgeOptions);
  if (options.runner === 'claude' && findClaudeCredentials(io.env).status === 'missing') {
    // Claude Code would start, then fail to log in on the page only: say it here, before anything starts (the bridge is built, not started).
    throw new CliError(`Claude Code has no credentials, so it cannot log in: ${CLAUDE_CREDENTIALS_FIX}`);
  }
  const signals = new ShutdownSignals();
  try {
    const superviseOn = (on: typeof bridge) =>
      supervise({
        bridges: on,
        runner: (events) => registry.create(options.runner, events, config),
        prompt,
        name,
        cwd,
        approvalChoice: ApprovalChoices[options.approval],
        logger,
      });
    let session: Awaited<ReturnType<typeof superviseOn>>;
    try {
      session = await superviseOn(bridge);
    } catch (error) {
      if (!defaultWebPort || !isAddressInUse(error)) throw error;
      await bridge.stop();
      io.err(portTakenNotice(DEFAULT_WEB_PORT));
      bridge = await createBridge(
        platform,
        { ...settings, web: { ...settings.web, port: 0 } },
        bridgeOptions,
      );
      session = await superviseOn(bridge);
    }
    if (platform === 'web') {
      const web = bridge as unknown as { url: string; host: string };
      printWebAccess(io, web.url, web.host);
      if (options.open && io.interactive) openInBrowser(web.url);
    }
    if (bridge.auth.pairingEnabled && bridge.auth.pairingCode !== undefined) {
      io.out(
        `Pairing code: ${bridge.auth.pairingCode}. Send the pair command with it in the chat (e.g. /pair ${bridge.auth.pairingCode}) to authorize yourself, or list your user id in allowedUserIds.`,
      );
      // Codes are single-use: show the next one when it is used up.
      bridge.auth.onPairingCode((code) => io.out(`Pairing code used. The next pairing code is ${code}.`));
    }
    io.out(`Supervising "${name}" (${options.runner}) on ${platform}. Ctrl-C stops the agent.`);
    const outcome = await Promise.race([
      session.done.then((code) => ({ kind: 'exit' as const, code })),
      signals.received.then((signal) => ({ kind: 'signal' as const, signal })),
    ]);
    if (outcome.kind === 'signal') {
      io.err('Stopping the agent…');
      await session
        .stop()
        .catch((error: unknown) => logger.warn({ err: error }, 'stopping the agent failed'));
      return SIGNAL_EXIT_CODES[outcome.signal];
    }
    io.out(`The agent exited${outcome.code === null ? '' : ` with code ${outcome.code}`}.`);
    if (platform === 'web') await keepPageUntilSeen(bridge as unknown as WebPage, io, signals);
    return outcome.code ?? 0;
  } finally {
    await bridge.stop();
    signals.dispose();
  }
}

/** What `run` needs of the web bridge to know whether someone saw the end. */
interface WebPage {
  readonly url: string;
  readonly openPages: number;
}

/**
 * An agent that ends before anyone opened the page would take the page with it: keep serving until a page is
 * open (it then shows how the session ended) or Ctrl-C.
 */
async function keepPageUntilSeen(
  page: WebPage,
  io: CommandContext['io'],
  signals: ShutdownSignals,
): Promise<void> {
  if (page.openPages > 0) return;
  io.out(
    `Nobody has the page open yet: it shows how the session ended until you open ${page.url} (Ctrl-C quits).`,
  );
  let timer: NodeJS.Timeout | undefined;
  const opened = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (page.openPages > 0) resolve();
    }, 200);
  });
  try {
    await Promise.race([opened.then(() => new Promise((r) => setTimeout(r, 1000))), signals.received]);
  } finally {
    clearInterval(timer);
  }
}
