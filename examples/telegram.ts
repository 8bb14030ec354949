/**
 * Runnable example: an agent thread in a Telegram forum group, some output, and an approval awaited from a phone.
 *
 * Set-up: create a bot with @BotFather, add it to a supergroup with Topics enabled, make it an administrator with
 * the "Manage topics" right, then:
 *   TELEGRAM_BOT_TOKEN=123456:AA… TELEGRAM_FORUM_GROUP_ID=-100… TELEGRAM_USER_ID=<your id> npx tsx examples/telegram.ts
 * Without TELEGRAM_USER_ID the bridge prints a pairing code: send `/pair <code>` in the group.
 */
import { createTelegramBridge } from '../src/telegram/index.js';

const token = process.env.TELEGRAM_BOT_TOKEN;
const forumGroupId = process.env.TELEGRAM_FORUM_GROUP_ID;
if (!token || !forumGroupId) {
  console.error(
    'Set TELEGRAM_BOT_TOKEN and TELEGRAM_FORUM_GROUP_ID (see the comment at the top of this file).',
  );
  process.exit(1);
}
const userId = process.env.TELEGRAM_USER_ID;

await using bridge = createTelegramBridge({
  token,
  forumGroupId,
  ...(userId ? { allowedUserIds: [userId] } : {}),
  handlers: {
    onInput: (_thread, text, user) => console.log(`${user.name} says: ${text}`),
    onStatusRequest: () => 'The example agent is waiting for your approval.',
  },
});
await bridge.start();
if (!userId) console.log(`Pairing code: send "/pair ${bridge.auth.pairingCode}" in the group.`);

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
