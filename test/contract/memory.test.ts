import { MemoryBridge } from '../../src/core/memory-bridge.js';
import { type BridgeHarness, describeBridgeContract } from './bridge-contract.js';
import { describeSecretMasking } from './secret-masking-contract.js';

let current: MemoryBridge | undefined;

const harness: BridgeHarness = {
  commandPrefix: '/',
  owner: { id: 'owner-1', name: 'olivia' },
  stranger: { id: 'stranger-9', name: 'mallory' },
  async setup(options) {
    current = new MemoryBridge(options);
    await current.start();
    return current;
  },
  async says(threadId, text, who) {
    await current?.userSays(threadId, text, { ...who, platform: 'memory' });
  },
  async taps(threadId, label, who) {
    return (await current?.userTaps(threadId, label, { ...who, platform: 'memory' }))?.text;
  },
  async visible(threadId) {
    return (current?.messages(threadId) ?? [])
      .filter((m) => !m.fromUser)
      .map((m) => ({ text: m.text, buttons: m.buttons.flat() }));
  },
  async teardown() {
    current = undefined;
  },
};

describeBridgeContract('memory', harness);
describeSecretMasking('memory', harness);
