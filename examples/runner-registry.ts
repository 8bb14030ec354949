/**
 * The README's runner registry: add your own backend next to claude, subprocess and scripted.
 * Run it: `npx tsx examples/runner-registry.ts`.
 */
import { MemoryBridge } from 'agent-tether';
import type { ApprovalChoice, Runner, RunnerEvents } from 'agent-tether/runner';

/** A runner that echoes the prompt and exits: the smallest backend there is. */
class MyRunner implements Runner {
  readonly runnerType = 'my-runner';
  constructor(
    private readonly events: RunnerEvents,
    readonly config: Readonly<Record<string, unknown>>,
  ) {}
  async start(sessionId: string, prompt: string, _approvalChoice: ApprovalChoice): Promise<void> {
    this.events.onOutput(sessionId, 'stdout', `You said: ${prompt}`);
    this.events.onExit(sessionId, 0);
  }
  async sendInput(): Promise<void> {}
  async stop(): Promise<number | null> {
    return 0;
  }
  updatePermissionMode(): void {}
  async respondToPermission(): Promise<boolean> {
    return false;
  }
}

// #region readme
import { createDefaultRunnerRegistry, supervise } from 'agent-tether/runner';

const registry = createDefaultRunnerRegistry(); // claude, codex, acp, subprocess, scripted
registry.register('my-runner', (events, config) => new MyRunner(events, config)); // warns on overwrite
const session = await supervise({
  bridges: new MemoryBridge(),
  runner: (events) => registry.create('my-runner', events, { model: '…' }), // unknown name → lists the registered ones
  prompt: 'Fix the failing test',
});
console.log(registry.list(), 'exit code', await session.done);
// #endregion
