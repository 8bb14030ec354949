/**
 * One {@link BridgeHarness} for every platform with a fake: the contract suites drive the fake through the
 * {@link FakePlatform} interface only (says, taps, visible, command prefix), so nothing in them depends on which
 * platform runs. A platform's contract file says how to open its fake and build its bridge, nothing else.
 */
import type { Bridge } from '../../src/core/bridge.js';
import type { Handlers } from '../../src/core/types.js';
import type { FakePlatform, FakePlatformPerson } from '../../src/testing/kit/fake-platform.js';
import { type BridgeHarness, describeBridgeContract } from './bridge-contract.js';
import { describeSecretMasking } from './secret-masking-contract.js';

/** A started fake and how to put a bridge on it. */
export interface OpenedPlatform {
  readonly fake: FakePlatform;
  /** A new bridge (not started) on the fake. */
  bridge(options: { handlers: Handlers; allowedUserIds: string[] }): Bridge;
  /** Stops whatever `open` started besides the fake. @defaultValue stops the fake */
  close?(): Promise<void>;
}

/** How to run the contract suites on one platform's fake. */
export interface FakePlatformSetup {
  /** An allowed person. */
  readonly owner: FakePlatformPerson;
  /** Someone on the platform who is not allowed. */
  readonly stranger: FakePlatformPerson;
  /** Starts a fake (with whatever chat/channel the bridge needs). */
  open(): Promise<OpenedPlatform>;
}

/** The contract harness for a {@link FakePlatform}. */
export function fakePlatformHarness(setup: FakePlatformSetup): BridgeHarness {
  let opened: OpenedPlatform | undefined;
  const current = (): OpenedPlatform => {
    if (!opened) throw new Error('contract harness: setup() first');
    return opened;
  };
  return {
    owner: setup.owner,
    stranger: setup.stranger,
    get commandPrefix() {
      return current().fake.commandPrefix;
    },
    async setup(options) {
      opened = await setup.open();
      const bridge = opened.bridge(options);
      await bridge.start();
      return bridge;
    },
    async says(threadId, text, who) {
      await current().fake.userSays(threadId, text, who);
    },
    async taps(threadId, label, who) {
      return current().fake.userTaps(threadId, label, who);
    },
    async visible(threadId) {
      // An attached file is read too: what it holds is what the person sees when they open it.
      return current()
        .fake.visible(threadId)
        .filter((m) => m.from === 'bot')
        .map((m) => ({ text: [m.text, ...m.files.map((f) => f.text)].join('\n'), buttons: [...m.buttons] }));
    },
    async teardown() {
      const closing = opened;
      opened = undefined;
      if (closing?.close) await closing.close();
      else await closing?.fake.stop();
    },
  };
}

/** Registers the bridge contract and the secret-masking suites for one platform's fake. */
export function describeFakePlatformContract(name: string, setup: FakePlatformSetup): void {
  const harness = fakePlatformHarness(setup);
  describeBridgeContract(name, harness);
  describeSecretMasking(name, harness);
}
