/**
 * The person's side of the fake workspace: posting, clicking buttons, running slash commands, and the events
 * Slack sends the app about them (including the echo of the bot's own posts).
 * @module
 */

import { messageJson } from './message-json.js';
import { viewOf } from './message-view.js';
import {
  appMentionEvent,
  blockActionsPayload,
  blocksOf,
  eventCallback,
  type FakeSlashCommandPayload,
  mentionsBot,
  messageEvent,
  type PayloadContext,
  slashCommandPayload,
} from './person-payloads.js';
import { messageFiles } from './private-files.js';
import { RESPONSE_PATH, type ResponseUrlBook } from './response-urls.js';
import type { SocketModeHub } from './socket-mode.js';
import type { FakeEnvelopeRecord } from './types.js';
import type { SlackWorkspace, StoredChannel, StoredMessage } from './workspace.js';

/** What the person's actions act on. */
/** What a person posts with {@link FakeSlackServer.userPosts}. */
export interface UserPostOptions {
  channel: string;
  user: string;
  text: string;
  threadTs?: string;
  /** Files the person shares with the message (`subtype: 'file_share'`, `url_private` served to the bot token). */
  files?: readonly { name: string; content: Buffer; mimetype?: string }[];
}

export interface PersonActionsDependencies {
  readonly workspace: SlackWorkspace;
  readonly hub: SocketModeHub;
  readonly responses: ResponseUrlBook;
  readonly payloads: PayloadContext;
  /** `http://127.0.0.1:PORT`, for response URLs. */
  readonly baseUrl: () => string;
  readonly echoBotMessages: boolean;
}

/** Acts as people in the workspace and tells the app, as Slack would. */
export class PersonActions {
  readonly #deps: PersonActionsDependencies;

  constructor(deps: PersonActionsDependencies) {
    this.#deps = deps;
  }

  /** See {@link FakeSlackServer.userPosts}. */
  posts(options: UserPostOptions): string {
    const { workspace } = this.#deps;
    const channel = this.#channelOrThrow(options.channel);
    this.#join(channel, options.user);
    let threadTs = options.threadTs;
    if (threadTs !== undefined) {
      const parent = workspace.message(channel.id, threadTs);
      if (!parent)
        throw new Error(`FakeSlackServer.userPosts: no message ${threadTs} in ${channel.id} to reply to`);
      threadTs = parent.threadTs ?? parent.ts;
    }
    const message = workspace.addMessage({
      channel: channel.id,
      ...(threadTs !== undefined ? { threadTs } : {}),
      user: options.user,
      text: options.text,
      blocks: [],
      ...(options.files
        ? {
            files: options.files.map((file, i) => ({
              id: `F${Date.now().toString(36).toUpperCase()}${i}`,
              name: file.name,
              title: file.name,
              content: file.content,
              ...(file.mimetype !== undefined ? { mimetype: file.mimetype } : {}),
            })),
          }
        : {}),
    });
    // Slack only sends channel events to apps that are in the channel.
    if (channel.members.has(workspace.botUserId)) {
      const event = messageEvent(this.#deps.payloads, message, channel);
      this.#deliverEvent(
        message.files
          ? // A person's file share: the event carries the files (typed loosely by @slack/types).
            ({
              ...event,
              subtype: 'file_share',
              files: messageFiles(message, this.#deps.baseUrl()),
            } as unknown as typeof event)
          : event,
      );
      if (mentionsBot(message.text, workspace.botUserId)) {
        this.#deliverEvent(appMentionEvent(this.#deps.payloads, message));
      }
    }
    return message.ts;
  }

  /** See {@link FakeSlackServer.userClicks}. */
  clicks(options: {
    channel: string;
    message: string;
    user: string;
    actionId?: string;
    buttonText?: string;
  }): string {
    const { workspace } = this.#deps;
    const channel = this.#channelOrThrow(options.channel);
    const message = workspace.message(channel.id, options.message);
    if (!message || message.deleted) {
      throw new Error(`FakeSlackServer.userClicks: no visible message ${options.message} in ${channel.id}`);
    }
    const { buttons } = viewOf(message);
    const matches = buttons.filter((b) =>
      options.actionId !== undefined
        ? b.actionId === options.actionId
        : options.buttonText !== undefined
          ? b.text === options.buttonText
          : true,
    );
    const button = matches[0];
    if (!button || matches.length > 1) {
      const labels = buttons.map((b) => `"${b.text}" (${b.actionId})`).join(', ') || 'none';
      throw new Error(
        `FakeSlackServer.userClicks: ${matches.length > 1 ? 'several buttons match' : 'no button matches'} ` +
          `on message ${message.ts}; its buttons are: ${labels}. Pass actionId or buttonText.`,
      );
    }
    this.#join(channel, options.user);
    const responseId = this.#deps.responses.create({
      channel: channel.id,
      user: options.user,
      messageTs: message.ts,
      ...(message.threadTs !== undefined ? { threadTs: message.threadTs } : {}),
    });
    const payload = blockActionsPayload(this.#deps.payloads, {
      message,
      messageJson: { ...messageJson(workspace, message, this.#deps.payloads.appId) },
      channel,
      user: options.user,
      button,
      responseUrl: `${this.#deps.baseUrl()}${RESPONSE_PATH}${responseId}`,
    });
    return this.#deps.hub.deliver('interactive', payload, false);
  }

