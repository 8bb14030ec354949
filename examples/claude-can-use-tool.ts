/**
 * The README's "five-line path": the Claude Agent SDK asks the web page (or your phone) before each tool.
 * Typechecked by the tests; running it needs a Claude account or login: `npx tsx examples/claude-can-use-tool.ts`.
 */
import { WebBridge } from 'agent-tether/web';

const bridge = new WebBridge({ port: 0 });
await bridge.start();
console.log(`Open ${bridge.url}`);

// #region readme
import { query } from '@anthropic-ai/claude-agent-sdk';
import { tetherCanUseTool } from 'agent-tether/runner';

const threadId = await bridge.createThread('Fix the tests', { directory: process.cwd() });
for await (const message of query({
  prompt: 'Fix the failing test',
  options: { cwd: process.cwd(), canUseTool: tetherCanUseTool(bridge, threadId) },
})) {
  if (message.type === 'result') console.log(message.subtype);
}
// #endregion

await bridge.stop();
