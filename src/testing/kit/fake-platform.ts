/**
 * {@link FakePlatform}: the one person-side API every platform fake offers, so a suite written once (the bridge
 * contract suite, your own tests) drives Telegram, Slack and Discord alike. Each fake keeps its
 * platform-specific verbs (`userPosts`, `userClicks`, …) for what only that platform has.
 * @module
 */

/** Someone acting on a fake platform. `id` is the platform's user id as a string. */
export interface FakePlatformPerson {
  readonly id: string;
  readonly name: string;
}

/** A message as a person sees it in a thread. */
export interface FakeVisibleMessage {
  /** The message's id as the fake reports it (for `userTaps({ thread, message })`). */
  readonly id: string;
  /** Who posted it. */
  readonly from: 'bot' | 'person';
  /** Its text as shown (formatting removed). */
  readonly text: string;
  /** The labels of its buttons, in order (rows flattened); empty when it has none. */
  readonly buttons: readonly string[];
  /** Files attached to it, with their content read as UTF-8 (what the person sees on opening them). */
  readonly files: readonly { readonly name: string; readonly text: string }[];
}

/**
 * A fake chat platform, driven as a person would. `thread` is the bridge's thread id (a Telegram topic id, a
 * Slack thread's ts, a Discord thread's channel id).
 * @example
 * ```ts
 * async function approveFirstCard(fake: FakePlatform, thread: string, owner: FakePlatformPerson) {
 *   await fake.userTaps(thread, 'Allow', owner);
 *   return fake.visible(thread).filter((m) => m.from === 'bot').map((m) => m.text);
 * }
 * ```
 */
export interface FakePlatform {
  /** What a person types before a command here (`/status` on Telegram, `!status` on Slack and Discord). */
  readonly commandPrefix: '/' | '!';
  /** Starts the fake's server (idempotent). */
  start(): Promise<unknown>;
  /** Stops it and closes every socket (idempotent). */
  stop(): Promise<void>;
  /**
   * `who` writes `text` in the thread. Resolves once the platform has delivered it to the bot's connection
   * (for Slack, once the bot acknowledged the envelope).
   */
  userSays(thread: string, text: string, who: FakePlatformPerson): Promise<void>;
  /**
   * `who` taps the newest button labelled `buttonLabel` in the thread (waiting, bounded, until one shows),
   * or on a given message (`{ thread, message }`, a message id as the fake reports it).
   * @returns the short answer the platform shows the person (a toast, an ephemeral line), if any.
   */
  userTaps(target: FakeTapTarget, buttonLabel: string, who: FakePlatformPerson): Promise<string | undefined>;
  /** What a person sees in the thread, oldest first; deleted messages are left out. */
  visible(thread: string): FakeVisibleMessage[];
}

/** Where a tap lands: the newest message in a thread with the button, or a given message. */
export type FakeTapTarget = string | { readonly thread: string; readonly message: string };

/**
 * The message a tap lands on: the given one, or the newest bot message in the thread whose buttons include
 * `label`, waited for (bounded) with the fake's `waitFor`. Every fake's `userTaps` starts here.
 */
export async function tapTarget(
  fake: Pick<FakePlatform, 'visible'> & {
    waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T>;
  },
  target: FakeTapTarget,
  label: string,
): Promise<{ thread: string; message: string }> {
  if (typeof target !== 'string') return target;
  const message = await fake.waitFor(
    () =>
      fake
        .visible(target)
        .filter((m) => m.from === 'bot')
        .reverse()
        .find((m) => m.buttons.includes(label)),
    { what: `a message with the button "${label}" in thread ${target}` },
  );
  return { thread: target, message: message.id };
}
