/**
 * The fake workspace's state: channels, people, messages, reactions and ephemeral messages.
 * @module
 */

import type { AnyBlock } from '@slack/types';
import type { ScaledClock } from '../../testing/kit/scaled-clock.js';
import type { FakeSlackEphemeralView } from './types.js';

/** A channel of the fake workspace. */
export interface StoredChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly members: Set<string>;
  readonly created: number;
}

/** A person (or the bot) of the fake workspace. */
export interface StoredUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly isBot: boolean;
}

/** A message as stored; edits mutate it in place. */
export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  /** The parent's ts, for replies only. */
  readonly threadTs?: string;
  readonly user: string;
  readonly botId?: string;
  text: string;
  blocks: AnyBlock[];
  edits: number;
  deleted: boolean;
  editedTs?: string;
  /** Reaction name → users who reacted. */
  readonly reactions: Map<string, Set<string>>;
  /** Files shared with the message (files.completeUploadExternal). */
  readonly files?: readonly StoredFile[];
}

/** A file shared in a message. */
export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly content: Buffer;
  /** The MIME type a person's client reports. */
  readonly mimetype?: string;
}

/** What a new message is made of. */
export interface NewMessage {
  readonly channel: string;
  readonly threadTs?: string;
  readonly user: string;
  readonly botId?: string;
  readonly text: string;
  readonly blocks: AnyBlock[];
  readonly files?: readonly StoredFile[];
}

/** The in-memory workspace. */
export class SlackWorkspace {
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly #clock: ScaledClock;
  readonly #channels = new Map<string, StoredChannel>();
  readonly #users = new Map<string, StoredUser>();
  /** channel → ts → message, in ts order of insertion. */
  readonly #messages = new Map<string, Map<string, StoredMessage>>();
  readonly #ephemerals: FakeSlackEphemeralView[] = [];
  #lastMicros = 0;
  #nextChannel = 1;

  constructor(options: { teamId: string; botUserId: string; botId: string; clock: ScaledClock }) {
    this.teamId = options.teamId;
    this.botUserId = options.botUserId;
    this.botId = options.botId;
    this.#clock = options.clock;
    this.#users.set(this.botUserId, {
      id: this.botUserId,
      name: 'agent-tether',
      realName: 'agent-tether',
      isBot: true,
    });
  }

  /** Creates a channel and returns its id (`C…` public, `G…` private). */
  createChannel(name: string, botIsMember: boolean, isPrivate: boolean): string {
    const id = `${isPrivate ? 'G' : 'C'}0FAKE${String(this.#nextChannel++).padStart(4, '0')}`;
    const members = new Set<string>(botIsMember ? [this.botUserId] : []);
    this.#channels.set(id, { id, name, isPrivate, members, created: Math.floor(this.#clock.now() / 1000) });
    this.#messages.set(id, new Map());
    return id;
  }

  /** Every channel's id, oldest first. */
  channelIds(): string[] {
    return [...this.#channels.keys()];
  }

  /** The channel with this id. */
  channel(id: string): StoredChannel | undefined {
    return this.#channels.get(id);
  }

  /** Adds a person (or renames nobody: an existing id is returned as is). */
  addUser(id: string, name?: string, realName?: string): StoredUser {
    const existing = this.#users.get(id);
    if (existing) return existing;
    const user = { id, name: name ?? id.toLowerCase(), realName: realName ?? name ?? id, isBot: false };
    this.#users.set(id, user);
    return user;
  }

  /** The person with this id. */
  user(id: string): StoredUser | undefined {
    return this.#users.get(id);
  }

  /** A fresh message ts: Slack-time seconds and microseconds, strictly increasing. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.#clock.now() * 1000), this.#lastMicros + 1);
    this.#lastMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** Stores a new message. */
  /** A file shared in any message, by id. */
  findFile(id: string): StoredFile | undefined {
    for (const channel of this.#channels.values()) {
      for (const message of this.#channelMessages(channel.id).values()) {
        const file = message.files?.find((f) => f.id === id);
        if (file) return file;
      }
    }
    return undefined;
  }

  addMessage(input: NewMessage): StoredMessage {
    const message: StoredMessage = {
      channel: input.channel,
      ts: this.nextTs(),
      ...(input.threadTs !== undefined ? { threadTs: input.threadTs } : {}),
      user: input.user,
      ...(input.botId !== undefined ? { botId: input.botId } : {}),
      text: input.text,
      blocks: input.blocks,
      edits: 0,
      deleted: false,
      reactions: new Map(),
      ...(input.files !== undefined ? { files: input.files } : {}),
    };
    this.#channelMessages(input.channel).set(message.ts, message);
    return message;
  }

  /** The message `ts` of `channel`, deleted or not. */
  message(channel: string, ts: string): StoredMessage | undefined {
    return this.#messages.get(channel)?.get(ts);
  }

  /** A thread: its parent then its replies, in order. Empty when the parent does not exist. */
  thread(channel: string, threadTs: string): StoredMessage[] {
    const parent = this.message(channel, threadTs);
    if (!parent) return [];
    const replies = [...this.#channelMessages(channel).values()].filter((m) => m.threadTs === threadTs);
    return [parent, ...replies];
  }

  /** The top-level messages of a channel (thread replies excluded), in order. */
  topLevel(channel: string): StoredMessage[] {
    return [...this.#channelMessages(channel).values()].filter((m) => m.threadTs === undefined);
  }

  /** Records an ephemeral message. */
  addEphemeral(view: FakeSlackEphemeralView): void {
    this.#ephemerals.push(view);
  }

  /** The ephemeral messages shown in a channel, optionally only those shown to `user`. */
  ephemerals(channel: string, user?: string): FakeSlackEphemeralView[] {
    return this.#ephemerals.filter((e) => e.channel === channel && (user === undefined || e.user === user));
  }

  #channelMessages(channel: string): Map<string, StoredMessage> {
    let messages = this.#messages.get(channel);
    if (!messages) {
      messages = new Map();
      this.#messages.set(channel, messages);
    }
    return messages;
  }
}
