/**
 * The `run` side of joining `serve`: find the running daemon of a data directory, connect to its control
 * endpoint, and supervise a runner through it instead of opening a platform connection of our own.
 * @module
 */
import WebSocket from 'ws';
import type { ApprovalDecision, ChoiceDecision } from '../core/types.js';
import type {
  OutputOptions,
  OutputStream,
  PermissionResolvedBy,
  Runner,
  RunnerEvents,
  RunnerHeader,
  RunnerPermissionRequest,
} from '../runner/types.js';
import type { SessionCommand, SessionEvent } from './bus.js';
import { askDaemon, type DaemonInfo, readDaemon, readSecret } from './daemon-files.js';

/** A running daemon that answered its health check. */
export interface ReachableDaemon {
  readonly info: DaemonInfo;
  readonly secret: string;
}

/**
 * The daemon of `dataDir` if one runs and answers its health route, with the pid its lock file records,
 * within `timeoutMs`; undefined otherwise (a lock left by a crash whose pid another process has now is not
 * a daemon).
 */
export async function findDaemon(dataDir: string, timeoutMs = 2000): Promise<ReachableDaemon | undefined> {
  const info = readDaemon(dataDir);
  const secret = readSecret(dataDir);
  if (!info?.url || secret === undefined) return undefined;
  return (await askDaemon(info, secret, timeoutMs)) === 'ours' ? { info, secret } : undefined;
}

/** Options of {@link superviseThroughDaemon}. */
export interface JoinOptions {
  readonly daemon: ReachableDaemon;
  readonly runner: (events: RunnerEvents) => Runner;
  readonly sessionId: string;
  readonly prompt: string;
  readonly name: string;
  readonly cwd?: string;
  readonly approvalChoice: 0 | 1 | 2;
  /** Called when the daemon goes away while the agent still runs. */
  readonly onDisconnect?: () => void;
}

/** A session supervised through `serve`. */
export interface JoinedSession {
  /** Resolves with the agent's exit code. */
  readonly done: Promise<number | null>;
  stop(): Promise<number | null>;
  close(): void;
}

/** Connect to `serve` and start the runner; its events go to the daemon, the daemon's commands to it. */
export async function superviseThroughDaemon(options: JoinOptions): Promise<JoinedSession> {
  const { daemon, sessionId } = options;
  const socket = new WebSocket(`${daemon.info.url.replace(/^http/, 'ws')}/sessions/connect`, {
    headers: { authorization: `Bearer ${daemon.secret}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const send = (event: SessionEvent) => {
    if (socket.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ type: 'event', session: sessionId, event }));
  };
  let resolveDone!: (code: number | null) => void;
  const done = new Promise<number | null>((resolve) => {
    resolveDone = resolve;
  });
  const events: RunnerEvents = {
    onOutput: (_id, _stream: OutputStream, text: string, outputOptions?: OutputOptions) =>
      send({ type: 'output', text, ...(outputOptions ? { options: outputOptions } : {}) }),
    onError: (_id, code, message) => send({ type: 'error', code, message }),
    onExit: (_id, exitCode) => {
      send({ type: 'exit', exitCode });
      resolveDone(exitCode);
    },
    onAwaitingInput: () => send({ type: 'idle' }),
    onMetadata: (_id, key, value, raw) => send({ type: 'metadata', key, value, raw }),
    onHeartbeat: () => {},
    onHeader: (_id, header: RunnerHeader) => send({ type: 'header', header }),
    onPermissionRequest: (_id, request: RunnerPermissionRequest) => send({ type: 'permission', request }),
    onPermissionResolved: (_id, requestId, by: PermissionResolvedBy, _allowed, message) => {
      if (by === 'cancelled' || by === 'timeout')
        send({ type: 'withdrawn', requestId, ...(message ? { note: message } : {}) });
    },
  };
  const runner = options.runner(events);
  socket.on('message', (data) => {
    let frame: { type?: string; session?: string; command?: SessionCommand };
    try {
      frame = JSON.parse(String(data)) as typeof frame;
    } catch {
      return;
    }
    if (frame.type !== 'command' || frame.session !== sessionId || !frame.command) return;
    void apply(runner, sessionId, frame.command).catch(() => undefined);
  });
  socket.on('close', () => options.onDisconnect?.());
  send({
    type: 'open',
    name: options.name,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    runnerType: runner.runnerType,
  });
  await runner.start(sessionId, options.prompt, options.approvalChoice);
  return {
    done,
    stop: () => runner.stop(sessionId),
    close: () => socket.close(),
  };
}

async function apply(runner: Runner, sessionId: string, command: SessionCommand): Promise<void> {
  switch (command.type) {
    case 'decision':
      await runner.respondToPermission(sessionId, command.requestId, command.decision as ApprovalDecision);
      return;
    case 'choice':
      if (runner.respondToChoice)
        await runner.respondToChoice(sessionId, command.requestId, command.decision as ChoiceDecision);
      return;
    case 'input':
      await runner.sendInput(sessionId, command.text);
      return;
    case 'stop':
      await runner.stop(sessionId);
      return;
    default: {
      const never: never = command;
      return never;
    }
  }
}
