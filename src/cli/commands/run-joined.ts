/**
 * `agent-tether run` when `serve` is running: the session joins the daemon (which holds the platform
 * connections) instead of opening a connection of its own — so several `run`s share one bot.
 * @module
 */
import type { RunnerRegistry } from '../../runner/registry.js';
import type { ApprovalChoice } from '../../runner/types.js';
import { type ReachableDaemon, superviseThroughDaemon } from '../../serve/join.js';
import { ShutdownSignals } from '../shutdown.js';
import type { CommandContext } from './context.js';

/** What the joined run needs. */
export interface JoinedRun {
  readonly daemon: ReachableDaemon;
  readonly registry: RunnerRegistry;
  readonly runner: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly prompt: string;
  readonly name: string;
  readonly cwd: string;
  readonly approvalChoice: ApprovalChoice;
}

/** Supervise through the daemon until the agent exits (or Ctrl-C). */
export async function runThroughDaemon(run: JoinedRun, context: CommandContext): Promise<number> {
  const { io, logger } = context;
  const signals = new ShutdownSignals();
  let lost!: () => void;
  const disconnected = new Promise<void>((resolve) => {
    lost = resolve;
  });
  try {
    const session = await superviseThroughDaemon({
      daemon: run.daemon,
      runner: (events) => run.registry.create(run.runner, events, run.config),
      sessionId: 'main',
      prompt: run.prompt,
      name: run.name,
      cwd: run.cwd,
      approvalChoice: run.approvalChoice,
      onDisconnect: () => lost(),
    });
    io.out(
      `Supervising "${run.name}" (${run.runner}) through agent-tether serve (pid ${run.daemon.info.pid}, on ${run.daemon.info.platforms.join(', ')}). Ctrl-C stops the agent.`,
    );
    const outcome = await Promise.race([
      session.done.then((code) => ({ kind: 'exit' as const, code })),
      signals.received.then(() => ({ kind: 'signal' as const })),
      disconnected.then(() => ({ kind: 'lost' as const })),
    ]);
    if (outcome.kind === 'exit') {
      io.out(`The agent exited${outcome.code === null ? '' : ` with code ${outcome.code}`}.`);
      session.close();
      return outcome.code ?? 0;
    }
    io.err(
      outcome.kind === 'lost'
        ? 'agent-tether serve went away: stopping the agent (nobody could answer its approvals).'
        : 'Stopping the agent…',
    );
    await session.stop().catch((error: unknown) => logger.warn({ err: error }, 'stopping the agent failed'));
    session.close();
    return outcome.kind === 'lost' ? 1 : 0;
  } finally {
    signals.dispose();
  }
}
