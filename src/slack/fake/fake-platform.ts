/**
 * The fake Slack as a {@link FakePlatform}: a bridge's thread is a thread's parent ts, found in whichever
 * channel holds it; people are Slack user ids (added to the workspace on first use).
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import {
  type FakePlatformPerson,
  type FakeTapTarget,
  type FakeVisibleMessage,
  tapTarget,
} from '../../testing/kit/fake-platform.js';
import type { Waiters } from '../../testing/kit/waiter.js';
import type { UserPostOptions } from './person-actions.js';
import type { FakeSlackEphemeralView, FakeSlackMessageView } from './types.js';

/** The server's own verbs the adapter is written with. */
interface SlackVerbs {
  channelIds(): string[];
  message(channel: string, ts: string): FakeSlackMessageView | undefined;
  threadMessages(channel: string, threadTs: string): FakeSlackMessageView[];
  ephemeralMessages(channel: string, user?: string): FakeSlackEphemeralView[];
  acknowledged(envelopeId?: string): Promise<void>;
  userPosts(options: UserPostOptions): string;
  userClicks(options: { channel: string; message: string; user: string; buttonText?: string }): string;
}

/** {@link FakePlatform}'s verbs in Slack's terms. */
export class SlackPersonAdapter {
  constructor(
    readonly verbs: SlackVerbs,
    readonly waiters: Waiters,
  ) {}

  /** `who` replies in the thread; resolves once every envelope is acknowledged. */
  async says(thread: string, text: string, who: FakePlatformPerson): Promise<void> {
    const channel = this.#channelOf(thread);
    this.verbs.userPosts({ channel, user: who.id, text, threadTs: thread });
    await this.verbs.acknowledged(undefined);
  }

  /** `who` clicks the newest button labelled `label` in the thread (or on the given message). */
  async taps(target: FakeTapTarget, label: string, who: FakePlatformPerson): Promise<string | undefined> {
    const { thread, message } = await tapTarget(this, target, label);
    const channel = this.#channelOf(thread);
    const before = this.verbs.ephemeralMessages(channel, who.id).length;
    const envelope = this.verbs.userClicks({ channel, message, user: who.id, buttonText: label });
    await this.verbs.acknowledged(envelope);
    return this.verbs.ephemeralMessages(channel, who.id).slice(before).at(-1)?.text;
  }

  /** Waits on the server's state (for {@link tapTarget}). */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T> {
    return this.waiters.waitFor(predicate, options);
  }

  /** The thread's messages (parent first) as a person sees them. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.verbs
      .threadMessages(this.#channelOf(thread), thread)
      .filter((m) => !m.deleted)
      .map((m) => ({
        id: m.ts,
        from: m.botPosted ? 'bot' : 'person',
        text: m.text,
        buttons: m.buttons.map((b) => b.text),
        files: m.files.map((f) => ({ name: f.name, text: f.content.toString('utf8') })),
      }));
  }

  #channelOf(thread: string): string {
    const channels = this.verbs.channelIds().filter((id) => this.verbs.message(id, thread) !== undefined);
    const [channel, second] = channels;
    if (!channel)
      throw new ConfigError(
        `FakeSlackServer: no channel has a thread ${thread}; create it with the bridge's createThread() first`,
      );
    if (second)
      throw new ConfigError(
        `FakeSlackServer: several channels have a message ${thread}; use userPosts({ channel, threadTs, ... })`,
      );
    return channel;
  }
}