  /** See {@link FakeSlackServer.userRunsSlashCommand}. */
  runsSlashCommand(options: { command: string; text: string; user: string; channel: string }): string {
    const channel = this.#channelOrThrow(options.channel);
    this.#deps.workspace.addUser(options.user);
    const responseId = this.#deps.responses.create({ channel: channel.id, user: options.user });
    const payload = slashCommandPayload(this.#deps.payloads, {
      command: options.command,
      text: options.text,
      user: options.user,
      channel,
      responseUrl: `${this.#deps.baseUrl()}${RESPONSE_PATH}${responseId}`,
    });
    return this.#deps.hub.deliver('slash_commands', payload, true);
  }

  /** Slack echoes the bot's own posts to the app as `message` events with `bot_id`. */
  echo(message: StoredMessage): void {
    const channel = this.#deps.workspace.channel(message.channel);
    if (this.#deps.echoBotMessages && channel) {
      this.#deliverEvent(messageEvent(this.#deps.payloads, message, channel));
    }
  }

  /** A slash command's ack may carry the response the person sees right away. */
  onAck(record: FakeEnvelopeRecord): void {
    if (
      record.type !== 'slash_commands' ||
      typeof record.ackPayload !== 'object' ||
      record.ackPayload === null
    )
      return;
    const { workspace } = this.#deps;
    const ack = record.ackPayload as Record<string, unknown>;
    const payload = record.payload as FakeSlashCommandPayload;
    const text = typeof ack.text === 'string' ? ack.text : '';
    const blocks = blocksOf(ack.blocks);
    if (text === '' && blocks.length === 0) return;
    if (ack.response_type === 'in_channel') {
      const message = workspace.addMessage({
        channel: payload.channel_id,
        user: workspace.botUserId,
        botId: workspace.botId,
        text,
        blocks,
      });
      this.echo(message);
      return;
    }
    workspace.addEphemeral({ channel: payload.channel_id, user: payload.user_id, text, blocks });
  }

  #channelOrThrow(id: string): StoredChannel {
    const channel = this.#deps.workspace.channel(id);
    if (!channel) throw new Error(`FakeSlackServer: no channel ${id}; create it with fake.createChannel()`);
    return channel;
  }

  #join(channel: StoredChannel, user: string): void {
    this.#deps.workspace.addUser(user);
    channel.members.add(user);
  }

  #deliverEvent(event: Parameters<typeof eventCallback>[1]): void {
    this.#deps.hub.deliver('events_api', eventCallback(this.#deps.payloads, event), false);
  }
}
