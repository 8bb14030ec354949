import { type BridgeHarness, describeBridgeContract } from '../contract/bridge-contract.js';
import { describeSecretMasking } from '../contract/secret-masking-contract.js';
import { type DiscordWorld, openWorld, owner, stranger, visibleBotMessages } from './discord-harness.js';

let world: DiscordWorld | undefined;

function current(): DiscordWorld {
  if (!world) throw new Error('no world: setup() first');
  return world;
}

const harness: BridgeHarness = {
  commandPrefix: '!',
  owner: { id: owner.id, name: owner.username },
  stranger: { id: stranger.id, name: stranger.username },
  async setup({ handlers, allowedUserIds }) {
    world = await openWorld();
    const bridge = world.bridge({ handlers, allowedUserIds });
    await bridge.start();
    return bridge;
  },
  async says(threadId, text, who) {
    current().fake.userSays({
      channelId: threadId,
      author: { id: who.id, username: who.name },
      content: text,
    });
  },
  async taps(threadId, label, who) {
    const { fake } = current();
    const message = await fake.waitFor(
      () =>
        visibleBotMessages(fake, threadId)
          .reverse()
          .find((m) => m.components.flat().some((b) => b.label === label)),
      { what: `button ${label}` },
    );
    const outcome = await fake.userClicks({
      channelId: threadId,
      messageId: message.id,
      label,
      user: { id: who.id, username: who.name },
    });
    return outcome.kind === 'reply' || outcome.kind === 'thinking' ? outcome.message.content : undefined;
  },
  async visible(threadId) {
    return visibleBotMessages(current().fake, threadId).map((m) => ({
      text: [m.content, ...m.attachments.map((f) => f.content.toString('utf8'))].join('\n'),
      buttons: m.components.flat().map((b) => b.label ?? ''),
    }));
  },
  async teardown() {
    await world?.close();
    world = undefined;
  },
};

describeBridgeContract('discord', harness);
describeSecretMasking('discord', harness);
