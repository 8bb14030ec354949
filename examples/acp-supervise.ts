/**
 * The README's "Any ACP agent": `supervise()` runs an Agent Client Protocol agent (here Gemini CLI in ACP mode)
 * and shows its permission requests, with the agent's own options, on the web page. Typechecked by the tests;
 * running it needs the agent installed and logged in: `npx tsx examples/acp-supervise.ts`.
 */
import { WebBridge } from 'agent-tether/web';

const bridge = new WebBridge({ port: 0 });

// #region readme
import { AcpRunner, supervise } from 'agent-tether/runner';

const session = await supervise({
  bridges: bridge,
  runner: (events) => new AcpRunner(events, { command: 'gemini', args: ['--acp'], cwd: process.cwd() }),
  prompt: 'Fix the failing test',
  cwd: process.cwd(),
});
console.log('exit code', await session.done);
// #endregion

await bridge.stop();
