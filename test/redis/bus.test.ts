/**
 * RedisStreamBus against a real redis-server: order, acknowledgement, replay after a crash, takeover of a dead
 * consumer's messages, deduplication of retried publishes, and a Redis restart in the middle of a stream.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStreamBus, type StreamMessage } from '../../src/redis/bus.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

type Topics = { events: { n: number } };

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!available)('RedisStreamBus', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());
  let n = 0;
  const connect = (consumer: string, keyPrefix: string) =>
    RedisStreamBus.connect<Topics>({ url: server.url, consumer, keyPrefix });

  it('delivers messages in order to each group, and acknowledged ones are done', async () => {
    const prefix = `order${++n}:`;
    const bus = await connect('laptop', prefix);
    for (let i = 1; i <= 5; i++) await bus.publish('events', { n: i });
    const hub: number[] = [];
    const audit: number[] = [];
    bus.consume('events', 'hub', async (m) => {
      hub.push(m.payload.n);
      await bus.ack('events', 'hub', m.id);
    });
    bus.consume('events', 'audit', async (m) => {
      audit.push(m.payload.n);
      await bus.ack('events', 'audit', m.id);
    });
    await bus.publish('events', { n: 6 });
    await until(() => hub.length === 6 && audit.length === 6, 'both groups');
    expect(hub).toEqual([1, 2, 3, 4, 5, 6]);
    expect(audit).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await bus.pending('events', 'hub')).toBe(0);
    await bus.close();
  });

  it('a consumer that crashed before acknowledging gets its messages again when it comes back', async () => {
    const prefix = `replay${++n}:`;
    const first = await connect('laptop', prefix);
    for (let i = 1; i <= 3; i++) await first.publish('events', { n: i });
    const seen: number[] = [];
    first.consume('events', 'hub', async (m) => {
      seen.push(m.payload.n);
      if (m.payload.n === 1) await first.ack('events', 'hub', m.id);
    });
    await until(() => seen.length === 3, 'first delivery');
    await first.close(); // "crash": 2 and 3 were never acknowledged

    const again = await connect('laptop', prefix);
    const replayed: number[] = [];
    again.consume('events', 'hub', async (m) => {
      replayed.push(m.payload.n);
      await again.ack('events', 'hub', m.id);
    });
    await again.publish('events', { n: 4 });
    await until(() => replayed.length === 3, 'replay');
    expect(replayed).toEqual([2, 3, 4]);
    expect(await again.pending('events', 'hub')).toBe(0);
    await again.close();
  });

  it('a host taking over a group also takes the messages its dead predecessor never acknowledged', async () => {
    const prefix = `claim${++n}:`;
    const dead = await connect('laptop', prefix);
    for (let i = 1; i <= 3; i++) await dead.publish('events', { n: i });
    const got: number[] = [];
    dead.consume('events', 'hub', (m) => {
      got.push(m.payload.n);
    });
    await until(() => got.length === 3, 'delivery to the host that dies');
    await dead.close();

    const heir = await connect('desktop', prefix);
    const taken: number[] = [];
    heir.consume(
      'events',
      'hub',
      async (m) => {
        taken.push(m.payload.n);
        await heir.ack('events', 'hub', m.id);
      },
      { claimIdleMs: 0 },
    );
    await until(() => taken.length === 3, 'takeover');
    expect(taken).toEqual([1, 2, 3]);
    await heir.close();
  });

  it('a publish retried with the same message id is delivered once', async () => {
    const prefix = `dedupe${++n}:`;
    const bus = await connect('laptop', prefix);
    const a = await bus.publish('events', { n: 1 }, { messageId: 'session-7:output:41' });
    const b = await bus.publish('events', { n: 1 }, { messageId: 'session-7:output:41' });
    await bus.publish('events', { n: 2 }, { messageId: 'session-7:output:42' });
    expect(b).toBe(a);
    const seen: StreamMessage<{ n: number }>[] = [];
    bus.consume('events', 'hub', (m) => {
      seen.push(m);
    });
    await until(() => seen.length >= 2, 'delivery');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((m) => m.payload.n)).toEqual([1, 2]);
    await bus.close();
  });

  it('what every group acknowledged is trimmed; what one group still holds stays', async () => {
    const prefix = `trim${++n}:`;
    const bus = await RedisStreamBus.connect<Topics>({
      url: server.url,
      consumer: 'holder',
      keyPrefix: prefix,
      trimEveryMs: 0,
    });
    const redis = new Redis(server.url);
    const length = () => redis.xlen(bus.streamKey('events'));
    const slow: StreamMessage<{ n: number }>[] = [];
    let hub = 0;
    bus.consume('events', 'hub', async (m) => {
      hub++;
      await bus.ack('events', 'hub', m.id);
    });
    bus.consume('events', 'audit', async (m) => {
      slow.push(m);
      if (m.payload.n !== 3) await bus.ack('events', 'audit', m.id);
    });
    for (let i = 1; i <= 10; i++) await bus.publish('events', { n: i });
    await until(() => hub === 10 && slow.length === 10, 'both groups');
    // 'audit' never acknowledged 3: 3 and everything after it stay.
    await until(() => bus.trimmed === 2, 'the trim');
    expect(await length()).toBe(8);
    await bus.ack('events', 'audit', slow[2]!.id);
    // Both groups are done: only the last entry delivered stays (it marks where the groups are).
    await until(() => bus.trimmed === 9, 'the second trim');
    expect(await length()).toBe(1);
    redis.disconnect();
    await bus.close();
  });

  it('survives a Redis restart mid-stream: nothing lost, nothing twice', async () => {
    const prefix = `restart${++n}:`;
    const producer = await connect('agent-host', prefix);
    const consumer = await connect('holder', prefix);
    const seen: number[] = [];
    consumer.consume('events', 'hub', async (m) => {
      seen.push(m.payload.n);
      await consumer.ack('events', 'hub', m.id);
    });
    for (let i = 1; i <= 5; i++) await producer.publish('events', { n: i }, { messageId: `m${i}` });
    await until(() => seen.length === 5, 'before the restart');
    await server.restart();
    for (let i = 6; i <= 10; i++) await producer.publish('events', { n: i }, { messageId: `m${i}` });
    await until(() => seen.length >= 10, 'after the restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await producer.close();
    await consumer.close();
  });
});
