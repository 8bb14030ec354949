import { describeFakePlatformContract } from '../contract/fake-platform-harness.js';
import { SlackFixture } from './slack-fixture.js';

describeFakePlatformContract('slack', {
  owner: { id: 'U0OWNER', name: 'owner' },
  stranger: { id: 'U0STRANGER', name: 'stranger' },
  async open() {
    const fixture = await new SlackFixture().start();
    return { fake: fixture.fake, bridge: (options) => fixture.bridge(options), close: () => fixture.stop() };
  },
});
