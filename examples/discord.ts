/**
 * Supervise a pretend agent from Discord.
 *
 *   DISCORD_BOT_TOKEN=... DISCORD_CHANNEL_ID=... npx tsx examples/discord.ts
 *
 * Enable "Message Content Intent" for the bot (Developer Portal → Bot). Without DISCORD_CHANNEL_ID, type
 * `!setup <code>` in the channel to use (the code is printed below). Others pair with `!pair <code>`.
 */
import { createDiscordBridge } from '../src/discord/index.js';

const token = process.env.DISCORD_BOT_TOKEN;
if (!token) {
  console.error('Set DISCORD_BOT_TOKEN (and optionally DISCORD_CHANNEL_ID).');
  process.exit(1);
}
const channelId = process.env.DISCORD_CHANNEL_ID;

const bridge = createDiscordBridge({
  token,
  ...(channelId ? { channelId } : {}),
  dataDir: ':memory:',
  logger: console,
  handlers: {
    onInput: async (threadId, text, user) => {
      await bridge.sendOutput(threadId, `**${user.name}** said: ${text}`);
    },
    onStatusRequest: () => 'The example agent is idle.',
  },
});

await bridge.start();
if (bridge.auth.pairingCode) console.log(`Pairing code: ${bridge.auth.pairingCode}`);
if (!bridge.controlChannelId) console.log('Type !setup <code> in the channel to control from, then restart.');
else {
  const thread = await bridge.createThread('Example session');
  await bridge.sendOutput(thread, 'Hello from the example agent. I would like to run `npm test`.');
  const decision = await bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm test' } });
  await bridge.sendOutput(thread, decision.behavior === 'allow' ? 'Running the tests…' : 'Not running them.');
}
process.once('SIGINT', () => void bridge.stop());
await bridge.waitUntilStopped();
