/**
 * The fake Discord as a {@link FakePlatform}: a bridge's thread is a thread channel's id; people are Discord
 * user ids with a username.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import type { FakePlatformPerson, FakeVisibleMessage } from '../../testing/kit/fake-platform.js';
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
  async taps(
    target: string | { readonly thread: string; readonly message: string },
    label: string,
    who: FakePlatformPerson,
  ): Promise<string | undefined> {
    const channelId = typeof target === 'string' ? target : target.thread;
    const messageId =
      typeof target === 'string'
        ? (
            await this.verbs.waitFor(
              () =>
                this.visibleMessages(channelId)
                  .filter((m) => m.authorIsBot)
                  .reverse()
                  .find((m) => m.components.flat().some((b) => b.label === label)),
              { what: `a message with the button "${label}" in ${channelId}` },
            )
          ).id
        : target.message;
    const outcome = await this.verbs.userClicks({ channelId, messageId, label, user: person(who) });
    return outcome.kind === 'reply' || outcome.kind === 'thinking' ? outcome.message.content : undefined;
  }

  /** The thread's messages as a person sees them. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.visibleMessages(thread).map((m) => ({
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
