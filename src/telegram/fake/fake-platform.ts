/**
 * The fake Telegram as a {@link FakePlatform}: a bridge's thread is a forum topic (`message_thread_id`), found
 * in whichever forum group holds it; people are numeric Telegram user ids.
 * @module
 */
import { ConfigError } from '../../core/errors.js';
import {
  type FakePlatformPerson,
  type FakeTapTarget,
  type FakeVisibleMessage,
  tapTarget,
} from '../../testing/kit/fake-platform.js';
import type { TelegramWorld } from './model.js';
import type { UserSaysInput, UserTapsInput } from './person-side.js';
import type { CallbackAnswer, FakePerson, VisibleMessage } from './types.js';

/** The server's own verbs the adapter is written with. */
interface TelegramVerbs {
  userSays(input: UserSaysInput): unknown;
  userTaps(input: UserTapsInput): Promise<CallbackAnswer | undefined>;
  topicMessages(chatId: number, topic?: number): VisibleMessage[];
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T>;
}

/** {@link FakePlatform}'s verbs in Telegram's terms. */
export class TelegramPersonAdapter {
  constructor(
    readonly world: TelegramWorld,
    readonly verbs: TelegramVerbs,
  ) {}

  /** `who` writes in the topic. */
  async says(thread: string, text: string, who: FakePlatformPerson | undefined): Promise<void> {
    const chatId = this.#chatOf(thread);
    this.verbs.userSays({ chatId, topic: Number(thread), from: person(who, 'userSays'), text });
  }

  /** `who` taps the newest button labelled `label` in the topic (or on the given message). */
  async taps(
    target: FakeTapTarget,
    label: string,
    who: FakePlatformPerson | undefined,
  ): Promise<string | undefined> {
    const { thread, message } = await tapTarget(this, target, label);
    const answer = await this.verbs.userTaps({
      message: Number(message),
      button: label,
      from: person(who, 'userTaps'),
      chatId: this.#chatOf(thread),
    });
    return answer?.text;
  }

  /** Waits on the server's state (for {@link tapTarget}). */
  waitFor<T>(predicate: () => T | undefined | null | false, options?: { what?: string }): Promise<T> {
    return this.verbs.waitFor(predicate, options);
  }

  /** The topic's messages as a person sees them. */
  visible(thread: string): FakeVisibleMessage[] {
    return this.verbs
      .topicMessages(this.#chatOf(thread), Number(thread))
      .filter((m) => !m.deleted)
      .map((m) => ({
        id: String(m.messageId),
        from: m.fromBot ? 'bot' : 'person',
        text: m.text,
        buttons: m.buttons.flat(),
        files: m.document ? [{ name: m.document.fileName, text: m.document.content.toString('utf8') }] : [],
      }));
  }

  #chatOf(thread: string): number {
    const topic = Number(thread);
    const chats = [...this.world.chats.values()].filter((chat) => {
      const found = chat.topics.get(topic);
      return found !== undefined && !found.deleted;
    });
    const [chat, second] = chats;
    if (!chat)
      throw new ConfigError(
        `FakeTelegramServer: no forum group has a topic ${thread}; create it with the bridge's createThread() first`,
      );
    if (second)
      throw new ConfigError(
        `FakeTelegramServer: several forum groups have a topic ${thread}; use userSays({ chatId, topic, ... })`,
      );
    return chat.id;
  }
}

function person(who: FakePlatformPerson | undefined, verb: string): FakePerson {
  const id = Number(who?.id);
  if (!who || !Number.isSafeInteger(id))
    throw new ConfigError(
      `FakeTelegramServer.${verb}: a person with a numeric Telegram user id is needed, got ${JSON.stringify(who?.id)}`,
    );
  return { id, first_name: who.name, username: who.name };
}
