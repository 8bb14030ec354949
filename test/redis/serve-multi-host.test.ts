/**
 * `serve` on several hosts sharing one bot through Redis (what `serve --redis` composes): the host holding the
 * lease shows every host's sessions; when it dies, another host takes the bot over, the session keeps its thread,
 * and its output continues there — nothing lost, nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionKey } from '../../src/serve/bus.js';
import type { VisibleMessage } from '../../src/telegram/fake/index.js';
import { hasRedisServer, NO_REDIS_MESSAGE, RedisServerProcess } from '../support/redis-server.js';
import { type FakeWorld, OWNER, startFake } from '../telegram/telegram-world.js';
import { type ServeHost, type ServeHostOptions, startServeHost } from './serve-hosts.js';

const available = hasRedisServer();
if (!available) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!available)('serve on several hosts, one bot', () => {
  const server = new RedisServerProcess();
  const root = mkdtempSync(join(tmpdir(), 'tether-multi-'));
  let world: FakeWorld;
  beforeAll(async () => {
    await server.start();
    world = await startFake();
  });
  afterAll(async () => {
    await world.fake.stop();
    await server.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const host = (name: string, options: ServeHostOptions = {}) =>
    startServeHost(server.url, world, root, name, options);

  /** The decisions a host's sessions receive (`<request id>: <behavior>`), as its session sources would. */
  async function decisionsAt(h: ServeHost): Promise<string[]> {
    const decisions: string[] = [];
    h.bus.consume('commands', 'test-source', async (m) => {
      const { command } = m.payload;
      if (command.type === 'decision') decisions.push(`${command.requestId}: ${command.decision.behavior}`);
      await h.bus.ack('commands', 'test-source', m.id);
    });
    await new Promise((r) => setTimeout(r, 300));
    return decisions;
  }

  /** Olivia taps Allow on `card`, then again: the request is allowed once, and the second tap is told so. */
  async function allowedOnce(card: VisibleMessage, decisions: string[], requestId: string): Promise<void> {
    const allow = card.buttonData.flat()[card.buttons.flat().indexOf('Allow')]!;
    const tapAs = () =>
      world.fake.userTapsData({ chatId: world.chatId, messageId: card.messageId, data: allow, from: OWNER });
    expect((await tapAs())?.text).toMatch(/allow/i);
    await world.fake.waitFor(() => decisions.length === 1, {
      what: 'the decision at the session’s host',
      timeoutMs: 30_000,
    });
    expect((await tapAs())?.text).toMatch(/already/i);
    await new Promise((r) => setTimeout(r, 500));
    expect(decisions).toEqual([`${requestId}: allow`]);
  }

  /** `dead` dies (it stops reading the bus, renewing the lease and polling); `heir` takes the bot over. */
  async function takenOver(dead: ServeHost, heir: ServeHost): Promise<void> {
    await dead.bus.close();
    await dead.lease.close({ release: false });
    await dead.bridge.stop();
    await world.fake.waitFor(() => heir.lease.held !== undefined && heir.bridge.running, {
      what: `${heir.name} to take the bot over`,
      timeoutMs: 30_000,
    });
  }

  const topicText = (name: string) => {
    const topic = world.fake.topics(world.chatId).find((t) => t.name === name);
    if (!topic) return [];
    return world.fake
      .topicMessages(world.chatId, topic.id)
      .filter((m) => m.fromBot)
      .map((m) => m.text);
  };

  it('the holder shows every host’s session; it dies mid-approval; another host takes over, the tap on the old card reaches the agent once, and the thread carries on', async () => {
    const laptop = await host('laptop');
    await world.fake.waitFor(() => laptop.bridge.running && laptop.lease.held !== undefined, {
      what: 'the laptop to hold the bot',
      timeoutMs: 30_000,
    });
    const desktop = await host('desktop');
    const session: SessionKey = { source: 'runner', id: 'desktop-session-1' };
    // A session running on the desktop reports through the bus, as its runner source does.
    await desktop.bus.publish('events', {
      key: session,
      event: { type: 'open', name: 'desktop repo', runnerType: 'subprocess' },
    });
    await desktop.bus.publish('events', {
      key: session,
      event: { type: 'output', text: 'hello from the desktop' },
    });
    await world.fake.waitFor(
      () => topicText('desktop repo').some((t) => t.includes('hello from the desktop')),
      {
        what: 'the desktop session in Telegram, shown by the laptop',
        timeoutMs: 30_000,
      },
    );

    // The desktop's agent asks to run a command; the laptop shows the card.
    const decisions = await decisionsAt(desktop);
    await desktop.bus.publish('events', {
      key: session,
      event: {
        type: 'permission',
        request: { requestId: 'perm-1', toolName: 'Bash', toolInput: { command: 'npm publish' } },
      },
    });
    const topicId = () => world.fake.topics(world.chatId).find((t) => t.name === 'desktop repo')!.id;
    const card = await world.fake.waitFor(
      () =>
        world.fake
          .topicMessages(world.chatId, topicId())
          .find((m) => m.fromBot && m.buttons.flat().includes('Allow')),
      { what: 'the card, shown by the laptop', timeoutMs: 30_000 },
    );
    // A second request, which the desktop's agent will settle by itself after the failover.
    await desktop.bus.publish('events', {
      key: session,
      event: {
        type: 'permission',
        request: { requestId: 'perm-2', toolName: 'Bash', toolInput: { command: 'git push' } },
      },
    });
    const second = await world.fake.waitFor(
      () =>
        world.fake
          .topicMessages(world.chatId, topicId())
          .find((m) => m.fromBot && m.text.includes('git push') && m.buttons.flat().includes('Allow')),
      { what: 'the second card', timeoutMs: 30_000 },
    );
    await world.fake.waitFor(() => desktop.store.listPending().every((p) => p.cardJson !== '[]'), {
      what: 'both cards recorded',
      timeoutMs: 30_000,
    });

    // The laptop dies mid-approval: it stops reading the bus and renewing the lease, and its poll ends.
    await takenOver(laptop, desktop);
    // The person taps Allow on the card the dead laptop posted: the desktop's agent gets it, once.
    await allowedOnce(card, decisions, 'perm-1');
    // The agent settles the second request itself (answered in its terminal): the card the dead laptop posted
    // says so and loses its buttons; nothing is sent back.
    await desktop.bus.publish('events', {
      key: session,
      event: { type: 'withdrawn', requestId: 'perm-2', note: 'Answered in the terminal' },
    });
    await world.fake.waitFor(
      () => {
        const now = world.fake
          .topicMessages(world.chatId, topicId())
          .find((m) => m.messageId === second.messageId);
        return now && now.buttons.length === 0 && now.text.includes('Answered in the terminal');
      },
      { what: 'the second card withdrawn', timeoutMs: 20_000 },
    );
    expect(decisions).toEqual(['perm-1: allow']);

    await desktop.bus.publish('events', {
      key: session,
      event: { type: 'output', text: 'after the failover' },
    });
    await world.fake.waitFor(() => topicText('desktop repo').some((t) => t.includes('after the failover')), {
      what: 'the output after the failover, in the same thread',
      timeoutMs: 30_000,
    });
    const text = topicText('desktop repo').join('\n');
    expect(text.split('hello from the desktop')).toHaveLength(2);
    expect(text.split('after the failover')).toHaveLength(2);
    expect(world.fake.topics(world.chatId).filter((t) => t.name === 'desktop repo')).toHaveLength(1);

    await desktop.close();
    await laptop.close();
  });

  it('the holder dies after posting a card but before recording it: the host that takes over shows the card again, and the tap reaches the agent once', async () => {
    const keyPrefix = 'unrecorded-card:';
    let laptopDead = false;
    const laptop = await host('laptop', { keyPrefix, dead: () => laptopDead });
    await world.fake.waitFor(() => laptop.bridge.running && laptop.lease.held !== undefined, {
      what: 'the laptop to hold the bot',
      timeoutMs: 30_000,
    });
    const desktop = await host('desktop', { keyPrefix });
    const session: SessionKey = { source: 'runner', id: 'desktop-session-2' };
    await desktop.bus.publish('events', {
      key: session,
      event: { type: 'open', name: 'desktop build', runnerType: 'subprocess' },
    });
    await desktop.bus.publish('events', { key: session, event: { type: 'output', text: 'building' } });
    await world.fake.waitFor(() => topicText('desktop build').some((t) => t.includes('building')), {
      what: 'the desktop session in Telegram',
      timeoutMs: 30_000,
    });
    const decisions = await decisionsAt(desktop);

    // Telegram takes its time with the card: the laptop has recorded the request and sent the card, but has not
    // heard the card's message id back when it dies.
    world.fake.inject({ method: 'sendMessage', kind: 'delay', ms: 60_000 });
    const permission = {
      type: 'permission',
      request: { requestId: 'perm-7', toolName: 'Bash', toolInput: { command: 'make release' } },
    } as const;
    await desktop.bus.publish('events', { key: session, event: permission });
    await world.fake.waitFor(() => desktop.store.listPending().length > 0, {
      what: 'the request recorded by the laptop',
      timeoutMs: 30_000,
    });
    laptopDead = true;
    await takenOver(laptop, desktop);
    const topicId = () => world.fake.topics(world.chatId).find((t) => t.name === 'desktop build')!.id;
    const card = await world.fake.waitFor(
      () =>
        world.fake
          .topicMessages(world.chatId, topicId())
          .find((m) => m.fromBot && m.buttons.flat().includes('Allow')),
      { what: 'the card, shown again by the desktop', timeoutMs: 20_000 },
    );
    expect(card.text).toContain('make release');
    // Had the laptop died before acknowledging the request's event, the desktop would read it again: it is the
    // request already shown, not a second one.
    await desktop.bus.publish('events', { key: session, event: permission });
    await new Promise((r) => setTimeout(r, 500));
    const cards = world.fake
      .topicMessages(world.chatId, topicId())
      .filter((m) => m.fromBot && m.buttons.flat().includes('Allow'));
    expect(cards).toHaveLength(1);
    await allowedOnce(card, decisions, 'perm-7');

    await desktop.close();
    await laptop.close();
  });
});
