/**
 * The README's "whole session": `supervise()` runs Claude Code and shows everything on the web page.
 * Typechecked by the tests; running it needs a Claude account or login: `npx tsx examples/claude-supervise.ts`.
 */
import { WebBridge } from 'agent-tether/web';

const bridge = new WebBridge({ port: 0 });
console.log('Starting the web page…');

// #region readme
import { ClaudeRunner, supervise } from 'agent-tether/runner';

const session = await supervise({
  bridges: bridge, // or [telegram, slack, web]: first answer wins
  runner: (events) => new ClaudeRunner(events, { cwd: process.cwd() }),
  prompt: 'Fix the failing test',
  cwd: process.cwd(),
});
console.log('exit code', await session.done);
// #endregion

await bridge.stop();
