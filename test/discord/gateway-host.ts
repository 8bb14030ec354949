/**
 * One host of a bot, as a separate process (for test/discord/gateway-takeover.test.ts): a DiscordBridge that keeps
 * its gateway session in a SQLite store shared with the test, started on the fake, with a thread named `Repo`.
 * Prints the thread id, then runs until killed. Args: api url, token, channel id, data dir, owner id.
 */
import { SqliteStore } from '../../src/core/store/sqlite.js';
import { DiscordBridge } from '../../src/discord/index.js';

const [api, token, channelId, dataDir, ownerId] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const bridge = new DiscordBridge({
  token,
  api,
  channelId,
  fastIdentify: true,
  store: SqliteStore.open(dataDir),
  allowedUserIds: [ownerId],
  rememberGatewaySession: true,
});
await bridge.start();
process.stdout.write(`${await bridge.createThread('Repo')}\n`);
setInterval(() => {}, 60_000);
