/**
 * Multi-host benchmark on a real redis-server (started here on a free loopback port): 3 hosts × 20 sessions
 * stream agent output through the Redis Streams bus to the host holding the platform connection; halfway through,
 * the holder dies (stops renewing its lease and reading, without acknowledging what it was given), and another
 * host takes the lease and the stream over. Then 3 host processes race to settle the same 200 requests in the
 * shared RedisStore. Prints the failover time, messages lost and duplicated, decisions lost and duplicated, and
 * the bus's throughput against direct in-process delivery measured in the same run.
 * Run: `npx tsx bench/multi-host.ts` (needs `redis-server` on the PATH).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisStreamBus } from '../src/redis/bus.js';
import { RedisLease } from '../src/redis/lease.js';
import { RedisStore } from '../src/redis/store.js';
import { hasRedisServer, RedisServerProcess } from '../test/support/redis-server.js';

const HOSTS = 3;
const SESSIONS_PER_HOST = 20;
const CHUNKS_PER_SESSION = 50;
const REQUESTS = 200;
const TTL_MS = 2000;

type Topics = { events: { session: string; seq: number; text: string } };

if (!hasRedisServer()) {
  console.log('redis-server is not installed: nothing to measure (apt-get install redis-server)');
  process.exit(0);
}
const server = await new RedisServerProcess().start();
const url = server.url;

// ---------------------------------------------------------------- streaming with a failover halfway

const seen = new Map<string, number[]>();
const deliveries = { count: 0 };
let firstAfterFailover = 0;
let holderDiedAt = 0;

async function holder(name: string, onFirst?: () => void) {
  const bus = await RedisStreamBus.connect<Topics>({ url, consumer: name, keyPrefix: 'bench:' });
  const lease = await RedisLease.connect({
    url,
    name: 'telegram',
    host: name,
    keyPrefix: 'bench:',
    ttlMs: TTL_MS,
  });
  let stop: (() => void) | undefined;
  lease.hold({
    onAcquired: () => {
      stop = bus.consume(
        'events',
        'hub',
        async (m) => {
          if (onFirst) {
            onFirst();
            onFirst = undefined;
          }
          const list = seen.get(m.payload.session) ?? [];
          list.push(m.payload.seq);
          seen.set(m.payload.session, list);
          deliveries.count++;
          await bus.ack('events', 'hub', m.id);
        },
        { claimIdleMs: 0 },
      );
    },
    onLost: () => stop?.(),
  });
  return {
    lease,
    bus,
    /** SIGKILL-like: no release, no more renewals or reads. */
    die: async () => {
      stop?.();
      await lease.close({ release: false });
      await bus.close();
    },
  };
}

const producers = await Promise.all(
  Array.from({ length: HOSTS }, (_, h) =>
    RedisStreamBus.connect<Topics>({ url, consumer: `host${h}`, keyPrefix: 'bench:' }),
  ),
);
const first = await holder('host0');
const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};
await waitFor(() => first.lease.held !== undefined);

const total = HOSTS * SESSIONS_PER_HOST * CHUNKS_PER_SESSION;
const started = performance.now();
let second: Awaited<ReturnType<typeof holder>> | undefined;
await Promise.all(
  producers.map(async (bus, h) => {
    for (let seq = 0; seq < CHUNKS_PER_SESSION; seq++) {
      await Promise.all(
        Array.from({ length: SESSIONS_PER_HOST }, (_, s) =>
          bus.publish(
            'events',
            { session: `host${h}/s${s}`, seq, text: `chunk ${seq} of session ${s}: ${'x'.repeat(120)}` },
            { messageId: `host${h}/s${s}/${seq}` },
          ),
        ),
      );
      if (h === 0 && seq === Math.floor(CHUNKS_PER_SESSION / 2)) {
        // The holder dies mid-stream; another host is already waiting for the lease.
        holderDiedAt = performance.now();
        await first.die();
        second = await holder('host1', () => {
          firstAfterFailover = performance.now();
        });
      }
    }
  }),
);
await waitFor(() => deliveries.count >= total || performance.now() - started > 120_000);
await new Promise((r) => setTimeout(r, 500));
const streamMs = performance.now() - started;

let lost = 0;
let duplicated = 0;
for (let h = 0; h < HOSTS; h++) {
  for (let s = 0; s < SESSIONS_PER_HOST; s++) {
    const list = seen.get(`host${h}/s${s}`) ?? [];
    const unique = new Set(list);
    lost += CHUNKS_PER_SESSION - unique.size;
    duplicated += list.length - unique.size;
  }
}

// Direct in-process delivery of the same messages, for the ratio.
const directStart = performance.now();
const sink: unknown[] = [];
for (let i = 0; i < total; i++) {
  await Promise.resolve();
  sink.push(JSON.parse(JSON.stringify({ session: 's', seq: i, text: 'x'.repeat(160) })));
}
const directMs = performance.now() - directStart;

// ---------------------------------------------------------------- three hosts racing to settle

const setup = RedisStore.open({ url, keyPrefix: 'race:' });
for (let i = 0; i < REQUESTS; i++) {
  setup.putPending({
    requestId: `r${i}`,
    threadId: 't',
    platform: 'telegram',
    kind: 'approval',
    requestJson: '{}',
    cardJson: '[]',
    createdAt: i,
  });
}
const racers = ['laptop', 'desktop', 'cloud'].map((name) => race(name));
await Promise.all(racers.map((r) => r.ready));
const go = new Redis(url);
const multi = go.multi();
for (const name of ['laptop', 'desktop', 'cloud']) multi.rpush(`race:go:${name}`, '1');
await multi.exec();
go.disconnect();
const wins = await Promise.all(racers.map((r) => r.result));
const winners = new Map<string, number>();
for (const list of wins) for (const id of list) winners.set(id, (winners.get(id) ?? 0) + 1);
const decisionsLost = REQUESTS - winners.size;
const decisionsDuplicated = [...winners.values()].filter((n) => n > 1).length;
setup.close();

console.log(
  `multi-host: ${HOSTS} hosts × ${SESSIONS_PER_HOST} sessions × ${CHUNKS_PER_SESSION} output chunks = ${total} messages`,
);
console.log(
  `  streamed through Redis in ${(streamMs / 1000).toFixed(1)} s (${Math.round(total / (streamMs / 1000))} msg/s); direct in-process delivery ${directMs.toFixed(0)} ms: ratio ${(streamMs / directMs).toFixed(0)}x`,
);
console.log(
  `  failover: holder died → other host delivering again in ${((firstAfterFailover - holderDiedAt) / 1000).toFixed(2)} s (lease TTL ${TTL_MS / 1000} s)`,
);
console.log(`  messages lost: ${lost}, duplicated: ${duplicated}`);
console.log(
  `  ${REQUESTS} requests settled by 3 racing host processes: decisions lost ${decisionsLost}, duplicated ${decisionsDuplicated} (wins ${wins.map((w) => w.length).join(' / ')})`,
);

await second?.lease.close();
await second?.bus.close();
await Promise.all(producers.map((p) => p.close()));
await server.dispose();
process.exit(lost === 0 && duplicated === 0 && decisionsLost === 0 && decisionsDuplicated === 0 ? 0 : 1);

function race(host: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', 'test', 'redis', 'race-host.ts'),
      url,
      'race:',
      host,
      String(REQUESTS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const line = (n: number) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const lines = out.split('\n');
        if (lines.length > n) resolve(lines[n - 1]!);
      };
      child.stdout.on('data', check);
      check();
    });
  return { ready: line(1), result: line(2).then((l) => JSON.parse(l) as string[]) };
}
