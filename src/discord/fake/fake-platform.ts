/**
 * The fake Discord as a {@link FakePlatform}: a bridge's thread is a thread channel's id; people are Discord
 * user ids with a username.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import {
  type FakePlatformPerson,
  type FakeTapTarget,
  type FakeVisibleMessage,
  tapTarget,
} from '../../testing/kit/fake-platform.js';
import type { FakeClickOutcome, FakeMessageView, FakePerson } from './types.js';

/** The server's own verbs the adapter is written with. */
interface DiscordVerbs {
  userSays(options: { channelId: string; author: FakePerson; content: string }): FakeMessageView;
  userClicks(options: {
    channelId: string;
    messageId: string;
    label?: string;
    user: FakePerson;
  }): Promise<FakeClickOutcome>;
  channelMessages(channelId: string): FakeMessageView[];
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T>;
}

/** {@link FakePlatform}'s verbs in Discord's terms. */
export class DiscordPersonAdapter {
  constructor(readonly verbs: DiscordVerbs) {}

  /** `who` writes in the thread; MESSAGE_CREATE is dispatched at once. */
  async says(thread: string, text: string, who: FakePlatformPerson | undefined): Promise<void> {
    this.verbs.userSays({ channelId: thread, author: person(who), content: text });
  }

  /** `who` clicks the newest button labelled `label` in the thread (or on the given message). */
  async taps(target: FakeTapTarget, label: string, who: FakePlatformPerson): Promise<string | undefined> {
    const { thread, message } = await tapTarget(this, target, label);
    const outcome = await this.verbs.userClicks({
      channelId: thread,
      messageId: message,
      label,
      user: person(who),
    });
    return outcome.kind === 'reply' || outcome.kind === 'thinking' ? outcome.message.content : undefined;
  }

  /** Waits on the server's state (for {@link tapTarget}). */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T> {
    return this.verbs.waitFor(predicate, options);
  }

  /** The thread's messages as a person sees them. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.visibleMessages(thread).map((m) => ({
      id: m.id,
      from: m.authorIsBot ? 'bot' : 'person',
      text: m.content,
      buttons: m.components.flat().map((b) => b.label ?? ''),
      files: m.attachments.map((f) => ({ name: f.filename, text: f.content.toString('utf8') })),
    }));
  }

  /** Messages everyone sees: ephemeral answers and deleted messages left out. */
  visibleMessages(channelId: string): FakeMessageView[] {
    return this.verbs.channelMessages(channelId).filter((m) => !m.ephemeral && !m.deleted);
  }
}

function person(who: FakePlatformPerson | undefined): FakePerson {
  if (!who) throw new ConfigError('FakeDiscordServer: say who acts ({ id, name })');
  return { id: who.id, username: who.name };
}
