import type { SlackBridge } from '../../src/slack/index.js';
import { type BridgeHarness, describeBridgeContract } from '../contract/bridge-contract.js';
import { describeSecretMasking } from '../contract/secret-masking-contract.js';
import { SlackFixture } from './slack-fixture.js';

let fixture: SlackFixture | undefined;
let bridge: SlackBridge | undefined;

function current(): { fixture: SlackFixture; bridge: SlackBridge } {
  if (!fixture || !bridge) throw new Error('setup() first');
  return { fixture, bridge };
}

const harness: BridgeHarness = {
  commandPrefix: '!',
  owner: { id: 'U0OWNER', name: 'owner' },
  stranger: { id: 'U0STRANGER', name: 'stranger' },
  async setup({ handlers, allowedUserIds }) {
    fixture = await new SlackFixture().start();
    bridge = await fixture.started({ handlers, allowedUserIds });
    return bridge;
  },
  async says(threadId, text, who) {
    const { fixture, bridge } = current();
    await fixture.says(bridge, who.id, text, threadId);
  },
  async taps(threadId, label, who) {
    const { fixture, bridge } = current();
    return fixture.clicks(bridge, who.id, threadId, label);
  },
  async visible(threadId) {
    const { fixture } = current();
    return fixture.botMessages(threadId).map((m) => ({
      text: [m.text, ...m.files.map((f) => f.content.toString('utf8'))].join('\n'),
      buttons: m.buttons.map((b) => b.text),
    }));
  },
  async teardown() {
    await fixture?.stop();
    fixture = undefined;
    bridge = undefined;
  },
};

describeBridgeContract('slack', harness);
describeSecretMasking('slack', harness);
