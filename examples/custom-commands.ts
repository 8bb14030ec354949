/**
 * The README's custom command: `/deploy` (or `!deploy`) on every platform, listed by `/help`.
 * Run it: `npx tsx examples/custom-commands.ts` (a person types `/deploy staging` on an in-memory bridge).
 */
import { MemoryBridge } from 'agent-tether';

// #region readme
const bridge = new MemoryBridge({
  commands: {
    deploy: { description: 'Deploy the app', handler: ({ args }) => `Deploying ${args}…` },
  },
});
// #endregion

await bridge.start();
const threadId = await bridge.createThread('Release');
await bridge.userSays(threadId, '/deploy staging');
console.log(bridge.texts(threadId).at(-1)); // Deploying staging…
await bridge.stop();
