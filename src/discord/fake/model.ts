/**
 * The fake's world: one guild, its channels and threads, their messages, and the interactions people start.
 * Pure state with no I/O; the REST and gateway layers read and change it.
 * @module
 */

import type { APIAllowedMentions, APIEmbed, APIMessageTopLevelComponent } from 'discord-api-types/v10';
import type { FakeAttachmentView, FakeButtonView, FakeMessageView, FakeThreadView } from './types.js';

/** Discord's epoch (2015-01-01) in milliseconds. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/** Makes increasing snowflakes from the clock, like Discord's ids. */
export class SnowflakeMaker {
  #last = 0n;

  /** A new snowflake, larger than every one before. */
  next(): string {
    let id = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    if (id <= this.#last) id = this.#last + 1n;
    this.#last = id;
    return id.toString();
  }
}

/** A user as the fake stores them. */
export interface StoredUser {
  id: string;
  username: string;
  bot: boolean;
}

/** A message as the fake stores it. */
export interface StoredMessage {
  id: string;
  channelId: string;
  author: StoredUser;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  flags: number;
  allowedMentions: APIAllowedMentions | undefined;
  history: string[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  /** Set on messages written through an interaction webhook. */
  webhookId: string | undefined;
  /** Ids of users mentioned as `<@id>` in the content. */
  mentionIds: string[];
  /** The thread started from this message. */
  threadId: string | undefined;
  /** Files uploaded with the message. */
  attachments: FakeAttachmentView[];
}

/** A channel or thread as the fake stores it. */
export interface StoredChannel {
  id: string;
  /** 0 text, 11 public thread, 12 private thread. */
  type: 0 | 11 | 12;
  name: string;
  parentId: string | null;
  ownerId: string | undefined;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: 60 | 1440 | 4320 | 10080;
  archiveTimestamp: string;
  startMessageId: string | undefined;
  deleted: boolean;
  messages: Map<string, StoredMessage>;
  typingCount: number;
  lastMessageId: string | null;
}

/** What a bot answered to an interaction, once. */
export type InteractionAnswer = { type: 4 | 5; messageId: string } | { type: 6 | 7; messageId: string };

/** A button click waiting for (or having received) the bot's callback. */
export interface StoredInteraction {
  id: string;
  token: string;
  channelId: string;
  /** The message whose button was clicked. */
  messageId: string;
  user: StoredUser;
  /** Real-clock deadline for the initial callback. */
  deadline: number;
  answer: InteractionAnswer | undefined;
  /** Resolves the person's `userClicks` promise. */
  settle: (answer: InteractionAnswer | 'expired') => void;
}

/** The state of the fake Discord. */
export class FakeDiscordModel {
  readonly ids = new SnowflakeMaker();
  readonly channels = new Map<string, StoredChannel>();
  readonly interactions = new Map<string, StoredInteraction>();
  readonly guildName = 'agent-tether fake guild';

  constructor(
    readonly guildId: string,
    readonly bot: StoredUser,
  ) {}

