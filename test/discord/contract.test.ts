import { describeFakePlatformContract } from '../contract/fake-platform-harness.js';
import { openWorld, owner, stranger } from './discord-harness.js';

describeFakePlatformContract('discord', {
  owner: { id: owner.id, name: owner.username },
  stranger: { id: stranger.id, name: stranger.username },
  async open() {
    const world = await openWorld();
    return { fake: world.fake, bridge: (options) => world.bridge(options), close: () => world.close() };
  },
});
