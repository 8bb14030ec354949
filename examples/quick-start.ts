import { TelegramBridge } from 'agent-tether/telegram';

const bridge = new TelegramBridge({
  token: process.env.TELEGRAM_BOT_TOKEN!,
  forumGroupId: Number(process.env.TELEGRAM_FORUM_GROUP_ID),
  allowedUserIds: [123456789], // who may approve (or pair with a code)
  handlers: {
    onInput: (threadId, text, user) => console.log(`[${threadId}] ${user.name}: ${text}`),
    onApprovalResponse: (_threadId, requestId, approved, { reason, user }) =>
      console.log(`${requestId} ${approved ? 'approved' : 'denied'} by ${user?.name} ${reason ?? ''}`),
  },
  // Optional: a self-hosted Bot API server (or FakeTelegramServer).
  ...(process.env.TELEGRAM_API_ROOT ? { apiRoot: process.env.TELEGRAM_API_ROOT } : {}),
});

await bridge.start();
process.once('SIGINT', () => void bridge.stop()); // Ctrl-C stops the bridge cleanly
const threadId = await bridge.createThread('My Agent Task', { directory: process.cwd() });
await bridge.sendOutput(threadId, 'Starting work on your request...');

// The seed's fire-and-forget form: the answer arrives in onApprovalResponse.
await bridge.sendApprovalRequest(threadId, {
  requestId: 'req_123',
  toolName: 'Bash',
  description: '{"command": "rm -rf /tmp/cache"}',
});

// Or await the decision directly.
const decision = await bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'npm test' } });
if (decision.behavior === 'allow') {
  // run it
  await bridge.sendOutput(threadId, 'Running npm test…');
}

await bridge.waitUntilStopped();
