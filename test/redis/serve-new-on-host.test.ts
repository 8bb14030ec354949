/**
 * `/new <host>:<project> <prompt>` from the phone, with several hosts sharing one bot through Redis: the host
 * holding the bot asks the named host, which starts the session in a directory from its own config's `projects`
 * (never a path from the chat), audits it, and whose thread and cards then work like any other host's session.
 * A bare `/new <project>` starts on the holder when it has the project, else on the one host that has it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';
import { type FakeWorld, OWNER, STRANGER, say, startFake } from '../telegram/telegram-world.js';
import { type ServeHost, startServeHost } from './serve-hosts.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!available)('/new on another host', { timeout: 90_000 }, () => {
  const server = new RedisServerProcess();
  const root = mkdtempSync(join(tmpdir(), 'tether-new-on-host-'));
  let world: FakeWorld;
  let laptop: ServeHost;
  let desktop: ServeHost;

  const host = (name: string, projects: Record<string, string>) =>
    startServeHost(server.url, world, root, name, { projects });

  beforeAll(async () => {
    await server.start();
    world = await startFake();
    laptop = await host('laptop', { blog: join(root, 'laptop-blog') });
    await world.fake.waitFor(() => laptop.bridge.running && laptop.lease.held !== undefined, {
      what: 'the laptop to hold the bot',
      timeoutMs: 30_000,
    });
    desktop = await host('desktop', { shop: join(root, 'desktop-shop') });
    // Both heartbeats are in Redis (the first is written as the beacon starts, without waiting).
    for (let tries = 0; (await laptop.beacon.live()).length < 2; tries++) {
      if (tries > 300) throw new Error('the desktop never showed up in the hosts list');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    for (const h of [desktop, laptop]) await h?.close();
    await world.fake.stop();
    await server.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const general = () =>
    world.fake
      .topicMessages(world.chatId, undefined)
      .filter((m) => m.fromBot)
      .map((m) => m.text);
  const topicText = (name: string) => {
    const topic = world.fake.topics(world.chatId).find((t) => t.name === name);
    return topic
      ? world.fake
          .topicMessages(world.chatId, topic.id)
          .filter((m) => m.fromBot)
          .map((m) => m.text)
          .join('\n')
      : '';
  };
  async function reply(text: string, pattern: RegExp, who = OWNER): Promise<string> {
    const before = general().length;
    say(world, undefined, text, who);
    return world.fake.waitFor(
      () =>
        general()
          .slice(before)
          .find((t) => pattern.test(t)),
      {
        what: `the answer to ${text}`,
        timeoutMs: 30_000,
      },
    );
  }

  it('/new desktop:shop on the phone starts the session on the desktop; its card is answered there; both hosts audit it', async () => {
    await reply('/new desktop:shop fix the cart', /Started scripted in shop on desktop for olivia/);
    await world.fake.waitFor(() => /npm test/.test(topicText('shop: fix the cart')), {
      what: 'the desktop session asking to run npm test',
      timeoutMs: 30_000,
    });
    const session = laptop.serve.hub.list().find((s) => s.name === 'shop: fix the cart');
    expect(session).toMatchObject({ host: 'desktop', cwd: join(root, 'desktop-shop') });

    const topic = world.fake.topics(world.chatId).find((t) => t.name === 'shop: fix the cart')!;
    const card = world.fake
      .topicMessages(world.chatId, topic.id)
      .find((m) => m.fromBot && m.buttons.flat().includes('Allow'))!;
    const allow = card.buttonData.flat()[card.buttons.flat().indexOf('Allow')]!;
    await world.fake.userTapsData({
      chatId: world.chatId,
      messageId: card.messageId,
      data: allow,
      from: OWNER,
    });
    await world.fake.waitFor(() => /cart › empty cart is 0/.test(topicText('shop: fix the cart')), {
      what: 'the desktop runner going on after Allow',
      timeoutMs: 30_000,
    });
    expect(await reply('/sessions', /live session/)).toMatch(/shop: fix the cart.* on desktop/);

    const asked = laptop.store.listAudit({}).find((e) => e.action === 'session.new');
    expect(asked).toMatchObject({ platform: 'telegram', userId: String(OWNER.id) });
    expect(JSON.parse(asked!.detail!)).toMatchObject({ host: 'desktop', project: 'shop' });
    const started = desktop.own.listAudit({}).find((e) => e.action === 'session.new');
    expect(started).toMatchObject({ platform: 'telegram', userId: String(OWNER.id), userName: 'olivia' });
    expect(JSON.parse(started!.detail!)).toMatchObject({
      project: 'shop',
      runner: 'scripted',
      cwd: join(root, 'desktop-shop'),
      askedBy: 'laptop',
    });
  });

  it('names the live hosts for an unknown host, the host’s projects for an unknown project, and starts a bare project where it is', async () => {
    await reply('/new cloud:shop hi', /Unknown host "cloud"\. Live hosts: laptop, desktop\./);
    await reply('/new desktop:blog hi', /desktop has no project "blog"\. Its projects: shop\./);
    await reply('/new desktop:/etc rm -rf', /desktop has no project "\/etc"\. Its projects: shop\./);
    await reply('/new nope hi', /Unknown project "nope"\. Projects: blog on laptop; shop on desktop\./);
    await reply('/new desktop:shop hi', /not authorized/, STRANGER);
    await reply('/new blog write a post', /Started scripted in blog on laptop/);
    await reply('/new shop check the totals', /Started scripted in shop on desktop/);
    await world.fake.waitFor(() => topicText('shop: check the totals').length > 0, {
      what: 'the thread of the session started on the desktop',
      timeoutMs: 30_000,
    });
    const hosts = laptop.serve.hub.list().map((s) => `${s.name} @ ${s.host}`);
    expect(hosts).toEqual(
      expect.arrayContaining(['blog: write a post @ laptop', 'shop: check the totals @ desktop']),
    );
    expect(desktop.own.listAudit({}).filter((e) => e.action === 'session.new')).toHaveLength(2);
  });
});
