/**
 * Shared set-up of the Telegram bridge tests: a FakeTelegramServer with a forum group, bridges pointed at it,
 * the people who act, and the person's gestures (write, tap a button found by its label).
 */
import { MemoryStore } from '../../src/core/store/memory.js';
import type { Clock } from '../../src/core/types.js';
import {
  type FakePerson,
  FakeTelegramServer,
  type FakeTelegramServerOptions,
  type VisibleMessage,
} from '../../src/telegram/fake/index.js';
import { TelegramBridge, type TelegramBridgeConfig } from '../../src/telegram/index.js';
import { ScaledClock } from '../../src/testing/kit/scaled-clock.js';

/** The group owner, allowed by default. */
export const OWNER: FakePerson = { id: 1001, first_name: 'Olivia', username: 'olivia' };
/** Somebody in the group who is not allowed. */
export const STRANGER: FakePerson = { id: 6666, first_name: 'Mallory', username: 'mallory' };
/** A second allowed person (no username: shown by first name). */
export const SECOND: FakePerson = { id: 2002, first_name: 'Sam' };

/** A running fake with one forum group. */
export interface FakeWorld {
  readonly fake: FakeTelegramServer;
  readonly chatId: number;
  readonly apiRoot: string;
}

/** Start a fake (no flood limits unless given) with a forum group "Agents". */
export async function startFake(options: FakeTelegramServerOptions = {}): Promise<FakeWorld> {
  const fake = new FakeTelegramServer({ rateLimits: false, ...options });
  const apiRoot = await fake.start();
  const chatId = fake.createForumGroup({ title: 'Agents' });
  return { fake, chatId, apiRoot };
}

/**
 * How fast a bridge's clock runs by default in these tests: 10 times real time, so the bridge's own pacing
 * (one message a second to a group) does not make every test wait seconds. Its `clockScale` says so, so
 * Telegram's `retry_after` seconds still mean real seconds. A test that gives its own `clock` keeps it.
 */
export const TEST_CLOCK_SCALE = 0.1;

/** A clock running `1 / timeScale` times faster than real time (to match a fake with the same `timeScale`). */
export { ScaledClock };

/** A bridge on the fake: in-memory store, OWNER allowed, short long-poll timeout, a fast clock. */
export function bridgeOn(world: FakeWorld, config: Partial<TelegramBridgeConfig> = {}): TelegramBridge {
  const fastClock =
    config.clock === undefined
      ? { clock: new ScaledClock(TEST_CLOCK_SCALE), clockScale: TEST_CLOCK_SCALE }
      : {};
  return new TelegramBridge({
    token: world.fake.token,
    forumGroupId: world.chatId,
    apiRoot: world.apiRoot,
    store: new MemoryStore(),
    allowedUserIds: [OWNER.id],
    pollingTimeoutSeconds: 5,
    ...fastClock,
    ...config,
  });
}

/** Bot messages of a thread (a topic), oldest first, deleted ones left out. */
export function botMessages(world: FakeWorld, threadId: string | undefined): VisibleMessage[] {
  return world.fake
    .topicMessages(world.chatId, threadId === undefined ? undefined : Number(threadId))
    .filter((m) => m.fromBot && !m.deleted);
}

/** Wait for the newest bot message with a button labelled `label`. */
export function waitForButton(
  world: FakeWorld,
  threadId: string,
  label: string,
  timeoutMs?: number,
): Promise<VisibleMessage> {
  return world.fake.waitFor(
    () => [...botMessages(world, threadId)].reverse().find((m) => m.buttons.flat().includes(label)),
    { what: `a message with the button "${label}"`, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
  );
}

/** A person taps the newest button with this label; resolves with the answer shown to them. */
export async function tap(
  world: FakeWorld,
  threadId: string,
  label: string,
  who: FakePerson = OWNER,
  timeoutMs?: number,
): Promise<{ text?: string; showAlert?: boolean } | undefined> {
  const message = await waitForButton(world, threadId, label, timeoutMs);
  return world.fake.userTaps({ message: message.messageId, button: label, from: who, chatId: world.chatId });
}

/** A person writes in a thread (or General with `undefined`). */
export function say(
  world: FakeWorld,
  threadId: string | undefined,
  text: string,
  who: FakePerson = OWNER,
): void {
  world.fake.userSays({
    chatId: world.chatId,
    ...(threadId !== undefined ? { topic: Number(threadId) } : {}),
    from: who,
    text,
  });
}

/** A clock that moves only when told (fake time for the bridge's timers). */
export class ManualClock implements Clock {
  #now = Date.UTC(2030, 0, 1);
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #nextId = 1;

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.push({ at: this.#now + Math.max(0, ms), fn, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Move time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
    }
    this.#now = until;
  }
}
