/**
 * One {@link BridgeHarness} for every platform with a fake: the contract suites drive the fake through the
 * {@link FakePlatform} interface only (says, taps, visible, command prefix), so nothing in them depends on which
 * platform runs. A platform's contract file says how to open its fake and build its bridge, nothing else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/core/bridge.js';
import type { Handlers } from '../../src/core/types.js';
import type { FakePlatform, FakePlatformPerson } from '../../src/testing/kit/fake-platform.js';
import { type BridgeHarness, describeBridgeContract, eventually } from './bridge-contract.js';
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
  describeFakePlatform(name, setup);
}

/** What only the `FakePlatform` API offers beyond the harness: a tap on a given message, and what it shows. */
function describeFakePlatform(name: string, setup: FakePlatformSetup): void {
  describe(`fake platform: ${name}`, () => {
    let opened: OpenedPlatform | undefined;
    let bridge: Bridge | undefined;

    afterEach(async () => {
      await bridge?.stop();
      if (opened?.close) await opened.close();
      else await opened?.fake.stop();
      opened = undefined;
      bridge = undefined;
    });

    it('a tap on an older card (by its message id) answers that card; the newest is still open', async () => {
      opened = await setup.open();
      bridge = opened.bridge({ handlers: {}, allowedUserIds: [setup.owner.id] });
      await bridge.start();
      const { fake } = opened;
      const thread = await bridge.createThread('Two cards');
      const first = bridge.requestApproval(thread, { toolName: 'Bash', input: { command: 'npm run first' } });
      const second = bridge.requestApproval(thread, {
        toolName: 'Bash',
        input: { command: 'npm run second' },
      });
      const cards = () => fake.visible(thread).filter((m) => m.from === 'bot' && m.buttons.includes('Allow'));
      await eventually(() => expect(cards()).toHaveLength(2));
      const older = cards().find((m) => m.text.includes('npm run first'));
      expect(older?.id).toBeTruthy();
      await fake.userTaps({ thread, message: older?.id ?? '' }, 'Allow', setup.owner);
      expect((await first).behavior).toBe('allow');
      await eventually(() => expect(cards().map((m) => m.text.includes('npm run second'))).toEqual([true]));
      await fake.userTaps(thread, 'Deny', setup.owner);
      expect((await second).behavior).toBe('deny');
      const said = fake
        .visible(thread)
        .filter((m) => m.from === 'bot')
        .map((m) => m.text)
        .join('\n');
      expect(said).toMatch(/npm run first[\s\S]*Allowed/);
    });
  });
}
