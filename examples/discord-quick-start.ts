import { DiscordBridge } from 'agent-tether/discord';

const bridge = new DiscordBridge({
  token: process.env.DISCORD_BOT_TOKEN!,
  channelId: process.env.DISCORD_CHANNEL_ID!, // the control channel: one thread per session
  allowedUserIds: [process.env.DISCORD_USER_ID!], // who may approve (or pair with `!pair <code>`)
  // Optional: another REST root (a proxy, or FakeDiscordServer's apiUrl).
  ...(process.env.DISCORD_API_URL ? { api: process.env.DISCORD_API_URL } : {}),
});

await bridge.start();
const threadId = await bridge.createThread('My Agent Task');
await bridge.sendOutput(threadId, 'I would like to run the tests.');
const decision = await bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
console.log(decision.behavior);
await bridge.stop();
