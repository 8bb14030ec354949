/**
 * The README's "Supervise Codex": `supervise()` runs the Codex CLI through `codex app-server` and shows its
 * approvals on the web page. Typechecked by the tests; running it needs Codex (`npm install @openai/codex`) and
 * a Codex login or API key: `npx tsx examples/codex-supervise.ts`.
 */
import { WebBridge } from 'agent-tether/web';

const bridge = new WebBridge({ port: 0 });

// #region readme
import { CodexRunner, supervise } from 'agent-tether/runner';

const session = await supervise({
  bridges: bridge,
  runner: (events) => new CodexRunner(events, { cwd: process.cwd() }),
  prompt: 'Fix the failing test',
  cwd: process.cwd(),
});
console.log('exit code', await session.done);
// #endregion

await bridge.stop();