  /** Adds a channel (text when `parentId` is null) and returns it. */
  addChannel(fields: {
    name: string;
    type: 0 | 11 | 12;
    parentId: string | null;
    ownerId?: string;
    startMessageId?: string;
    autoArchiveDuration?: 60 | 1440 | 4320 | 10080;
    id?: string;
  }): StoredChannel {
    const channel: StoredChannel = {
      id: fields.id ?? this.ids.next(),
      type: fields.type,
      name: fields.name,
      parentId: fields.parentId,
      ownerId: fields.ownerId,
      archived: false,
      locked: false,
      autoArchiveDuration: fields.autoArchiveDuration ?? 1440,
      archiveTimestamp: new Date().toISOString(),
      startMessageId: fields.startMessageId,
      deleted: false,
      messages: new Map(),
      typingCount: 0,
      lastMessageId: null,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A live (not deleted) channel, or undefined. */
  liveChannel(id: string): StoredChannel | undefined {
    const channel = this.channels.get(id);
    return channel && !channel.deleted ? channel : undefined;
  }

  /** A live message in a live channel, or undefined. */
  liveMessage(channelId: string, messageId: string): StoredMessage | undefined {
    const message = this.liveChannel(channelId)?.messages.get(messageId);
    return message && !message.deleted ? message : undefined;
  }

  /** Finds a live message by id in any channel. */
  findMessage(messageId: string): StoredMessage | undefined {
    for (const channel of this.channels.values()) {
      const message = channel.messages.get(messageId);
      if (message && !message.deleted && !channel.deleted) return message;
    }
    return undefined;
  }

  /** Stores a new message and returns it. */
  addMessage(fields: {
    channel: StoredChannel;
    author: StoredUser;
    content: string;
    embeds?: APIEmbed[];
    components?: APIMessageTopLevelComponent[];
    flags?: number;
    allowedMentions?: APIAllowedMentions | undefined;
    webhookId?: string;
    attachments?: { filename: string; content: Buffer; contentType?: string }[];
  }): StoredMessage {
    const message: StoredMessage = {
      id: this.ids.next(),
      channelId: fields.channel.id,
      author: fields.author,
      content: fields.content,
      embeds: fields.embeds ?? [],
      components: fields.components ?? [],
      flags: fields.flags ?? 0,
      allowedMentions: fields.allowedMentions,
      history: [fields.content],
      createdAt: new Date().toISOString(),
      editedAt: null,
      deleted: false,
      webhookId: fields.webhookId,
      mentionIds: mentionedUserIds(fields.content),
      threadId: undefined,
      attachments: (fields.attachments ?? []).map((file) => ({
        id: this.ids.next(),
        filename: file.filename,
        size: file.content.length,
        content: file.content,
        ...(file.contentType !== undefined ? { contentType: file.contentType } : {}),
      })),
    };
    fields.channel.messages.set(message.id, message);
    fields.channel.lastMessageId = message.id;
    return message;
  }

  /** Applies an edit: only the fields present change, like Discord's PATCH. */
  editMessage(
    message: StoredMessage,
    patch: {
      content?: string | null | undefined;
      embeds?: APIEmbed[] | null | undefined;
      components?: APIMessageTopLevelComponent[] | null | undefined;
      flags?: number | null | undefined;
      allowedMentions?: APIAllowedMentions | undefined;
    },
  ): void {
    if (patch.content !== undefined) {
      message.content = patch.content ?? '';
      message.mentionIds = mentionedUserIds(message.content);
    }
    if (patch.embeds !== undefined) message.embeds = patch.embeds ?? [];
    if (patch.components !== undefined) message.components = patch.components ?? [];
    if (patch.flags !== undefined && patch.flags !== null) message.flags = patch.flags;
    if (patch.allowedMentions !== undefined) message.allowedMentions = patch.allowedMentions;
    message.history.push(message.content);
    message.editedAt = new Date().toISOString();
  }
}

/** Ids of users mentioned as `<@id>` or `<@!id>`. */
export function mentionedUserIds(content: string): string[] {
  return [...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1] ?? '');
}

/** The person-facing view of a stored message. */
export function messageView(message: StoredMessage): FakeMessageView {
  return {
    id: message.id,
    channelId: message.channelId,
    content: message.content,
    embeds: message.embeds,
    components: buttonRows(message.components),
    edits: message.history.length - 1,
    history: [...message.history],
    deleted: message.deleted,
    allowedMentions: message.allowedMentions,
    authorIsBot: message.author.bot,
    authorId: message.author.id,
    flags: message.flags,
    ephemeral: (message.flags & 64) !== 0,
    attachments: message.attachments,
  };
}

/** The buttons of a message, one array per action row. */
export function buttonRows(components: readonly APIMessageTopLevelComponent[]): FakeButtonView[][] {
  const rows: FakeButtonView[][] = [];
  for (const row of components) {
    if (row.type !== 1) continue;
    const buttons: FakeButtonView[] = [];
    for (const item of row.components) {
      if (item.type !== 2) continue;
      buttons.push({
        label: 'label' in item ? item.label : undefined,
        customId: 'custom_id' in item ? item.custom_id : undefined,
        style: item.style,
        disabled: item.disabled === true,
        url: 'url' in item ? item.url : undefined,
      });
    }
    rows.push(buttons);
  }
  return rows;
}

/** The person-facing view of a thread. */
export function threadView(channel: StoredChannel): FakeThreadView {
  return {
    id: channel.id,
    parentId: channel.parentId ?? '',
    name: channel.name,
    type: channel.type,
    archived: channel.archived,
    locked: channel.locked,
    deleted: channel.deleted,
    startMessageId: channel.startMessageId,
  };
}
