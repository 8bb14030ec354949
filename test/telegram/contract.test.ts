import { describeFakePlatformContract } from '../contract/fake-platform-harness.js';
import { bridgeOn, startFake } from './telegram-world.js';

describeFakePlatformContract('telegram', {
  owner: { id: '1001', name: 'olivia' },
  stranger: { id: '6666', name: 'mallory' },
  async open() {
    const world = await startFake();
    return { fake: world.fake, bridge: (options) => bridgeOn(world, options) };
  },
});
