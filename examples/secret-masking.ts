/**
 * The README's secret masking: what an agent prints is masked before it reaches the chat, with names and
 * patterns of your own and an allowlist. Run it: `npx tsx examples/secret-masking.ts`.
 */
import { MemoryBridge } from 'agent-tether';

// #region readme
const bridge = new MemoryBridge({
  secretMasking: {
    names: ['ACME_CRED'], // also `*_CRED` or `ACME_*`
    patterns: [{ label: 'Acme key', pattern: 'acme_[a-z0-9]{32}' }],
    allow: ['AKIAIOSFODNN7EXAMPLE'], // never masked (AWS's documentation key)
  },
});
// #endregion

await bridge.start();
const threadId = await bridge.createThread('Deploy');
const key = `acme_${'0123456789abcdef'.repeat(2)}`;
await bridge.sendOutput(threadId, `ACME_CRED=hunter2hunter2 and ${key}; docs use AKIAIOSFODNN7EXAMPLE`);
console.log(bridge.texts(threadId).at(-1));
// ACME_CRED=‹secret: secret› and ‹secret: Acme key›; docs use AKIAIOSFODNN7EXAMPLE
await bridge.stop();
