/**
 * Runnable example: an agent thread in a Slack channel, some output, and an approval awaited from a phone.
 *
 * Set-up: create a Slack app from the manifest in the README (Socket Mode, bot scopes, `/agent` command), install it,
 * create an app-level token with `connections:write`, invite the app to a channel (`/invite @yourapp`), then:
 *   SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… SLACK_CHANNEL_ID=C0123… SLACK_USER_ID=U0123… npx tsx examples/slack.ts
 * Without SLACK_USER_ID the bridge prints a pairing code: send `!pair <code>` in the channel.
 * Answer with the buttons, or reply in the thread with `yes`, `no: <reason>`, `allow all`; try `!status`, `/agent help`.
 */
import { createSlackBridge } from '../src/slack/index.js';

const botToken = process.env.SLACK_BOT_TOKEN;
const appToken = process.env.SLACK_APP_TOKEN;
const channelId = process.env.SLACK_CHANNEL_ID;
if (!botToken || !appToken || !channelId) {
  console.error(
    'Set SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_CHANNEL_ID (see the comment at the top of this file).',
  );
  process.exit(1);
}
const userId = process.env.SLACK_USER_ID;
// Optional: a proxy or a self-hosted/fake Slack API (e.g. FakeSlackServer's `apiUrl`).
const slackApiUrl = process.env.SLACK_API_URL;

await using bridge = createSlackBridge({
  botToken,
  appToken,
  channelId,
  ...(userId ? { allowedUserIds: [userId] } : {}),
  ...(slackApiUrl ? { slackApiUrl } : {}),
  handlers: {
    onInput: (_thread, text, user) => console.log(`${user.name} says: ${text}`),
    onStatusRequest: () => 'The example agent is waiting for your approval.',
  },
});
await bridge.start();
if (!userId) console.log(`Pairing code: send "!pair ${bridge.auth.pairingCode}" in the channel.`);

const thread = await bridge.createThread('agent-tether example', { directory: process.cwd() });
await bridge.sendOutput(thread, '**Hello!** I would like to run the tests.');
const decision = await bridge.requestApproval(thread, {
  toolName: 'Bash',
  input: { command: 'npm test', description: 'Run the test suite' },
  timeoutMs: 5 * 60_000,
});
if (decision.behavior === 'allow') {
  await bridge.sendOutput(thread, '✅ Allowed: running `npm test` (not really, this is an example).');
} else {
  const why = decision.behavior === 'deny' ? (decision.reason ?? 'no reason given') : 'nobody answered';
  await bridge.sendOutput(thread, `❌ Not running it: ${why}.`);
}
console.log('Decision:', decision.behavior);
