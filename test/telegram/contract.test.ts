import { type BridgeHarness, describeBridgeContract } from '../contract/bridge-contract.js';
import { describeSecretMasking } from '../contract/secret-masking-contract.js';
import { botMessages, bridgeOn, type FakeWorld, say, startFake, tap } from './telegram-world.js';

let world: FakeWorld | undefined;

function current(): FakeWorld {
  if (!world) throw new Error('setup() first');
  return world;
}

const person = (who: { id: string; name: string }) => ({
  id: Number(who.id),
  first_name: who.name,
  username: who.name,
});

const harness: BridgeHarness = {
  commandPrefix: '/',
  owner: { id: '1001', name: 'olivia' },
  stranger: { id: '6666', name: 'mallory' },
  async setup(options) {
    world = await startFake();
    const bridge = bridgeOn(world, options);
    await bridge.start();
    return bridge;
  },
  async says(threadId, text, who) {
    say(current(), threadId, text, person(who));
  },
  async taps(threadId, label, who) {
    return (await tap(current(), threadId, label, person(who)))?.text;
  },
  async visible(threadId) {
    // An uploaded file is read too: what it holds is what the person sees when they open it.
    return botMessages(current(), threadId).map((m) => ({
      text: [m.text, m.document?.content.toString('utf8') ?? ''].join('\n'),
      buttons: m.buttons.flat(),
    }));
  },
  async teardown() {
    await world?.fake.stop();
    world = undefined;
  },
};

describeBridgeContract('telegram', harness);
describeSecretMasking('telegram', harness);
