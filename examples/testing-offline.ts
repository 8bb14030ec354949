import { TelegramBridge } from 'agent-tether/telegram';
import { FakeTelegramServer } from 'agent-tether/testing';

const fake = new FakeTelegramServer({ rateLimits: false });
const apiRoot = await fake.start();
const groupId = fake.createForumGroup({ title: 'Agents' });
const bridge = new TelegramBridge({
  token: fake.token,
  forumGroupId: groupId,
  apiRoot,
  allowedUserIds: [42],
  dataDir: ':memory:',
});
await bridge.start();
const threadId = await bridge.createThread('Test');
const decision = bridge.requestApproval(threadId, { toolName: 'Bash', input: { command: 'ls' } });
const topic = Number(threadId);
await fake.waitFor(() => fake.topicMessages(groupId, topic).some((m) => m.buttons.flat().includes('Allow')));
// Act as the person, then read what they see:
fake.userSays({ chatId: groupId, topic, from: { id: 42, first_name: 'Ann' }, text: 'allow' });
console.log((await decision).behavior); // allow
await fake.waitFor(() => fake.topicMessages(groupId, topic).some((m) => m.text.includes('Allowed')));
for (const message of fake.topicMessages(groupId, topic)) console.log(message.text);
await bridge.stop();
await fake.stop();
