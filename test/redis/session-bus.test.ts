/**
 * serve's SessionBus on Redis, with several hosts: every host's sessions reach the hub wherever it runs, every
 * host sees the commands (and applies its own), and a hub taking over gets what its dead predecessor never
 * acknowledged.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionBus } from '../../src/redis/session-bus.js';
import type { SessionKey } from '../../src/serve/bus.js';
import { describeSessions } from '../../src/serve/phone-commands.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!available)('RedisSessionBus (serve --redis)', () => {
  const server = new RedisServerProcess();
  beforeAll(() => server.start().then(() => undefined));
  afterAll(() => server.dispose());
  let n = 0;
  const hosts = async (...names: string[]) => {
    const keyPrefix = `sb${++n}:`;
    return Promise.all(names.map((host) => RedisSessionBus.connect({ url: server.url, host, keyPrefix })));
  };
  const key = (id: string): SessionKey => ({ source: 'runner', id });

  it('sessions of every host reach the hub; commands reach every host', async () => {
    const [laptop, desktop, cloud] = await hosts('laptop', 'desktop', 'cloud');
    const hubSaw: string[] = [];
    let openedOn: string | undefined;
    desktop!.consume('events', 'hub', async (m) => {
      hubSaw.push(`${m.payload.key.id}:${m.payload.event.type}`);
      if (m.payload.event.type === 'open') openedOn = m.payload.event.host;
      await desktop!.ack('events', 'hub', m.id);
    });
    const commandsSeen: string[] = [];
    for (const bus of [laptop!, desktop!, cloud!]) {
      bus.consume('commands', 'runner-sessions', async (m) => {
        commandsSeen.push(`${bus.host} got ${m.payload.command.type} for ${m.payload.key.id}`);
        await bus.ack('commands', 'runner-sessions', m.id);
      });
    }
    await new Promise((r) => setTimeout(r, 500)); // the command groups start at what comes after they joined
    await laptop!.publish('events', {
      key: key('on-laptop'),
      event: { type: 'open', name: 'repo', runnerType: 'x' },
    });
    await cloud!.publish('events', { key: key('on-cloud'), event: { type: 'output', text: 'hi' } });
    await until(() => hubSaw.length === 2, 'the hub to see both');
    expect(hubSaw.sort()).toEqual(['on-cloud:output', 'on-laptop:open']);
    // The hub learns where a session runs: `/sessions` names the host.
    expect(openedOn).toBe('laptop');
    const listed = describeSessions(
      [
        {
          source: 'runner',
          id: 'on-laptop',
          name: 'repo',
          runnerType: 'x',
          host: openedOn!,
          state: 'idle',
          ageMs: 5000,
          threads: [],
        },
      ],
      'telegram',
    );
    expect(listed).toContain('**repo** — 💤 idle, 5 s (x) on laptop');

    await desktop!.publish('commands', { key: key('on-cloud'), command: { type: 'input', text: 'go on' } });
    await until(() => commandsSeen.length === 3, 'every host to see the command');
    expect(commandsSeen.sort()).toEqual([
      'cloud got input for on-cloud',
      'desktop got input for on-cloud',
      'laptop got input for on-cloud',
    ]);
    await Promise.all([laptop!.close(), desktop!.close(), cloud!.close()]);
  });

  it('a hub taking over gets the events its dead predecessor was given but never handled', async () => {
    const [laptop, desktop, source] = await hosts('laptop', 'desktop', 'source');
    const laptopSaw: string[] = [];
    laptop!.consume('events', 'hub', (m) => {
      laptopSaw.push(m.payload.event.type); // dies before acknowledging
    });
    await source!.publish('events', { key: key('s'), event: { type: 'output', text: 'first' } });
    await source!.publish('events', { key: key('s'), event: { type: 'idle' } });
    await until(() => laptopSaw.length === 2, 'the laptop to be given both');
    await laptop!.close();

    const desktopSaw: string[] = [];
    desktop!.consume('events', 'hub', async (m) => {
      desktopSaw.push(m.payload.event.type);
      await desktop!.ack('events', 'hub', m.id);
    });
    await source!.publish('events', { key: key('s'), event: { type: 'working' } });
    await until(() => desktopSaw.length === 3, 'the desktop to get all three');
    expect(desktopSaw).toEqual(['output', 'idle', 'working']);
    await Promise.all([desktop!.close(), source!.close()]);
  });
});
