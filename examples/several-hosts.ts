/**
 * Runnable example: several machines, one Telegram bot. Run it on each machine with the same Redis; the one that
 * holds the lease polls Telegram, the others wait and take over within the lease's TTL if it dies. Threads,
 * pending approvals, timers, rules, pairings and Telegram's handled-update id live in Redis.
 *   REDIS_URL=redis://redis.lan:6379 TELEGRAM_BOT_TOKEN=… TELEGRAM_FORUM_GROUP_ID=-100… npx tsx examples/several-hosts.ts
 * Needs `npm install ioredis`. TELEGRAM_API_ROOT points it at a self-hosted Bot API server (or a fake).
 */
import { hostname } from 'node:os';
import { RedisLease, RedisStore } from 'agent-tether/redis';
import { TelegramBridge, type TelegramBridgeConfig } from 'agent-tether/telegram';

// #region readme
/** Hold the bot's Telegram connection whenever this host holds the lease. */
export async function holdTelegram(
  url: string,
  host: string,
  telegram: Omit<TelegramBridgeConfig, 'store'>,
  ttlMs = 5000,
) {
  const lease = await RedisLease.connect({ url, name: 'telegram', host, ttlMs });
  // Every write of this host's store carries its lease token: once another host holds the lease, it is refused.
  const store = await RedisStore.connect({ url, fence: () => lease.fence() });
  const bridge = new TelegramBridge({ ...telegram, store, rememberHandledUpdates: true });
  lease.hold({ onAcquired: () => bridge.start(), onLost: () => bridge.stop() });
  return { lease, store, bridge };
}
// #endregion

if (import.meta.url === `file://${process.argv[1]}`) {
  const { REDIS_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_FORUM_GROUP_ID, TELEGRAM_API_ROOT } = process.env;
  if (!REDIS_URL || !TELEGRAM_BOT_TOKEN || !TELEGRAM_FORUM_GROUP_ID) {
    console.error(
      'Set REDIS_URL, TELEGRAM_BOT_TOKEN and TELEGRAM_FORUM_GROUP_ID (see the top of this file).',
    );
    process.exit(1);
  }
  const { lease, store, bridge } = await holdTelegram(REDIS_URL, hostname(), {
    token: TELEGRAM_BOT_TOKEN,
    forumGroupId: TELEGRAM_FORUM_GROUP_ID,
    ...(TELEGRAM_API_ROOT ? { apiRoot: TELEGRAM_API_ROOT } : {}),
    handlers: { onInput: (_thread, text, user) => console.log(`${hostname()} heard ${user.name}: ${text}`) },
  });
  console.log(`${hostname()} is ready; it polls Telegram whenever it holds the lease. Ctrl-C gives it up.`);
  process.once('SIGINT', async () => {
    await lease.close();
    await bridge.stop();
    store.close();
    process.exit(0);
  });
}
