/**
 * One "host" of the settle race: opens its own RedisStore, says `ready`, blocks until the test says go, then tries to
 * resolve every request and prints the ids it won as JSON. Run by redis-store.test.ts as a separate process.
 * Usage: race-host.ts <redis-url> <key-prefix> <host-name> <count>
 */
import { RedisStore } from '../../src/redis/store.js';
import { SyncRedis } from '../../src/redis/sync-redis.js';

const [url = '', prefix = '', host = '', count = '0'] = process.argv.slice(2);
const store = RedisStore.open({ url, keyPrefix: prefix });
const barrier = SyncRedis.open(url);
process.stdout.write('ready\n');
// Both hosts block on their own list; the test pushes to both in one transaction, so they start together.
barrier.call('BLPOP', `${prefix}go:${host}`, '0');
barrier.close();
const won: string[] = [];
const decision = JSON.stringify({
  behavior: 'allow',
  scope: 'once',
  by: { type: 'user', user: { id: host } },
});
for (let i = 0; i < Number(count); i++) {
  if (store.resolvePending(`r${i}`, decision, Date.now())) won.push(`r${i}`);
}
process.stdout.write(`${JSON.stringify(won)}\n`);
store.close();
