// A supervisor that asks for approval on Telegram and waits (it will be killed with SIGKILL while waiting).
// argv: apiRoot token chatId dataDir
import { SqliteStore } from '../../../src/core/store/sqlite.js';
import { TelegramBridge } from '../../../src/telegram/index.js';

const [apiRoot = '', token = '', chatId = '0', dataDir = ''] = process.argv.slice(2);
const bridge = new TelegramBridge({
  token,
  forumGroupId: Number(chatId),
  apiRoot,
  store: SqliteStore.open(dataDir),
  allowedUserIds: [1001],
  pollingTimeoutSeconds: 1,
});
await bridge.start();
const thread = await bridge.createThread('Doomed session');
void bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'make deploy' } });
// Say so once the card is shown and recorded (a kill before that would leave no card to update).
while (!bridge.store.listPending().some((p) => p.cardJson !== '[]'))
  await new Promise((r) => setTimeout(r, 20));
console.log(`asked in ${thread}`);
