/**
 * Test support: a {@link DiscordBridge} wired to a {@link FakeDiscordServer}, and a person's side that finds
 * buttons by label and reads what a person sees.
 */

import { MemoryStore } from '../../src/core/store/memory.js';
import type { Store } from '../../src/core/store/types.js';
import type { Handlers } from '../../src/core/types.js';
import type { FakeClickOutcome, FakeMessageView, FakePerson } from '../../src/discord/fake/index.js';
import { FakeDiscordServer } from '../../src/discord/fake/index.js';
import { DiscordBridge, type DiscordBridgeConfig } from '../../src/discord/index.js';

/** The owner in tests. */
export const owner: FakePerson = { id: '3000000000000000001', username: 'olivia' };
/** A stranger in tests. */
export const stranger: FakePerson = { id: '3000000000000000009', username: 'mallory' };

/** A running fake with a control channel. */
export interface DiscordWorld {
  fake: FakeDiscordServer;
  channelId: string;
  store: Store;
  bridges: DiscordBridge[];
  /** Builds (not starts) a bridge pointed at the fake, sharing the world's store. */
  bridge(
    options?: Partial<DiscordBridgeConfig> & { handlers?: Handlers; withoutChannel?: boolean },
  ): DiscordBridge;
  close(): Promise<void>;
}

/** Starts a fake Discord with one text channel `agents`. */
export async function openWorld(options: { timeScale?: number } = {}): Promise<DiscordWorld> {
  const fake = new FakeDiscordServer({ timeScale: options.timeScale ?? 0.3, heartbeatIntervalMs: 1000 });
  await fake.start();
  const channelId = fake.createTextChannel({ name: 'agents' });
  const store = new MemoryStore();
  const world: DiscordWorld = {
    fake,
    channelId,
    store,
    bridges: [],
    bridge({ withoutChannel, ...extra } = {}) {
      const bridge = new DiscordBridge({
        token: fake.token,
        api: fake.apiUrl,
        fastIdentify: true,
        ...(withoutChannel ? {} : { channelId }),
        store,
        allowedUserIds: [owner.id],
        rateLimits: { perChannel: { count: 50, windowMs: 1000 } },
        interactionReplyMs: 400,
        ...extra,
      });
      world.bridges.push(bridge);
      return bridge;
    },
    async close() {
      await Promise.allSettled(world.bridges.map((b) => b.stop()));
      await fake.stop();
    },
  };
  return world;
}

/** What a person sees of the bot's messages in a channel (ephemeral answers and deleted messages left out). */
export function visibleBotMessages(fake: FakeDiscordServer, channelId: string): FakeMessageView[] {
  return fake.channelMessages(channelId).filter((m) => m.authorIsBot && !m.ephemeral && !m.deleted);
}

/** The newest message in a channel with a button of this label. */
export function messageWithButton(
  fake: FakeDiscordServer,
  channelId: string,
  label: string,
): FakeMessageView | undefined {
  return visibleBotMessages(fake, channelId)
    .reverse()
    .find((m) => m.components.flat().some((b) => b.label === label));
}

/** A person clicks the newest button with this label. */
export async function click(
  fake: FakeDiscordServer,
  channelId: string,
  label: string,
  user: FakePerson,
): Promise<FakeClickOutcome> {
  const message = await fake.waitFor(() => messageWithButton(fake, channelId, label), {
    what: `a button "${label}" in ${channelId}`,
  });
  return fake.userClicks({ channelId, messageId: message.id, label, user });
}

/** The text of every bot message in a channel, joined. */
export function channelText(fake: FakeDiscordServer, channelId: string): string {
  return visibleBotMessages(fake, channelId)
    .map((m) => m.content)
    .join('\n');
}
