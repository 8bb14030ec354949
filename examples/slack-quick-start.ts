import { SlackBridge } from 'agent-tether/slack';

const bridge = new SlackBridge({
  botToken: process.env.SLACK_BOT_TOKEN!, // xoxb-…
  appToken: process.env.SLACK_APP_TOKEN!, // xapp-… (Socket Mode)
  channelId: process.env.SLACK_CHANNEL_ID!,
  allowedUserIds: [process.env.SLACK_USER_ID!], // who may approve (or pair with a code)
  // Optional: another Web API root (a proxy, or FakeSlackServer's apiUrl).
  ...(process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {}),
});

await bridge.start();
const threadId = await bridge.createThread('My Agent Task');
await bridge.sendOutput(threadId, 'I would like to run the tests.');
const decision = await bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
console.log(decision.behavior);
await bridge.stop();
